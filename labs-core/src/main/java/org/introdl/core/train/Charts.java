package org.introdl.core.train;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import org.introdl.core.UserError;
import org.introdl.core.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;

/** Charts (ROC curves) as PNG, drawn with XChart and written atomically; loss charts are {@link LossChart}. */
public final class Charts {
  private Charts() {}

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
