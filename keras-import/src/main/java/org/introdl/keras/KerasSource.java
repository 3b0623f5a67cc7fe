package org.introdl.keras;

import java.nio.file.Path;
import org.introdl.core.UserError;

/**
 * What the user points at: one Keras file ({@code model.keras} or {@code model.h5}), or a JSON config with its
 * weights file. Exactly one of the two forms.
 */
public record KerasSource(Path file, Path config, Path weights) {
  public static KerasSource of(Path file) {
    return new KerasSource(file, null, null);
  }

  public static KerasSource of(Path config, Path weights) {
    return new KerasSource(null, config, weights);
  }

  public KerasFile open() {
    if (file != null && config == null && weights == null) {
      return KerasFile.open(file);
    }
    if (file == null && config != null && weights != null) {
      return KerasFile.open(config, weights);
    }
    throw new UserError("give a Keras file (FILE.keras or FILE.h5), or --config MODEL.json with --weights"
        + " WEIGHTS.h5");
  }

  /** The path to name in messages. */
  public Path shown() {
    return file != null ? file : config;
  }
}
