package org.introdl.xray.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.introdl.core.testing.ChartPixels.inkIn;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocChartTest {
  // 6 positives, 6 negatives; above 0.5: 5 positives (0.9, 0.8, 0.6, 0.55, 0.52) and 2 negatives (0.7, 0.65).
  static final float[] SCORES = {0.9f, 0.8f, 0.7f, 0.6f, 0.55f, 0.4f, 0.3f, 0.2f, 0.1f, 0.65f, 0.45f, 0.52f};
  static final int[] LABELS = {1, 1, 0, 1, 1, 0, 1, 0, 0, 0, 0, 1};

  @TempDir Path temp;

  @Test
  void theOperatingPointIsTheLabsRuleCountedByHand() {
    assertArrayEquals(new double[] {2 / 6.0, 5 / 6.0}, RocChart.operatingPoint(RocCurve.of(SCORES, LABELS), 0.5), 1e-12);
    assertArrayEquals(new double[] {0, 0}, RocChart.operatingPoint(RocCurve.of(SCORES, LABELS), 0.95), 1e-12);
    assertArrayEquals(new double[] {1, 1}, RocChart.operatingPoint(RocCurve.of(SCORES, LABELS), 0.0), 1e-12);
  }

  @Test
  void axesAreSquareFromZeroToOneWithATickEveryFifth() {
    XYChart chart = RocChart.chart(RocCurve.of(SCORES, LABELS), "phantoms");
    TreeSet<Double> xTicks = new TreeSet<>();
    TreeSet<Double> yTicks = new TreeSet<>();
    chart.setCustomXAxisTickLabelsFormatter(x -> record(xTicks, x));
    chart.setCustomYAxisTickLabelsFormatter(y -> record(yTicks, y));
    chart.paint(new BufferedImage(RocChart.WIDTH, RocChart.HEIGHT, BufferedImage.TYPE_INT_RGB).createGraphics(),
        RocChart.WIDTH, RocChart.HEIGHT);

    List<Double> fifths = List.of(0.0, 0.2, 0.4, 0.6, 0.8, 1.0);
    assertEquals(fifths, List.copyOf(xTicks));
    assertEquals(fifths, List.copyOf(yTicks));
    double side = chart.getScreenXFromChart(1) - chart.getScreenXFromChart(0);
    double height = chart.getScreenYFromChart(0) - chart.getScreenYFromChart(1);
    assertTrue(side > 400 && Math.abs(side - height) < 0.02 * side, "plot " + side + " x " + height + " px");
  }

  @Test
  void theLegendCarriesTheAucAndTheOperatingPoint() {
    XYChart chart = RocChart.chart(RocCurve.of(SCORES, LABELS), "phantoms");
    // AUC by hand: of the 36 positive-negative pairs, the positive scores higher in 26.
    assertTrue(chart.getSeriesMap().containsKey(String.format("model (AUC = %.3f)", 26 / 36.0)), chart.getSeriesMap().keySet().toString());
    assertTrue(chart.getSeriesMap().containsKey("P > 0.5: FPR 0.33, TPR 0.83"), chart.getSeriesMap().keySet().toString());
    assertEquals("ROC curve: phantoms", chart.getTitle());
  }

  @Test
  void aLongDataSetNameIsShortenedForTheTitle() {
    assertEquals("SYNTHETIC chest phantoms",
        RocChart.shortName("SYNTHETIC chest phantoms (drawn, not real x-rays), 400 images, seed 1"));
    String folder = RocChart.shortName("/a/b/c/d/a-very-long-folder-name/of-x-rays/labels (20 images listed in"
        + " labels.csv)");
    assertTrue(folder.startsWith("...") && folder.endsWith("of-x-rays/labels") && folder.length() == 44, folder);
    assertTrue(RocChart.shortName("/" + "x".repeat(100)).length() <= 44);
  }

  @Test
  void thePngHasTheChartsSizeWithTitleAndAxisLabelsDrawn() throws Exception {
    Path png = RocChart.write(RocCurve.of(SCORES, LABELS), "phantoms", temp.resolve("roc.png"));
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(RocChart.WIDTH, image.getWidth());
    assertEquals(RocChart.HEIGHT, image.getHeight());
    assertTrue(inkIn(image, RocChart.WIDTH / 3, 0, RocChart.WIDTH / 3, 25) > 30, "title drawn");
    assertTrue(inkIn(image, RocChart.WIDTH / 3, RocChart.HEIGHT - 22, RocChart.WIDTH / 3, 22) > 30,
        "x-axis label drawn");
    assertTrue(inkIn(image, 0, RocChart.HEIGHT / 3, 22, RocChart.HEIGHT / 3) > 30, "y-axis label drawn");
  }

  /** Notes a tick label XChart draws (it also formats candidates beyond the axis, which it does not draw). */
  private static String record(TreeSet<Double> ticks, double value) {
    if (value >= -1e-9 && value <= 1 + 1e-9) {
      ticks.add(Math.round(value * 1e9) / 1e9);
    }
    return String.format("%.1f", value);
  }
}
