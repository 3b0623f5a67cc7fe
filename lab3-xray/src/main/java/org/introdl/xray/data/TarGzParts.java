package org.introdl.xray.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.introdl.core.UserError;

/**
 * Reads the {@code images_NNN.tar.gz} parts NIH publishes, start to end, one entry at a time: a gzip-compressed tar
 * (POSIX ustar headers, GNU long names). Only regular files are handed on; a part is never unpacked to disk, and
 * only the entry being looked at is in memory.
 */
final class TarGzParts {
  private static final int BLOCK = 512;
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
    try (InputStream in = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(part), 1 << 16), 1 << 16)) {
      byte[] header = new byte[BLOCK];
      String longName = null;
      while (true) {
        if (!readFully(in, header)) {
          throw UserError.inFile(part, "ends inside a tar header (a truncated download?)");
        }
        if (isZero(header)) {
          return; // the end-of-archive block
        }
        checkChecksum(part, header);
        long size = octal(part, header, 124, 12);
        char type = (char) header[156];
        String name = longName != null ? longName : name(header);
        longName = null;
        if (type == 'L') { // GNU: the next entry's name is this entry's data
          longName = new String(readData(part, in, size), StandardCharsets.UTF_8).replace("\0", "");
        } else if ((type == '0' || type == '\0') && size <= MAX_ENTRY_BYTES && visitor.wants(name)) {
          visitor.read(name, readData(part, in, size));
        } else {
          skipData(part, in, size);
        }
      }
    } catch (IOException e) {
      throw UserError.inFile(part, "not a readable tar.gz part (" + e.getMessage() + ")");
    }
  }

  private static String name(byte[] header) {
    String name = text(header, 0, 100);
    String prefix = text(header, 345, 155);
    boolean ustar = text(header, 257, 5).equals("ustar");
    return ustar && !prefix.isEmpty() ? prefix + "/" + name : name;
  }

  private static String text(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static long octal(Path part, byte[] header, int offset, int length) {
    String digits = text(header, offset, length).strip();
    if (!digits.matches("[0-7]+")) {
      throw UserError.inFile(part, "a tar header has the size '" + digits + "' (not a tar.gz part?)");
    }
    return Long.parseLong(digits, 8);
  }

  /** The header's checksum: the sum of its bytes with the checksum field read as spaces. */
  private static void checkChecksum(Path part, byte[] header) {
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xFF);
    }
    if (sum != octal(part, header, 148, 8)) {
      throw UserError.inFile(part, "a tar header's checksum is wrong (a damaged download?)");
    }
  }

  private static byte[] readData(Path part, InputStream in, long size) throws IOException {
    byte[] data = new byte[Math.toIntExact(size)];
    if (!readFully(in, data)) {
      throw UserError.inFile(part, "ends inside an entry (a truncated download?)");
    }
    skipFully(part, in, padding(size));
    return data;
  }

  private static void skipData(Path part, InputStream in, long size) throws IOException {
    skipFully(part, in, size + padding(size));
  }

  private static long padding(long size) {
    return (BLOCK - size % BLOCK) % BLOCK;
  }

  private static void skipFully(Path part, InputStream in, long n) throws IOException {
    long left = n;
    while (left > 0) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw UserError.inFile(part, "ends inside an entry (a truncated download?)");
        }
        skipped = 1;
      }
      left -= skipped;
    }
  }

  private static boolean readFully(InputStream in, byte[] buffer) throws IOException {
    int done = 0;
    while (done < buffer.length) {
      int n = in.read(buffer, done, buffer.length - done);
      if (n < 0) {
        return false;
      }
      done += n;
    }
    return true;
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
