package org.introdl.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {
  @TempDir Path dir;

  private static Map<String, Double> row(double loss, double acc) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("loss", loss);
    m.put("accuracy", acc);
    return m;
  }

  @Test
  void writesCsvAndJsonLines() throws IOException {
    try (MetricsLog log = MetricsLog.open(dir, false)) {
      log.log(1, row(2.5, 0.125));
      log.log(2, row(2.0, 0.25));
    }
    assertEquals(List.of("step,loss,accuracy", "1,2.50000,0.125000", "2,2.00000,0.250000"),
        Files.readAllLines(dir.resolve(MetricsLog.CSV)));
    assertEquals("{\"step\":2,\"loss\":2.0,\"accuracy\":0.25}", Files.readAllLines(dir.resolve(MetricsLog.JSONL)).get(1));
  }

  @Test
  void resumeDropsRowsPastTheRestoredStepAndATornLastLine() throws IOException {
    try (MetricsLog log = MetricsLog.open(dir, false)) {
      for (int step = 1; step <= 5; step++) {
        log.log(step, row(1.0 / step, 0.1 * step));
      }
    }
    Files.writeString(dir.resolve(MetricsLog.CSV), "6,0.1", java.nio.file.StandardOpenOption.APPEND); // killed mid-line
    try (MetricsLog log = MetricsLog.open(dir, true)) {
      log.truncateAfter(3);
      log.log(4, row(9, 9));
    }
    List<String> csv = Files.readAllLines(dir.resolve(MetricsLog.CSV));
    assertEquals(5, csv.size()); // header + steps 1, 2, 3, 4
    assertEquals("4,9.00000,9.00000", csv.get(4));
    assertEquals(4, Files.readAllLines(dir.resolve(MetricsLog.JSONL)).size());
  }

  @Test
  void aValueNotMeasuredIsAnEmptyCellAndARealJsonNull() throws IOException {
    try (MetricsLog log = MetricsLog.open(dir, false)) {
      log.log(1, StepMetrics.of(0.5, 0.25).row());
      log.log(2, StepMetrics.of(0.4, 0.5).withHeldOut(0.75, Double.NaN).row());
    }
    List<String> csv = Files.readAllLines(dir.resolve(MetricsLog.CSV));
    assertEquals("step,loss,accuracy,held_out_accuracy,held_out_auc", csv.get(0));
    assertEquals("1,0.500000,0.250000,,", csv.get(1));
    assertEquals("{\"step\":2,\"loss\":0.4,\"accuracy\":0.5,\"held_out_accuracy\":0.75,\"held_out_auc\":null}",
        Files.readAllLines(dir.resolve(MetricsLog.JSONL)).get(1));
    List<Map<String, Double>> rows = MetricsLog.readRows(dir.resolve(MetricsLog.CSV));
    assertEquals(0.75, rows.get(1).get("held_out_accuracy"));
    assertEquals(Double.NaN, rows.get(0).get("held_out_accuracy"));
  }

  @Test
  void theChartIsDrawnFromTheMetricsFileInTwoPanelsWithTheRunInTheTitle() throws IOException {
    try (MetricsLog log = MetricsLog.open(dir, false)) {
      for (int step = 1; step <= 300; step++) {
        StepMetrics m = StepMetrics.of(2.0 / step, Math.min(1, step / 200.0));
        log.log(step, (step % 50 == 0 ? m.withHeldOut(step / 400.0, 0.5 + step / 1000.0) : m).row());
      }
    }
    Path png = LossChart.draw(dir.resolve(MetricsLog.CSV), dir.resolve("loss.png"), "Lab 9 (test): training run r");
    java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
    assertEquals(LossChart.WIDTH, image.getWidth());
    assertEquals(2 * LossChart.PANEL_HEIGHT + 30, image.getHeight(), "two panels and a title");
    assertEquals(null, LossChart.draw(dir.resolve("none.csv"), dir.resolve("none.png"), "t"));
    assertEquals(50, LossChart.labelEvery(300), "labels at 0, 50, ..., 300");
    assertEquals(5, LossChart.labelEvery(40));
    assertEquals(1, LossChart.labelEvery(6));
  }
}
