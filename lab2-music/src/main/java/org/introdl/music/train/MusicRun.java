package org.introdl.music.train;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.introdl.core.UserError;
import org.introdl.core.train.RunManifest;
import org.introdl.music.data.SongDataset;

/**
 * A finished (or interrupted) music training run, found from what {@code --checkpoint} names: the run folder, its
 * {@code checkpoints/} folder or one checkpoint in it. Its {@code run.json} says how to rebuild the model and which
 * songs it learned from.
 */
public record MusicRun(Path dir, RunManifest manifest, MusicSettings settings) {
  /** Finds the run holding {@code checkpoint}; {@code command} names the command that needs it, for the messages. */
  public static MusicRun locate(Path checkpoint, String command) {
    if (!Files.exists(checkpoint)) {
      throw new UserError(checkpoint + ": no such file or folder");
    }
    Path dir = RunManifest.locateRun(checkpoint).orElseThrow(() -> new UserError(checkpoint + ": no "
        + RunManifest.FILE + " here or in the two folders above (give the folder that `" + MusicTrainer.COMMAND
        + " --out` wrote)"));
    RunManifest manifest = RunManifest.read(dir).orElseThrow();
    manifest.requireLab(MusicTrainer.LAB, MusicTrainer.LAB, command, dir);
    return new MusicRun(dir, manifest, manifest.settings(MusicSettings.class));
  }

  /** The songs the run trained on (to find a seed song among them). */
  public SongDataset songs(PrintStream warnings) {
    return SongDataset.loadFor(manifest.data(), SongDataset.MIN_ROWS_DEFAULT, warnings);
  }
}
