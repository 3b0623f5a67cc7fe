package org.introdl.core.train;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import org.introdl.core.UserError;

/**
 * What a run trained on, recorded in {@code run.json}: where the data came from ({@code source}: a path, or the name
 * of a built-in or synthetic set), how many items, and a SHA-256 that changes when the data do: over the sorted file
 * names and each file's SHA-256, or over the generator's name and seed.
 */
public record DataFingerprint(String source, String kind, int items, String sha256) {
  /** Files on disk: the SHA-256 over "name SHA-256-of-file" lines, in name order. */
  public static DataFingerprint ofFiles(String source, String kind, List<Path> files) {
    MessageDigest all = newDigest();
    for (Path f : files.stream().sorted(Comparator.comparing(p -> p.getFileName().toString())).toList()) {
      all.update((f.getFileName() + " " + fileSha256(f) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return new DataFingerprint(source, kind, files.size(), HexFormat.of().formatHex(all.digest()));
  }

  /** Data a generator draws: the same generator and seed give the same data. */
  public static DataFingerprint synthetic(String generator, long seed, int items) {
    return ofText(generator, "synthetic", items, generator + " seed " + seed + " items " + items);
  }

  /** Data held in memory (a built-in corpus): the SHA-256 of a text that lists it completely. */
  public static DataFingerprint ofText(String source, String kind, int items, String text) {
    return new DataFingerprint(source, kind, items,
        HexFormat.of().formatHex(newDigest().digest(text.getBytes(StandardCharsets.UTF_8))));
  }

  /** True when both name the same data (the same content, wherever it lies now). */
  public boolean sameDataAs(DataFingerprint other) {
    return other != null && sha256.equals(other.sha256);
  }

  private static String fileSha256(Path file) {
    MessageDigest d = newDigest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        d.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new UserError(file + ": cannot read (" + e.getMessage() + ")");
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
