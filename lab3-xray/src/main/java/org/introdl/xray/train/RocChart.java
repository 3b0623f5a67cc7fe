package org.introdl.xray.train;

import java.awt.Color;
import java.nio.file.Path;
import org.introdl.core.train.Charts;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The ROC plot of the lab's "Evaluating the model" cell, drawn as a reader expects one: square axes from 0 to 1 with
 * a tick every 0.2, the chance diagonal, the AUC in the legend and the point where the lab's rule (predict
 * pneumothorax when P > 0.5) operates.
 */
public final class RocChart {
  /** The lab's decision rule: P(pneumothorax) above this predicts pneumothorax. */
  public static final double OPERATING_THRESHOLD = 0.5;
  static final int WIDTH = 600;
  static final int HEIGHT = 614;
  /** About a fifth of the plot's width: XChart then picks a tick every 0.2 on the 0..1 axes. */
  private static final int TICK_SPACING_PIXELS = 85;
  /** The longest data set name the title holds at this width. */
  private static final int TITLE_CHARS = 44;

  private RocChart() {}

  /** Draws {@code roc} of a model on {@code source} (a data set's name) into {@code png}. */
  public static Path write(RocCurve roc, String source, Path png) {
    return Charts.save(chart(roc, source), png);
  }

  static XYChart chart(RocCurve roc, String source) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("ROC curve: " + shortName(source))
        .xAxisTitle("false positive rate").yAxisTitle("true positive rate").build();
    Styler.LegendPosition legend = Styler.LegendPosition.InsideSE;
    chart.getStyler().setChartBackgroundColor(Color.WHITE).setLegendPosition(legend);
    chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0)
        .setXAxisTickMarkSpacingHint(TICK_SPACING_PIXELS).setYAxisTickMarkSpacingHint(TICK_SPACING_PIXELS)
        .setXAxisDecimalPattern("0.0").setYAxisDecimalPattern("0.0");
    // The plot's side: the chart's width less the y axis, which the height (less title and x axis) matches.
    chart.getStyler().setPlotContentSize(0.94);

    XYSeries chance = chart.addSeries("chance (AUC = 0.5)", new double[] {0, 1}, new double[] {0, 1});
    chance.setMarker(SeriesMarkers.NONE).setLineColor(Color.GRAY);
    XYSeries curve = chart.addSeries(String.format("model (AUC = %.3f)", roc.auc()), roc.falsePositiveRates(),
        roc.truePositiveRates());
    curve.setMarker(SeriesMarkers.NONE).setLineColor(new Color(30, 90, 200));
    double[] point = operatingPoint(roc, OPERATING_THRESHOLD);
    XYSeries operating = chart.addSeries(String.format("P > %.1f: FPR %.2f, TPR %.2f", OPERATING_THRESHOLD, point[0],
        point[1]), new double[] {point[0]}, new double[] {point[1]});
    operating.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    operating.setMarker(SeriesMarkers.CIRCLE).setMarkerColor(new Color(200, 40, 40));
    return chart;
  }

  /**
   * A data set's name short enough for a title: up to its first parenthesis or comma ("SYNTHETIC chest phantoms
   * (drawn, ...), 400 images" -> "SYNTHETIC chest phantoms"), and the end of a long path.
   */
  static String shortName(String source) {
    String name = source.split(" \\(|, ", 2)[0].strip();
    return name.length() <= TITLE_CHARS ? name : "..." + name.substring(name.length() - TITLE_CHARS + 3);
  }

  /**
   * The (false positive rate, true positive rate) of predicting positive when the score is above {@code threshold}:
   * the curve's point with the smallest threshold still above it (each point counts the scores at or above its
   * threshold).
   */
  static double[] operatingPoint(RocCurve roc, double threshold) {
    int best = 0; // (0, 0): threshold +infinity
    for (int i = 0; i < roc.thresholds().length; i++) {
      if (roc.thresholds()[i] > threshold && roc.thresholds()[i] <= roc.thresholds()[best]) {
        best = i;
      }
    }
    return new double[] {roc.falsePositiveRates()[best], roc.truePositiveRates()[best]};
  }
}
