package org.introdl.xray.train;

import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.introdl.core.train.Charts;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The reliability diagram of P(pneumothorax), drawn beside the ROC plot: for each non-empty bin of P, its mean P
 * (x) against the share of its images that have a pneumothorax (y), each point labelled with its image count; on the
 * diagonal the model is calibrated. The legend gives the expected calibration error and the mean |P - 0.5|.
 */
public final class ReliabilityChart {
  static final int WIDTH = 600;
  static final int HEIGHT = 614;
  private static final int TICK_SPACING_PIXELS = 85;

  private ReliabilityChart() {}

  public static Path write(Calibration c, String source, Path png) {
    return Charts.save(chart(c, source), png);
  }

  static XYChart chart(Calibration c, String source) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
        .title("Reliability: " + RocChart.shortName(source))
        .xAxisTitle("predicted P(pneumothorax), mean of the bin").yAxisTitle("share with pneumothorax").build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE).setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0)
        .setXAxisTickMarkSpacingHint(TICK_SPACING_PIXELS).setYAxisTickMarkSpacingHint(TICK_SPACING_PIXELS)
        .setXAxisDecimalPattern("0.0").setYAxisDecimalPattern("0.0");
    chart.getStyler().setPlotContentSize(0.94);
    XYSeries perfect = chart.addSeries("calibrated", new double[] {0, 1}, new double[] {0, 1});
    perfect.setMarker(SeriesMarkers.NONE).setLineColor(Color.GRAY);
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (int b = 0; b < c.counts().length; b++) {
      if (c.counts()[b] > 0) {
        xs.add(c.meanProbability()[b]);
        ys.add(c.positiveShare()[b]);
      }
    }
    XYSeries model = chart.addSeries(String.format("model: ECE %.3f, mean |P - 0.5| %.3f (%d bins; numbers:"
        + " images per bin)", c.expectedCalibrationError(), c.meanConfidence(), c.counts().length), xs, ys);
    model.setMarker(SeriesMarkers.CIRCLE).setMarkerColor(new Color(30, 90, 200)).setLineColor(new Color(30, 90, 200));
    for (int b = 0; b < c.counts().length; b++) {
      if (c.counts()[b] > 0) {
        chart.addAnnotation(new org.knowm.xchart.AnnotationText(String.valueOf(c.counts()[b]),
            c.meanProbability()[b] + (c.meanProbability()[b] > 0.9 ? -0.04 : 0.03), c.positiveShare()[b] - 0.03,
            false));
      }
    }
    return chart;
  }
}
