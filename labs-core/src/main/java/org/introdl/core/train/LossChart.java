package org.introdl.core.train;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.introdl.core.UserError;
import org.introdl.core.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A training run's chart, drawn from its {@code metrics.csv} (so a resumed run shows every step): the loss in the
 * top panel on its own axis; below it, on a 0..1 axis, the batch accuracy and, at the steps where they were
 * measured, the held-out accuracy and AUC. The lab and the run are in the title.
 */
public final class LossChart {
  static final int WIDTH = 900;
  static final int PANEL_HEIGHT = 330;
  /** The x axis ends at a multiple of a round step giving about this many intervals. */
  static final int STEP_LABELS = 8;

  private LossChart() {}

  /** Draws {@code png} from {@code metricsCsv}; null when the file holds no row yet. */
  public static Path draw(Path metricsCsv, Path png, String title) {
    if (!Files.isRegularFile(metricsCsv)) {
      return null;
    }
    List<Map<String, Double>> rows = MetricsLog.readRows(metricsCsv);
    if (rows.isEmpty()) {
      return null;
    }
    double lastStep = rows.get(rows.size() - 1).get("step");
    XYChart loss = panel(title, "loss (softmax cross-entropy)", lastStep);
    loss.getStyler().setLegendVisible(false);
    addSeries(loss, rows, StepMetrics.LOSS, "loss", false);
    XYChart accuracy = panel(null, "accuracy / AUC", lastStep);
    accuracy.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setYAxisDecimalPattern("0.0");
    // Below the plot, so that both panels' step axes line up and no line hides behind it.
    accuracy.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
    accuracy.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
    addSeries(accuracy, rows, StepMetrics.ACCURACY, "batch accuracy", false);
    addSeries(accuracy, rows, StepMetrics.HELD_OUT_ACCURACY, "held-out accuracy", true);
    addSeries(accuracy, rows, StepMetrics.HELD_OUT_AUC, "held-out AUC", true);
    BufferedImage top = BitmapEncoder.getBufferedImage(loss);
    BufferedImage bottom = BitmapEncoder.getBufferedImage(accuracy);
    BufferedImage both = new BufferedImage(WIDTH, top.getHeight() + bottom.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = both.createGraphics();
    g.drawImage(top, 0, 0, null);
    g.drawImage(bottom, 0, top.getHeight(), null);
    g.dispose();
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      ImageIO.write(both, "png", bytes);
      AtomicFiles.writeBytes(png, bytes.toByteArray());
      return png;
    } catch (IOException e) {
      throw new UserError(png + ": cannot draw chart (" + e.getMessage() + ")");
    }
  }

  private static XYChart panel(String title, String yLabel, double lastStep) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(PANEL_HEIGHT + (title == null ? 0 : 30))
        .title(title == null ? "" : title).xAxisTitle("step").yAxisTitle(yLabel).build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setChartTitleVisible(title != null);
    // From step 0 to a round last step. XChart labels equally spaced steps itself, every k-th so that the labels
    // do not run together; whole numbers only.
    long every = labelEvery(lastStep);
    chart.getStyler().setXAxisMin(0.0).setXAxisMax((double) every * (long) Math.ceil(lastStep / every));
    chart.getStyler().setXAxisDecimalPattern("0");
    return chart;
  }

  /** A round step (1, 2, 5, 10, 20, 50, ...) giving at most about {@link #STEP_LABELS} intervals up to the last. */
  static long labelEvery(double lastStep) {
    long every = 1;
    for (int k = 0; lastStep / every > STEP_LABELS; k++) {
      every = (long) (Math.pow(10, k / 3) * new int[] {2, 5, 10}[k % 3]);
    }
    return every;
  }

  /** One column as a line (or, when measured only now and then, as points joined by a line). */
  private static void addSeries(XYChart chart, List<Map<String, Double>> rows, String column, String name,
      boolean sparse) {
    double[] x = rows.stream().filter(r -> isNumber(r.get(column))).mapToDouble(r -> r.get("step")).toArray();
    double[] y = rows.stream().filter(r -> isNumber(r.get(column))).mapToDouble(r -> r.get(column)).toArray();
    if (x.length == 0) {
      return;
    }
    XYSeries s = chart.addSeries(name, x, y);
    s.setMarker(sparse || x.length == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
  }

  private static boolean isNumber(Double v) {
    return v != null && !v.isNaN();
  }
}
