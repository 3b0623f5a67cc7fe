package org.introdl.music;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.introdl.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MusicTrainerTest {
  @TempDir Path tmp;

  static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

  /** A small fixed corpus: three built-in tunes. */
  static SongDataset smallCorpus() {
    return SongDataset.of("three tunes", BuiltinMelodies.songs().subList(0, 3));
  }

  static MusicTrainer.Options small(Path out, int steps) {
    return new MusicTrainer.Options(steps, 32, 0.01f,
        MusicLstm.Config.of(32, 16, MusicLstm.Cell.PROJECTED, MusicLstm.Input.NOTE_INDICES, 5), out, false, 10, 3, 0, 0);
  }

  @Test
  void trainingLowersTheLossRaisesAccuracyAndWritesItsFiles() throws Exception {
    Path out = tmp.resolve("run");
    MusicTrainer.TrainResult r = MusicTrainer.train(smallCorpus(), small(out, 80), QUIET);
    List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
    assertEquals(81, rows.size(), "header + one row per step");
    double firstLosses = 0;
    double lastLosses = 0;
    double firstAcc = 0;
    double lastAcc = 0;
    for (int i = 1; i <= 10; i++) {
      String[] first = rows.get(i).split(",");
      String[] last = rows.get(rows.size() - i).split(",");
      firstLosses += Double.parseDouble(first[1]);
      lastLosses += Double.parseDouble(last[1]);
      firstAcc += Double.parseDouble(first[2]);
      lastAcc += Double.parseDouble(last[2]);
    }
    assertTrue(lastLosses < 0.6 * firstLosses, "loss " + firstLosses / 10 + " -> " + lastLosses / 10);
    assertTrue(lastAcc > firstAcc + 2.0, "accuracy " + firstAcc / 10 + " -> " + lastAcc / 10);
    assertTrue(Files.isRegularFile(out.resolve("loss.png")));
    assertTrue(Files.isRegularFile(out.resolve("metrics.jsonl")));
    assertTrue(Files.isRegularFile(out.resolve(ModelSpec.FILE)));
    try (Stream<Path> s = Files.list(out.resolve("tensorboard"))) {
      assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("events.out.tfevents")));
    }
    try (Stream<Path> s = Files.list(out.resolve("checkpoints"))) {
      assertEquals(3, s.filter(p -> p.getFileName().toString().startsWith("step-")).count(), "keeps the last 3");
    }
    assertEquals(80, r.lastStep());
  }

  @Test
  void aResumedRunContinuesExactlyWhereTheStraightRunWould() throws Exception {
    Path straight = tmp.resolve("straight");
    MusicTrainer.train(smallCorpus(), small(straight, 20), QUIET);
    Path split = tmp.resolve("split");
    MusicTrainer.train(smallCorpus(), small(split, 10), QUIET);
    MusicTrainer.TrainResult resumed = MusicTrainer.train(smallCorpus(), small(split, 20).withResume(true), QUIET);
    assertEquals(10, resumed.firstStep());
    assertEquals(Files.readAllLines(straight.resolve("metrics.csv")), Files.readAllLines(split.resolve("metrics.csv")));
  }

  @Test
  void aNanLossStopsWithTheStepAndKeepsTheLastGoodCheckpoint() throws Exception {
    Path out = tmp.resolve("nan");
    MusicTrainer.train(smallCorpus(), small(out, 10), QUIET);
    UserError e = assertThrows(UserError.class,
        () -> MusicTrainer.train(smallCorpus(), small(out, 40).withResume(true).withLearningRate(3e38f), QUIET));
    assertTrue(e.getMessage().matches("loss became (NaN|infinite) at step \\d+.*"), e.getMessage());
    long step = Long.parseLong(e.getMessage().replaceAll(".* at step (\\d+).*", "$1"));
    assertTrue(step > 10 && step <= 40);
    try (Stream<Path> s = Files.list(out.resolve("checkpoints"))) {
      long newest = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("step-"))
          .mapToLong(n -> Long.parseLong(n.substring(5))).max().orElseThrow();
      assertTrue(newest < step, "no checkpoint at or after the bad step");
    }
  }

  @Test
  void anOldRunIsNotOverwrittenWithoutResume() {
    Path out = tmp.resolve("again");
    MusicTrainer.train(smallCorpus(), small(out, 10), QUIET);
    UserError e = assertThrows(UserError.class, () -> MusicTrainer.train(smallCorpus(), small(out, 10), QUIET));
    assertTrue(e.getMessage().contains("--resume"));
  }
}
