package org.introdl.core.testing;

import java.awt.image.BufferedImage;

/** What a chart test can see in a picture: where something is drawn on the white background. */
public final class ChartPixels {
  private ChartPixels() {}

  /** How many pixels of the rectangle are clearly darker than white (text, lines, marks). */
  public static int inkIn(BufferedImage image, int x, int y, int width, int height) {
    int ink = 0;
    for (int row = Math.max(0, y); row < Math.min(image.getHeight(), y + height); row++) {
      for (int col = Math.max(0, x); col < Math.min(image.getWidth(), x + width); col++) {
        int rgb = image.getRGB(col, row);
        int brightness = ((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff);
        if (brightness < 3 * 160) {
          ink++;
        }
      }
    }
    return ink;
  }
}
