package org.introdl.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.introdl.core.UserError;

/**
 * Writes a file so that a reader never sees half of it: the bytes go to a temporary file in the same folder, which
 * is renamed over the target only once it is complete. A crash leaves the old file (or none), never a torn one.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Something that writes a file's content to a stream. */
  @FunctionalInterface
  public interface Writer {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Writes {@code target} atomically; the parent folder is created if needed. */
  public static void write(Path target, Writer writer) {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        writer.writeTo(out);
      }
      makeReadable(tmp);
      moveIntoPlace(tmp, target);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new UserError(target + ": cannot write (" + e.getMessage() + ")", e);
    } catch (RuntimeException e) {
      deleteQuietly(tmp);
      throw e;
    }
  }

  public static void writeString(Path target, String text) {
    write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
  }

  public static void writeBytes(Path target, byte[] bytes) {
    write(target, out -> out.write(bytes));
  }

  /** Deletes a file or a folder with everything in it; absent is fine. A failure is a {@link UserError}. */
  public static void deleteTree(Path path) {
    if (path == null || !Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var walk = Files.walk(path)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UserError(path + ": cannot delete (" + e.getMessage() + ")");
    }
  }

  /** As {@link #deleteTree}, for clean-up after another error: a leftover (hidden, temporary) folder is harmless. */
  public static void deleteTreeQuietly(Path path) {
    try {
      deleteTree(path);
    } catch (UserError e) {
      // The error that brought us here matters more; list() and readers ignore dot-named temporary folders.
    }
  }

  /** Temporary files are created owner-only (0600); a finished output is an ordinary file (0644). */
  private static void makeReadable(Path file) throws IOException {
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    }
  }

  /** Renames a finished temporary file or folder over {@code target}. */
  public static void moveIntoPlace(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * The least free space an output folder must have before a lab writes into it: a few checkpoints of the x-ray
   * model (41 MB of weights plus momentum each) and the pictures. Finding out after an hour of training is worse.
   */
  public static final long MIN_FREE_BYTES = 256L << 20;

  /** Fails early, with a clear message, when {@code dir} cannot be created or written, or its disk is nearly full. */
  public static Path requireWritableDir(Path dir) {
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".write-check", ".tmp");
      Files.delete(probe);
    } catch (IOException | UnsupportedOperationException e) {
      throw new UserError(dir + ": output folder is not writable (" + e.getMessage() + ")");
    }
    long free = dir.toFile().getUsableSpace();
    if (free > 0 && free < MIN_FREE_BYTES) {
      throw new UserError(String.format(java.util.Locale.ROOT,
          "%s: only %d MB free on this disk; the labs need at least %d MB for outputs and checkpoints", dir,
          free >> 20, MIN_FREE_BYTES >> 20));
    }
    return dir;
  }

  private static void deleteQuietly(Path tmp) {
    if (tmp == null) {
      return;
    }
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
