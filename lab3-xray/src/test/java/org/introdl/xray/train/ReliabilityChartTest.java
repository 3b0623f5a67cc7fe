package org.introdl.xray.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReliabilityChartTest {
  @TempDir Path tmp;

  @Test
  void drawsTheDiagonalAndOnePointPerNonEmptyBinWithEceInTheLegend() throws Exception {
    Calibration c = Calibration.of(new float[] {0.05f, 0.15f, 0.95f, 0.97f, 0.55f}, new int[] {0, 0, 1, 1, 0});
    var chart = ReliabilityChart.chart(c, "test phantoms");
    assertEquals(2, chart.getSeriesMap().size());
    var model = chart.getSeriesMap().values().stream().filter(s -> s.getName().startsWith("model")).findFirst()
        .orElseThrow();
    assertEquals(4, model.getXData().length, "bins 0, 1, 5 and 9 hold images");
    assertTrue(model.getName().contains(String.format("ECE %.3f", c.expectedCalibrationError())));
    BufferedImage png = ImageIO.read(ReliabilityChart.write(c, "test phantoms", tmp.resolve("r.png")).toFile());
    assertEquals(ReliabilityChart.WIDTH, png.getWidth());
  }
}
