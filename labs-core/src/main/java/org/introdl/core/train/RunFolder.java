package org.introdl.core.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.introdl.core.UserError;
import org.tensorflow.Session;

/**
 * What {@code --checkpoint} names: a training run's folder, its {@code checkpoints/} folder, or one {@code step-N}
 * folder in it. The run is the folder whose {@code run.json} is there or up to two folders above; it says which lab
 * made the run and how.
 *
 * @param dir the run's folder
 * @param checkpoint what was named
 */
public record RunFolder(Path dir, RunManifest manifest, Path checkpoint) {
  /**
   * The run holding {@code checkpoint}, which {@code lab} must have made; {@code trainCommand} is the command that
   * writes such runs and {@code command} the one that needs it, for the messages.
   */
  public static RunFolder locate(Path checkpoint, String lab, String trainCommand, String command) {
    if (!Files.exists(checkpoint)) {
      throw new UserError(checkpoint + ": no such file or folder");
    }
    Path dir = RunManifest.locateRun(checkpoint).orElseThrow(() -> new UserError(checkpoint + ": no "
        + RunManifest.FILE + " here or in the two folders above (give the folder that `" + trainCommand
        + " --out` wrote)"));
    RunManifest manifest = RunManifest.read(dir).orElseThrow();
    manifest.requireLab(lab, lab, command, dir);
    return new RunFolder(dir, manifest, checkpoint);
  }

  /**
   * Restores into {@code session} the checkpoint named: one {@code step-N} folder, or else the newest complete one
   * of the run. Returns its step (-1 for a folder not named {@code step-N}).
   */
  public long restore(Session session) {
    Path prefix = checkpoint.resolve(CheckpointStore.PREFIX);
    if (Files.isRegularFile(prefix.resolveSibling(CheckpointStore.PREFIX + ".index"))) {
      try {
        session.restore(prefix.toString());
      } catch (RuntimeException e) {
        throw UserError.inFile(checkpoint, "cannot restore this checkpoint ("
            + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")");
      }
      String name = checkpoint.getFileName().toString();
      return name.matches("step-\\d+") ? Long.parseLong(name.substring(5)) : -1;
    }
    CheckpointStore store = new CheckpointStore(dir.resolve("checkpoints"), Integer.MAX_VALUE, System.err);
    OptionalLong step = store.restoreLatest(session);
    if (step.isEmpty()) {
      throw new UserError(dir.resolve("checkpoints") + ": no readable checkpoint");
    }
    return step.getAsLong();
  }
}
