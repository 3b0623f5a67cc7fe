package org.introdl.xray.model;

import java.nio.file.Files;
import java.nio.file.Path;
import org.introdl.core.UserError;
import org.introdl.core.train.CheckpointStore;

/**
 * What {@code --checkpoint} may name: a checkpoint prefix ({@code .../model.ckpt}, as the Python lab restores, or
 * {@code .../step-000100/model}), one checkpoint folder, a {@code checkpoints/} folder (its newest) or a training
 * run's output folder (its newest).
 */
public final class CheckpointPaths {
  private CheckpointPaths() {}

  public static Path resolve(Path given) {
    if (Files.isRegularFile(Path.of(given + ".index"))) {
      return given;
    }
    if (Files.isDirectory(given)) {
      Path inFolder = given.resolve(CheckpointStore.PREFIX);
      if (Files.isRegularFile(Path.of(inFolder + ".index"))) {
        return inFolder;
      }
      Path store = Files.isDirectory(given.resolve("checkpoints")) ? given.resolve("checkpoints") : given;
      var latest = new CheckpointStore(store, Integer.MAX_VALUE).latest();
      if (latest.isPresent()) {
        return Path.of(latest.get().prefix());
      }
    }
    throw UserError.inFile(given, "no checkpoint here (expected PREFIX with PREFIX.index, a step folder, or a training output folder)");
  }
}
