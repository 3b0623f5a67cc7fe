package org.introdl.music.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.introdl.core.UserError;
import org.introdl.core.train.CheckpointStore;
import org.tensorflow.Session;

/** Restores what {@code --checkpoint} names: one {@code step-*} folder, or the newest complete one of a run. */
public final class RunCheckpoints {
  private RunCheckpoints() {}

  public static long restore(Session session, Path checkpoint, Path runDir) {
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
    CheckpointStore store = new CheckpointStore(runDir.resolve("checkpoints"), Integer.MAX_VALUE, System.err);
    OptionalLong step = store.restoreLatest(session);
    if (step.isEmpty()) {
      throw new UserError(runDir.resolve("checkpoints") + ": no readable checkpoint");
    }
    return step.getAsLong();
  }
}
