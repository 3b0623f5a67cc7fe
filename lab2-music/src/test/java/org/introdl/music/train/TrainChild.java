package org.introdl.music.train;

import java.nio.file.Path;

/** A training run in its own JVM, for the kill-and-resume test: args = out folder, steps, resume. */
public final class TrainChild {
  private TrainChild() {}

  public static void main(String[] args) {
    MusicTrainer.Options o = MusicTrainerTest.small(Path.of(args[0]), Integer.parseInt(args[1]))
        .withResume(Boolean.parseBoolean(args[2])).withCheckpointEvery(20);
    if (args.length > 3) {
      o = o.withLogEvery(1); // the SIGINT test waits for the log lines
    }
    MusicTrainer.train(MusicTrainerTest.smallCorpus(), o, System.out);
  }
}
