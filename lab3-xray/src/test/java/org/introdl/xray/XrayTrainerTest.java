package org.introdl.xray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.introdl.xray.data.ChestPhantom;
import org.introdl.xray.data.XrayDataset;
import org.introdl.xray.train.XrayTrainingGraph;
import org.introdl.xray.train.XraySettings;
import org.introdl.xray.train.XrayTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XrayTrainerTest {
  @TempDir Path tmp;

  @Test
  void trainingLowersTheLossOnAFixedBatch() {
    XrayDataset phantoms = ChestPhantom.generate(8, 32, 11);
    int[] batch = {0, 1, 2, 3, 4, 5, 6, 7};
    try (XrayTrainingGraph net = new XrayTrainingGraph(XraySettings.lab().withImageSize(32).withSeed(5)
        .withLr(0.003f, XraySettings.LrSchedule.CONSTANT))) {
      float first = net.trainStep(phantoms, batch).loss();
      float last = first;
      for (int step = 0; step < 24; step++) {
        last = net.trainStep(phantoms, batch).loss();
      }
      // Measured: 0.736 -> 0.33 after 25 steps; lr 0.003 is stable on this batch for ~30 steps.
      assertTrue(last < 0.7 * first, "loss " + first + " -> " + last);
    }
  }

  @Test
  void writesMetricsCheckpointsAndResumesWhereItStopped() throws Exception {
    Path out = tmp.resolve("run");
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    XraySettings tiny = XraySettings.cpu().withImageSize(32).withBatch(4).withLr(0.01f, XraySettings.LrSchedule.LINEAR)
        .withSeed(3);
    XrayTrainer.Options first = new XrayTrainer.Options(tiny.withSteps(4, 2), out, false, 2);
    XrayTrainer.Result a = XrayTrainer.train(first, quiet);
    assertEquals(4, a.run().endStep());
    assertTrue(Files.isDirectory(out.resolve("checkpoints/step-000004")));
    assertTrue(Files.isRegularFile(out.resolve("loss.png")));
    assertTrue(Files.list(out.resolve("tensorboard")).anyMatch(p -> p.getFileName().toString().startsWith("events.out.tfevents")));

    XrayTrainer.Options more = new XrayTrainer.Options(tiny.withSteps(6, 2), out, true, 2);
    XrayTrainer.Result b = XrayTrainer.train(more, quiet);
    assertEquals(4, b.run().startStep());
    assertEquals(6, b.run().endStep());
    List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
    assertEquals(1 + 6, csv.size(), String.join("\n", csv));
    assertTrue(Double.isFinite(b.run().last().loss()));
    assertTrue(Files.readString(out.resolve("metrics.jsonl")).contains("\"held_out_auc\":null"), "real JSON nulls");
    assertFalse(Files.list(out.resolve("checkpoints")).anyMatch(p -> p.getFileName().toString().startsWith(".")));

    // A fresh run into the same folder would prune the old run's checkpoints and mix two runs: refused.
    XrayTrainer.Options fresh = new XrayTrainer.Options(tiny.withSteps(2, 2), out, false, 2);
    org.introdl.core.UserError refused = assertThrows(org.introdl.core.UserError.class, () -> XrayTrainer.train(fresh, quiet));
    assertTrue(refused.getMessage().contains("--resume"), refused.getMessage());
    assertTrue(Files.isDirectory(out.resolve("checkpoints/step-000006")));
  }

  @Test
  void aDivergingRunStopsWithTheStepAndKeepsTheLastGoodCheckpoint() throws Exception {
    Path out = tmp.resolve("nan");
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    XrayTrainer.Options wild = new XrayTrainer.Options(XraySettings.cpu().withImageSize(32).withBatch(4)
        .withLr(1e6f, XraySettings.LrSchedule.CONSTANT).withSteps(12, 100).withSeed(3), out, false, 1);
    org.introdl.core.UserError e = org.junit.jupiter.api.Assertions.assertThrows(org.introdl.core.UserError.class,
        () -> XrayTrainer.train(wild, quiet));
    assertTrue(e.getMessage().contains("step"), e.getMessage());
    long failedAt = Long.parseLong(e.getMessage().replaceAll(".*step (\\d+).*", "$1"));
    try (var dirs = Files.list(out.resolve("checkpoints"))) {
      List<Path> steps = dirs.filter(p -> p.getFileName().toString().startsWith("step-")).toList();
      assertFalse(steps.isEmpty());
      assertTrue(steps.stream().allMatch(p -> Long.parseLong(p.getFileName().toString().substring(5)) < failedAt), steps.toString());
    }
  }

  @Test
  void aResumeRefusesAnotherBatchAndFindsNothingToDoWhenComplete() {
    Path out = tmp.resolve("done");
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    XraySettings tiny = XraySettings.cpu().withImageSize(32).withBatch(4).withSteps(2, 2).withSeed(3);
    XrayTrainer.train(new XrayTrainer.Options(tiny, out, false, 2), quiet);
    org.introdl.core.UserError batch = assertThrows(org.introdl.core.UserError.class, () -> XrayTrainer.run(
        new XrayTrainer.Options(tiny.withBatch(6), out, true, 2), java.util.Set.of("batch"), quiet));
    assertTrue(batch.getMessage().startsWith("--batch 6 differs from the run in " + out + " (--batch 4)"),
        batch.getMessage());
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    XrayTrainer.Result again = XrayTrainer.run(new XrayTrainer.Options(XraySettings.cpu(), out, true, 2),
        java.util.Set.of(), new PrintStream(said, true));
    assertEquals(org.introdl.core.train.TrainingRun.Status.NOTHING_TO_DO, again.run().status());
    assertTrue(said.toString().contains("already at step 2 of 2: nothing to do"), said.toString());
  }
}
