package org.introdl.core.train;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.introdl.core.UserError;
import org.introdl.core.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Line charts (loss curves, ROC curves) as PNG, drawn with XChart and written atomically. */
public final class Charts {
  private Charts() {}

  /**
   * Draws one line per entry of {@code series} (name -> {x[], y[]}) into {@code png}.
   *
   * @return {@code png}
   */
  public static Path lineChart(Path png, String title, String xLabel, String yLabel, Map<String, double[][]> series) {
    XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setLegendVisible(series.size() > 1);
    series.forEach((name, xy) -> {
      XYSeries s = chart.addSeries(name, xy[0], xy[1]);
      s.setMarker(SeriesMarkers.NONE);
    });
    return save(chart, png);
  }

  /** Writes any XChart chart as PNG, atomically. */
  public static Path save(XYChart chart, Path png) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      BitmapEncoder.saveBitmap(chart, bytes, BitmapEncoder.BitmapFormat.PNG);
      AtomicFiles.writeBytes(png, bytes.toByteArray());
      return png;
    } catch (IOException e) {
      throw new UserError(png + ": cannot draw chart (" + e.getMessage() + ")");
    }
  }
}
