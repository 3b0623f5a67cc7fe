package org.introdl.serving;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.introdl.core.safety.RunLimits;
import org.introdl.keras.KerasConvert;
import org.introdl.keras.KerasSource;

/**
 * A Keras file ({@code .keras}, {@code .h5}) as a model's path: served as version 1, imported as {@code keras
 * convert} imports it (the graph built from the file's config, its weights, a {@code serving_default} signature keyed
 * by the input and output layers' names). The one place the server calls the Keras importer.
 */
final class KerasFiles {
  private KerasFiles() {}

  /** Whether {@code path} is a Keras model file rather than a folder of SavedModels. */
  static boolean isKerasFile(Path path) {
    String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(path) && (name.endsWith(".keras") || name.endsWith(".h5") || name.endsWith(".hdf5"));
  }

  /**
   * The Keras file written as a SavedModel in a new temporary folder (inside a worker, the worker's own), under
   * {@code limits}; the caller deletes the folder once the SavedModel is loaded. A file the importer cannot read
   * is a {@link org.introdl.core.UserError} naming it.
   */
  static Path toSavedModel(Path kerasFile, RunLimits limits) {
    Path folder;
    try {
      folder = Files.createTempDirectory("introdl-keras-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a folder for the imported Keras model", e);
    }
    Path out = folder.resolve("1");
    KerasConvert.convert(new KerasConvert.Request(KerasSource.of(kerasFile), out, limits));
    return out;
  }
}
