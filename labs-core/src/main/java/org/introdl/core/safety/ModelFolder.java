package org.introdl.core.safety;

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
  private static final int DEPTH = 4;

  private ModelFolder() {}

  /** Throws a one-line {@link UserError} when {@code dir} holds something the loader would use unscanned. */
  public static void requireScannable(Path dir) {
    if (Files.exists(dir.resolve("saved_model.cpb"))) {
      throw UserError.inFile(dir, "holds saved_model.cpb (a chunked SavedModel), which TensorFlow would load"
          + " instead of the saved_model.pb that was scanned; chunked SavedModels are not supported");
    }
    symbolicLink(dir).ifPresent(link -> {
      throw UserError.inFile(link, "is a symbolic link inside the SavedModel folder; a model folder must hold its"
          + " own files (copy them in)");
    });
  }

  private static Optional<Path> symbolicLink(Path dir) {
    try (Stream<Path> files = Files.walk(dir, DEPTH)) {
      return files.filter(p -> !p.equals(dir) && Files.isSymbolicLink(p)).findFirst();
    } catch (IOException | java.io.UncheckedIOException e) {
      throw UserError.inFile(dir, "cannot be listed (" + e.getMessage() + ")");
    }
  }
}
