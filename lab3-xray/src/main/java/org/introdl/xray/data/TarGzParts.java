package org.introdl.xray.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.introdl.core.UserError;

/**
 * Reads the {@code images_NNN.tar.gz} parts NIH publishes, start to end, one entry at a time (Apache Commons
 * Compress reads the tar format: ustar, GNU and PAX headers). Only regular files are handed on; a part is never
 * unpacked to disk, and only the entry being looked at is in memory.
 */
final class TarGzParts {
  /** Largest entry handed on: an NIH PNG is under 1 MB; anything far larger is not one of its x-rays. */
  static final long MAX_ENTRY_BYTES = 64L * 1024 * 1024;

  private TarGzParts() {}

  /** What is done with each regular file: its name in the part (e.g. {@code images/00000001_000.png}). */
  interface EntryVisitor {
    /** Returns whether the entry's bytes are wanted; {@link #read} then receives them. */
    boolean wants(String name);

    void read(String name, byte[] bytes);
  }

  /** Walks the part's entries in order. */
  static void walk(Path part, EntryVisitor visitor) {
    try (InputStream file = Files.newInputStream(part);
        TarArchiveInputStream tar = new TarArchiveInputStream(
            new BufferedInputStream(new GZIPInputStream(file, 1 << 16), 1 << 16))) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        if (entry.isFile() && entry.getSize() <= MAX_ENTRY_BYTES && visitor.wants(entry.getName())) {
          visitor.read(entry.getName(), readEntry(part, tar, entry));
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      // Commons Compress reports a damaged header as IllegalArgumentException as well as IOException.
      throw UserError.inFile(part, "not a readable tar.gz part, a damaged or truncated download? (" + e.getMessage()
          + ")");
    }
  }

  /** The names of the part's regular files, in order; their bytes are skipped, not read. */
  static List<String> names(Path part) {
    List<String> names = new ArrayList<>();
    walk(part, new EntryVisitor() {
      @Override
      public boolean wants(String name) {
        names.add(name);
        return false;
      }

      @Override
      public void read(String name, byte[] bytes) {}
    });
    return names;
  }

  private static byte[] readEntry(Path part, InputStream tar, TarArchiveEntry entry) throws IOException {
    byte[] data = tar.readNBytes(Math.toIntExact(entry.getSize()));
    if (data.length != entry.getSize()) {
      throw UserError.inFile(part, "ends inside " + entry.getName() + " (a truncated download?)");
    }
    return data;
  }
}
