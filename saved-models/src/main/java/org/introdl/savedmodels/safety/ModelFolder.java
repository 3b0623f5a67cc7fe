package org.introdl.savedmodels.safety;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.introdl.core.UserError;

/**
 * What a SavedModel folder must look like for the scan of its {@code saved_model.pb} to be the scan of what
 * TensorFlow loads: no {@code saved_model.cpb} (TensorFlow prefers the chunked file when both exist, and the scanner
 * cannot read it), and no symbolic links (the loader would follow one from {@code variables/} to any checkpoint on
 * the machine).
 */
public final class ModelFolder {
  private ModelFolder() {}

  /** Throws a one-line {@link UserError} when {@code dir} holds something the loader would use unscanned. */
  public static void requireScannable(Path dir) {
    if (Files.exists(dir.resolve("saved_model.cpb"))) {
      throw UserError.inFile(dir, "holds saved_model.cpb (a chunked SavedModel), which TensorFlow would load"
          + " instead of the saved_model.pb that was scanned; chunked SavedModels are not supported");
    }
    symbolicLink(dir).ifPresent(link -> {
      throw UserError.inFile(link, (link.equals(dir) ? "is a symbolic link" : "is a symbolic link inside the"
          + " SavedModel folder") + "; a model folder must hold its own files (copy them in)");
    });
  }

  /**
   * The first symbolic link at any depth, the folder itself included (as named, "." and ".." resolved first): a
   * walk that does not follow links cannot loop, so it needs no depth limit.
   */
  static Optional<Path> symbolicLink(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    if (Files.isSymbolicLink(root)) {
      return Optional.of(dir);
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isSymbolicLink).findFirst();
    } catch (IOException | java.io.UncheckedIOException e) {
      throw UserError.inFile(dir, "cannot be listed (" + e.getMessage() + ")");
    }
  }
}
