package org.introdl.xray.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.introdl.core.UserError;
import org.introdl.core.train.CheckpointStore;
import org.introdl.core.train.RunFolder;
import org.introdl.core.train.RunManifest;
import org.introdl.xray.data.XrayConstants;

/**
 * The checkpoint {@code --checkpoint} names and the image size its model reads. It may name a checkpoint prefix
 * ({@code .../model.ckpt} as the Python lab restores, or {@code .../step-000100/model}), or what labs-core's
 * {@link RunFolder} accepts: a training run's folder, its {@code checkpoints/} folder (the newest checkpoint of
 * either) or one {@code step-N} folder. A run's {@code run.json} says the size it trained at and refuses a run of
 * another lab; a prefix outside any run (the Python lab's) is read at the lab's 256 px.
 *
 * @param prefix the checkpoint's prefix ({@code PREFIX.index} exists)
 * @param imageSize the image side the model was trained at
 */
public record NamedCheckpoint(Path prefix, int imageSize) {
  /** Resolves {@code given} for {@code command} (named in messages, e.g. "xray eval"). */
  public static NamedCheckpoint locate(Path given, String command) {
    boolean isPrefix = Files.isRegularFile(Path.of(given + ".index"));
    Path folder = isPrefix ? given.toAbsolutePath().normalize().getParent() : given;
    if (RunManifest.locateRun(folder).isEmpty()) {
      if (isPrefix) {
        return new NamedCheckpoint(given, XrayConstants.LAB_IMAGE_SIZE);
      }
      throw noCheckpoint(given);
    }
    RunFolder run = RunFolder.locate(folder, XrayConstants.LAB, XrayConstants.TRAIN_COMMAND, command);
    Path prefix = isPrefix ? given : prefixIn(given).orElseThrow(() -> noCheckpoint(given));
    return new NamedCheckpoint(prefix, ((Number) run.manifest().settings().get("imageSize")).intValue());
  }

  /** The prefix in one checkpoint folder, or the newest of a run's or a {@code checkpoints/} folder. */
  private static Optional<Path> prefixIn(Path folder) {
    Path inFolder = folder.resolve(CheckpointStore.PREFIX);
    if (Files.isRegularFile(Path.of(inFolder + ".index"))) {
      return Optional.of(inFolder);
    }
    Path store = Files.isDirectory(folder.resolve("checkpoints")) ? folder.resolve("checkpoints") : folder;
    return new CheckpointStore(store, Integer.MAX_VALUE).latest().map(c -> Path.of(c.prefix()));
  }

  private static UserError noCheckpoint(Path given) {
    return UserError.inFile(given,
        "no checkpoint here (expected PREFIX with PREFIX.index, a step folder, or a training output folder)");
  }
}
