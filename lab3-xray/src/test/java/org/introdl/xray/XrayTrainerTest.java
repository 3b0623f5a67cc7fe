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
import org.introdl.xray.model.XrayNetwork;
import org.introdl.xray.train.XrayTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XrayTrainerTest {
  @TempDir Path tmp;

  @Test
  void trainingLowersTheLossOnAFixedBatch() {
    XrayDataset phantoms = ChestPhantom.generate(8, 32, 11);
    int[] batch = {0, 1, 2, 3, 4, 5, 6, 7};
    try (XrayNetwork net = new XrayNetwork(XrayNetwork.Config.of(32, 5, 0.003f, 0.9f, true))) {
      float first = net.trainStep(phantoms, batch);
      float last = first;
      for (int step = 0; step < 24; step++) {
        last = net.trainStep(phantoms, batch);
      }
      // Measured: 0.736 -> 0.33 after 25 steps; lr 0.003 is stable on this batch for ~30 steps.
      assertTrue(last < 0.7 * first, "loss " + first + " -> " + last);
    }
  }

  @Test
  void writesMetricsCheckpointsAndResumesWhereItStopped() throws Exception {
    Path out = tmp.resolve("run");
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    XrayTrainer.Options first = new XrayTrainer.Options("synthetic", 32, 4, 0.01f, 0.9f, true, 4, 2, 2, 20, 3, out, false, XrayTrainer.LrSchedule.LINEAR);
    XrayTrainer.Result a = XrayTrainer.train(first, quiet);
    assertEquals(4, a.endStep());
    assertTrue(Files.isDirectory(out.resolve("checkpoints/step-000004")));
    assertTrue(Files.isRegularFile(out.resolve("loss.png")));
    assertTrue(Files.list(out.resolve("tensorboard")).anyMatch(p -> p.getFileName().toString().startsWith("events.out.tfevents")));

    XrayTrainer.Options more = new XrayTrainer.Options("synthetic", 32, 4, 0.01f, 0.9f, true, 6, 2, 2, 20, 3, out, true, XrayTrainer.LrSchedule.LINEAR);
    XrayTrainer.Result b = XrayTrainer.train(more, quiet);
    assertEquals(4, b.startStep());
    assertEquals(6, b.endStep());
    List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
    assertEquals(1 + 6, csv.size(), String.join("\n", csv));
    assertTrue(Double.isFinite(b.lastLoss()));
    assertFalse(Files.list(out.resolve("checkpoints")).anyMatch(p -> p.getFileName().toString().startsWith(".")));

    // A fresh run into the same folder would prune the old run's checkpoints and mix two runs: refused.
    XrayTrainer.Options fresh = new XrayTrainer.Options("synthetic", 32, 4, 0.01f, 0.9f, true, 2, 2, 2, 20, 3, out, false, XrayTrainer.LrSchedule.LINEAR);
    org.introdl.core.UserError refused = assertThrows(org.introdl.core.UserError.class, () -> XrayTrainer.train(fresh, quiet));
    assertTrue(refused.getMessage().contains("--resume"), refused.getMessage());
    assertTrue(Files.isDirectory(out.resolve("checkpoints/step-000006")));
  }

  @Test
  void aDivergingRunStopsWithTheStepAndKeepsTheLastGoodCheckpoint() throws Exception {
    Path out = tmp.resolve("nan");
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    XrayTrainer.Options wild = new XrayTrainer.Options("synthetic", 32, 4, 1e6f, 0.9f, true, 12, 100, 1, 20, 3, out, false,
        XrayTrainer.LrSchedule.CONSTANT);
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
}
