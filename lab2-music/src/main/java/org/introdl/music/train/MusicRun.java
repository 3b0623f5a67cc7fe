package org.introdl.music.train;

import java.io.PrintStream;
import java.nio.file.Path;
import org.introdl.core.train.RunFolder;
import org.introdl.music.data.SongDataset;
import org.tensorflow.Session;

/**
 * A finished (or interrupted) music training run, found from what {@code --checkpoint} names ({@link RunFolder}).
 * Its {@code run.json} says how to rebuild the model and which songs it learned from.
 */
public record MusicRun(RunFolder folder, MusicSettings settings) {
  /** Finds the run holding {@code checkpoint}; {@code command} names the command that needs it, for the messages. */
  public static MusicRun locate(Path checkpoint, String command) {
    RunFolder folder = RunFolder.locate(checkpoint, MusicTrainer.LAB, MusicTrainer.COMMAND, command);
    return new MusicRun(folder, folder.manifest().settings(MusicSettings.class));
  }

  public Path dir() {
    return folder.dir();
  }

  /** Restores the checkpoint named (a step folder, or the run's newest) into {@code session}. */
  public void restore(Session session) {
    folder.restore(session);
  }

  /** The songs the run trained on (to find a seed song among them). */
  public SongDataset songs(PrintStream warnings) {
    return SongDataset.loadFor(folder.manifest().data(), SongDataset.MIN_ROWS_DEFAULT, warnings);
  }
}
