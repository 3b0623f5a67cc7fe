package org.introdl.keras;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes small Keras 3 {@code .keras} archives for tests: a config written by hand and weights in Keras 3's layout
 * ({@code layers/<object>/vars/0, 1, ...}), so layers the shared fixtures lack can be checked.
 */
final class KerasArchives {
  private KerasArchives() {}

  /** A weight's values with its shape. */
  record Var(float[] values, int... shape) {
    Object nested() {
      return nest(values, shape, 0, new int[] {0});
    }

    private static Object nest(float[] v, int[] shape, int depth, int[] at) {
      if (depth == shape.length - 1) {
        float[] row = new float[shape[depth]];
        System.arraycopy(v, at[0], row, 0, row.length);
        at[0] += row.length;
        return row;
      }
      Object[] rows = new Object[shape[depth]];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = nest(v, shape, depth + 1, at);
      }
      Class<?> type = rows.length > 0 ? rows[0].getClass() : float[].class;
      Object typed = java.lang.reflect.Array.newInstance(type, rows.length);
      for (int i = 0; i < rows.length; i++) {
        java.lang.reflect.Array.set(typed, i, rows[i]);
      }
      return typed;
    }
  }

  /** Writes {@code file}: config.json, metadata.json and model.weights.h5 holding {@code vars} by object path. */
  static Path write(Path file, String configJson, Map<String, List<Var>> vars) throws IOException {
    Path h5 = Files.createTempFile(file.getParent(), "weights", ".h5");
    try (WritableHdfFile out = HdfFile.write(h5)) {
      Map<String, WritableGroup> groups = new LinkedHashMap<>();
      for (Map.Entry<String, List<Var>> e : vars.entrySet()) {
        WritableGroup g = group(out, groups, e.getKey() + "/vars");
        List<Var> vs = e.getValue();
        for (int i = 0; i < vs.size(); i++) {
          g.putDataset(Integer.toString(i), vs.get(i).nested());
        }
      }
    }
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      entry(zip, "metadata.json", "{\"keras_version\": \"3.8.0\", \"date_saved\": \"test\"}"
          .getBytes(StandardCharsets.UTF_8));
      entry(zip, "config.json", configJson.getBytes(StandardCharsets.UTF_8));
      entry(zip, "model.weights.h5", Files.readAllBytes(h5));
    } finally {
      Files.deleteIfExists(h5);
    }
    return file;
  }

  static void entry(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(bytes);
    zip.closeEntry();
  }

  /** A zip with the given entries as they are (for hostile archives). */
  static Path zip(Path file, Map<String, byte[]> entries) throws IOException {
    try (OutputStream o = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(o)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        entry(zip, e.getKey(), e.getValue());
      }
    }
    return file;
  }

  private static WritableGroup group(WritableGroup root, Map<String, WritableGroup> made, String path) {
    WritableGroup g = root;
    StringBuilder at = new StringBuilder();
    for (String part : path.split("/")) {
      at.append('/').append(part);
      WritableGroup parent = g;
      g = made.computeIfAbsent(at.toString(), k -> parent.putGroup(part));
    }
    return g;
  }
}
