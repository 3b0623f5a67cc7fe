package org.introdl.xray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.introdl.core.UserError;
import org.introdl.core.testing.BadInputs;
import org.introdl.core.testing.SharedFixtures;
import org.introdl.xray.data.XrayDataset;
import org.introdl.xray.data.XrayH5Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XrayH5DatasetTest {
  @TempDir Path tmp;

  @Test
  void readsTheRealSamplesWithTheirLabelsAndPixelSums() throws Exception {
    Path dir = SharedFixtures.require("chest-xray-samples");
    XrayDataset d = XrayH5Dataset.read(dir.resolve("nih_pneumothorax_samples_256.h5"));
    assertEquals(20, d.count());
    assertEquals(256, d.size());
    assertFalse(d.isSynthetic());
    // labels.csv: index, file, pneumothorax, one-hot, findings, sha, size, small_sum_uint8, mean.
    List<String> rows = Files.readAllLines(dir.resolve("labels.csv"));
    for (int i = 0; i < 20; i++) {
      String[] cells = rows.get(i + 1).split(",");
      assertEquals(Integer.parseInt(cells[2]), d.labels()[i], "label of " + i);
      double sum = 0;
      for (float v : d.image(i)) {
        sum += v;
      }
      assertEquals(Long.parseLong(cells[7]), (long) sum, "pixel sum of " + i);
    }
    assertArrayEquals(new int[] {1, 3, 4, 6, 8, 10, 14, 16, 18, 19},
        java.util.stream.IntStream.range(0, 20).filter(i -> d.labels()[i] == 1).toArray());
  }

  @Test
  void acceptsFloatImages() {
    Path file = write("float.h5", h5 -> {
      h5.putDataset("image", new float[3][32][32][1]);
      h5.putDataset("label", new double[][] {{1, 0}, {0, 1}, {0, 1}});
    });
    XrayDataset d = XrayH5Dataset.read(file);
    assertEquals(3, d.count());
    assertEquals(32, d.size());
    assertArrayEquals(new int[] {0, 1, 1}, d.labels());
  }

  @Test
  void badFilesAreOneLineErrorsNamingTheFileAndTheProblem() throws Exception {
    float[][] oneHot = {{1, 0}, {0, 1}};
    assertBad(write("no-label.h5", h5 -> h5.putDataset("image", new float[2][32][32][1])), "no dataset 'label'");
    assertBad(write("no-image.h5", h5 -> h5.putDataset("label", oneHot)), "no dataset 'image'");
    assertBad(write("rank3.h5", h5 -> {
      h5.putDataset("image", new float[2][32][32]);
      h5.putDataset("label", oneHot);
    }), "expected (N, S, S, 1)");
    assertBad(write("not-square.h5", h5 -> {
      h5.putDataset("image", new float[2][32][48][1]);
      h5.putDataset("label", oneHot);
    }), "must be square");
    assertBad(write("n-mismatch.h5", h5 -> {
      h5.putDataset("image", new float[3][32][32][1]);
      h5.putDataset("label", oneHot);
    }), "3 images but 'label' has 2 rows");
    assertBad(write("int8.h5", h5 -> {
      h5.putDataset("image", new byte[2][32][32][1]);
      h5.putDataset("label", oneHot);
    }), "type int8");
    assertBad(write("int32.h5", h5 -> {
      h5.putDataset("image", new int[2][32][32][1]);
      h5.putDataset("label", oneHot);
    }), "type int32");
    assertBad(write("label-shape.h5", h5 -> {
      h5.putDataset("image", new float[2][32][32][1]);
      h5.putDataset("label", new float[][] {{1, 0, 0}, {0, 1, 0}});
    }), "expected (N, 2) one-hot");
    assertBad(write("not-one-hot.h5", h5 -> {
      h5.putDataset("image", new float[2][32][32][1]);
      h5.putDataset("label", new float[][] {{1, 0}, {0.5f, 0.5f}});
    }), "not one-hot");
    Path empty = Files.write(tmp.resolve("empty.h5"), new byte[0]);
    assertBad(empty, "not a readable HDF5 file");
    assertBad(write("no-datasets.h5", h5 -> h5.putGroup("g")), "no dataset 'image'");
    Path nothing = tmp.resolve("missing.h5");
    assertBad(nothing, "no such file");
  }

  @Test
  void damagedCopiesOfTheRealFileNeverCrashOrLeakAnExceptionType() throws Exception {
    byte[] real = Files.readAllBytes(SharedFixtures.require("chest-xray-samples/nih_pneumothorax_samples_256.h5"));
    int i = 0;
    int accepted = 0;
    for (byte[] bad : concat(BadInputs.truncations(real, 25), BadInputs.randomBytes(3, 15, 4096), BadInputs.corruptions(real, 4, 20))) {
      Path file = tmp.resolve("bad-" + i++ + ".h5");
      Files.write(file, bad);
      try {
        XrayH5Dataset.read(file);
        accepted++; // a corruption inside pixel data is still a valid file
      } catch (UserError e) {
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
      }
    }
    assertTrue(accepted < i, "every damaged file was accepted");
  }

  @SafeVarargs
  static List<byte[]> concat(List<byte[]>... lists) {
    return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
  }

  Path write(String name, Consumer<WritableHdfFile> content) {
    Path file = tmp.resolve(name);
    try (WritableHdfFile h5 = HdfFile.write(file)) {
      content.accept(h5);
    }
    return file;
  }

  static void assertBad(Path file, String expected) {
    UserError e = assertThrows(UserError.class, () -> XrayH5Dataset.read(file));
    assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }
}
