package org.introdl.keras;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.introdl.core.UserError;

/**
 * A Keras 3 {@code .keras} file: a zip holding {@code metadata.json}, {@code config.json} and
 * {@code model.weights.h5} (and an {@code assets/} folder some layers use). The zip is a file from a stranger, so
 * every entry is checked before a byte is inflated: its name must be one of those (no absolute paths, no
 * {@code ..}), its declared size must fit the limits, and inflating stops at that size, so a zip bomb that lies
 * about its sizes is cut off as well. Nothing is ever written to disk.
 */
public record KerasArchive(String metadataJson, String configJson, byte[] weightsH5) {
  /** The largest {@code config.json} or {@code metadata.json} read (a real one is a few KiB). */
  public static final long MAX_JSON_BYTES = 16L << 20;
  /** The largest {@code model.weights.h5} read into memory. */
  public static final long MAX_WEIGHTS_BYTES = 1L << 30;
  /** A compressed entry may expand this much at most (real weights hardly compress at all). */
  static final long MAX_RATIO = 200;

  private static final String CONFIG = "config.json";
  private static final String METADATA = "metadata.json";
  private static final String WEIGHTS = "model.weights.h5";
  private static final Set<String> KNOWN = Set.of(CONFIG, METADATA, WEIGHTS);

  public static KerasArchive read(Path file) {
    try (ZipFile zip = new ZipFile(file.toFile(), StandardCharsets.UTF_8)) {
      Map<String, ZipEntry> entries = new HashMap<>();
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
        ZipEntry entry = e.nextElement();
        String name = entry.getName();
        if (name.startsWith("/") || name.contains("\\") || name.contains("..") || name.contains("\0")) {
          throw UserError.inFile(file, "the archive holds an entry with an unsafe name '" + printable(name) + "'");
        }
        if (KNOWN.contains(name) && entries.put(name, entry) != null) {
          throw UserError.inFile(file, "the archive holds " + name + " twice");
        }
      }
      for (String required : new String[] {CONFIG, WEIGHTS}) {
        if (!entries.containsKey(required)) {
          throw UserError.inFile(file, "not a Keras 3 archive: " + required + " is missing");
        }
      }
      String metadata = entries.containsKey(METADATA)
          ? new String(bytes(zip, entries.get(METADATA), MAX_JSON_BYTES, file), StandardCharsets.UTF_8) : "{}";
      String config = new String(bytes(zip, entries.get(CONFIG), MAX_JSON_BYTES, file), StandardCharsets.UTF_8);
      return new KerasArchive(metadata, config, bytes(zip, entries.get(WEIGHTS), MAX_WEIGHTS_BYTES, file));
    } catch (ZipException e) {
      throw UserError.inFile(file, "not a valid zip archive (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw UserError.inFile(file, "cannot read (" + e.getMessage() + ")");
    }
  }

  /** The entry's bytes, refusing sizes over {@code limit} or ratios over {@link #MAX_RATIO}, declared or real. */
  private static byte[] bytes(ZipFile zip, ZipEntry entry, long limit, Path file) throws IOException {
    long declared = entry.getSize();
    long compressed = entry.getCompressedSize();
    if (declared > limit) {
      throw UserError.inFile(file, entry.getName() + " is " + declared + " bytes, over the limit of " + limit);
    }
    long allowed = limit;
    if (entry.getMethod() == ZipEntry.DEFLATED && compressed > 0) {
      allowed = Math.min(limit, Math.max(compressed, 1024) * MAX_RATIO);
    }
    if (declared > allowed) {
      throw UserError.inFile(file, entry.getName() + " would expand " + declared / Math.max(compressed, 1)
          + "-fold; refusing a possible zip bomb");
    }
    try (InputStream in = zip.getInputStream(entry)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(0, Math.min(declared, allowed)));
      byte[] buf = new byte[64 * 1024];
      long total = 0;
      for (int n; (n = in.read(buf)) > 0;) {
        total += n;
        if (total > allowed || (declared >= 0 && total > declared)) {
          throw UserError.inFile(file, entry.getName() + " inflates beyond its declared size; refusing a possible"
              + " zip bomb");
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    }
  }

  private static String printable(String name) {
    String s = name.replaceAll("\\p{Cntrl}", "?");
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
