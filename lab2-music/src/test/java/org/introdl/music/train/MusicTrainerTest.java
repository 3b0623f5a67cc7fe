package org.introdl.music.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.introdl.core.UserError;
import org.introdl.core.testing.TensorBoardEvents;
import org.introdl.core.train.RunManifest;
import org.introdl.core.train.TrainingRun;
import org.introdl.music.data.BuiltinMelodies;
import org.introdl.music.data.SongDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class MusicTrainerTest {
  @TempDir Path tmp;

  public static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

  /** A small fixed corpus: three built-in tunes. */
  public static SongDataset smallCorpus() {
    return SongDataset.of("three tunes", BuiltinMelodies.songs().subList(0, 3));
  }

  static MusicSettings smallSettings(int steps) {
    return new MusicSettings(steps, 32, 0.01f, 32, 16, 5, MusicSettings.Graph.fast, 0);
  }

  static MusicTrainer.Options small(Path out, int steps) {
    return new MusicTrainer.Options(smallSettings(steps), out, false, 10, 3, 0);
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
    assertTrue(Files.isRegularFile(out.resolve(RunManifest.FILE)));
    try (Stream<Path> s = Files.list(out.resolve("tensorboard"))) {
      assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("events.out.tfevents")));
    }
    try (Stream<Path> s = Files.list(out.resolve("checkpoints"))) {
      assertEquals(3, s.filter(p -> p.getFileName().toString().startsWith("step-")).count(), "keeps the last 3");
    }
    assertEquals(80, r.run().endStep());
  }

  /** The lab plugs into the shared loop's resume (tested against SIGKILL in labs-core's KillAndResumeTest). */
  @Test
  void aResumedRunContinuesExactlyWhereTheStraightRunWould() throws Exception {
    Path straight = tmp.resolve("straight");
    MusicTrainer.train(smallCorpus(), small(straight, 4), QUIET);
    Path split = tmp.resolve("split");
    MusicTrainer.train(smallCorpus(), small(split, 2), QUIET);
    MusicTrainer.TrainResult resumed = MusicTrainer.train(smallCorpus(), small(split, 4).withResume(true), QUIET);
    assertEquals(2, resumed.run().startStep());
    for (String file : List.of("metrics.csv", "metrics.jsonl")) {
      assertEquals(Files.readAllLines(straight.resolve(file)), Files.readAllLines(split.resolve(file)), file);
    }
    assertEquals(TensorBoardEvents.tagSteps(straight.resolve("tensorboard")),
        TensorBoardEvents.tagSteps(split.resolve("tensorboard")));
    assertArrayEquals(variables(straight, 4), variables(split, 4), "the checkpoint's variables, bit for bit");
    // Control: step 2's variables differ from step 4's, so a resume that lost the steps after it would be caught.
    assertFalse(Arrays.equals(variables(split, 2), variables(split, 4)));
  }

  /** The bytes of a run's checkpoint of {@code step} (its variables in the order of their keys). */
  static byte[] variables(Path run, long step) throws Exception {
    return Files.readAllBytes(run.resolve(String.format("checkpoints/step-%06d/model.data-00000-of-00001", step)));
  }

  @Test
  void aNanLossStopsWithTheStepAndKeepsTheLastGoodCheckpoint() throws Exception {
    Path out = tmp.resolve("nan");
    MusicTrainer.Options wild = small(out, 40).withSettings(smallSettings(40).withLr(3e38f)).withCheckpointEvery(1);
    UserError e = assertThrows(UserError.class, () -> MusicTrainer.train(smallCorpus(), wild, QUIET));
    assertTrue(e.getMessage().matches("loss became (NaN|infinite) at step \\d+.*"), e.getMessage());
    long step = Long.parseLong(e.getMessage().replaceAll(".* at step (\\d+).*", "$1"));
    try (Stream<Path> s = Files.list(out.resolve("checkpoints"))) {
      assertTrue(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("step-"))
          .allMatch(n -> Long.parseLong(n.substring(5)) < step), "no checkpoint at or after the bad step");
    }
  }

  @Test
  void anOldRunIsNotOverwrittenWithoutResume() {
    Path out = tmp.resolve("again");
    MusicTrainer.train(smallCorpus(), small(out, 10), QUIET);
    UserError e = assertThrows(UserError.class, () -> MusicTrainer.train(smallCorpus(), small(out, 10), QUIET));
    assertTrue(e.getMessage().contains("--resume"));
  }

  @Test
  void aResumeRefusesOtherSettingsOrDataAndFindsNothingToDoWhenComplete() {
    Path out = tmp.resolve("resume");
    MusicTrainer.train(smallCorpus(), small(out, 10), QUIET);
    MusicSettings otherBatch = smallSettings(10).withBatch(16);
    UserError batch = assertThrows(UserError.class, () -> MusicTrainer.run(new MusicTrainer.Request(otherBatch,
        Set.of("batch"), Optional.empty(), small(out, 10).withResume(true)), QUIET));
    assertEquals("--batch 16 differs from the run in " + out + " (--batch 32): resume without --batch, or start a new"
        + " run with another --out", batch.getMessage());

    SongDataset otherSongs = SongDataset.of("two tunes", BuiltinMelodies.songs().subList(3, 5));
    UserError data = assertThrows(UserError.class,
        () -> MusicTrainer.train(otherSongs, small(out, 20).withResume(true), QUIET));
    assertTrue(data.getMessage().startsWith("the data (two tunes, 2 items) differ from those the run in"),
        data.getMessage());

    ByteArrayOutputStream said = new ByteArrayOutputStream();
    MusicTrainer.TrainResult again = MusicTrainer.train(smallCorpus(), small(out, 10).withResume(true),
        new PrintStream(said, true));
    assertEquals(TrainingRun.Status.NOTHING_TO_DO, again.run().status());
    assertTrue(said.toString().contains("already at step 10 of 10: nothing to do"), said.toString());
  }

  @Test
  void aResumeWithoutOptionsTakesTheRunsSettings() throws Exception {
    Path out = tmp.resolve("settings");
    MusicTrainer.train(smallCorpus(), small(out, 10), QUIET);
    // As `--resume --steps 12` would: only --steps given; the lab's defaults for the rest are not used.
    MusicTrainer.Options resumed = small(out, 12).withResume(true);
    UserError inMemory = assertThrows(UserError.class, () -> MusicTrainer.run(new MusicTrainer.Request(
        MusicSettings.lab().withSteps(12), Set.of("steps"), Optional.empty(), resumed), QUIET));
    assertTrue(inMemory.getMessage().contains("give them with --data"), inMemory.getMessage());
    assertEquals(32, RunManifest.read(out).orElseThrow().resumeSettings(MusicSettings.lab().withSteps(12),
        Set.of("steps"), out).batch());
  }
}
