package org.introdl.xray.data;

/** Resizing square grayscale images in plain Java (data preparation, not part of the model graph). */
final class ImageResize {
  private ImageResize() {}

  /** Resizes a {@code from}x{@code from} image to {@code to}x{@code to}. */
  static float[] resize(float[] image, int from, int to) {
    if (from % to == 0) {
      return areaAverage(image, from, from / to);
    }
    return bilinear(image, from, to);
  }

  /** Mean of each factor x factor block: exact for integer shrink factors, no aliasing. */
  static float[] areaAverage(float[] image, int from, int factor) {
    int to = from / factor;
    float[] out = new float[to * to];
    float norm = 1f / (factor * factor);
    for (int y = 0; y < to; y++) {
      for (int x = 0; x < to; x++) {
        float sum = 0;
        for (int dy = 0; dy < factor; dy++) {
          int row = (y * factor + dy) * from + x * factor;
          for (int dx = 0; dx < factor; dx++) {
            sum += image[row + dx];
          }
        }
        out[y * to + x] = sum * norm;
      }
    }
    return out;
  }

  /** Bilinear with pixel centres aligned (half-pixel convention), used for up-scaling. */
  static float[] bilinear(float[] image, int from, int to) {
    float[] out = new float[to * to];
    double scale = (double) from / to;
    for (int y = 0; y < to; y++) {
      double sy = Math.max(0, (y + 0.5) * scale - 0.5);
      int y0 = Math.min((int) sy, from - 1);
      int y1 = Math.min(y0 + 1, from - 1);
      double wy = sy - y0;
      for (int x = 0; x < to; x++) {
        double sx = Math.max(0, (x + 0.5) * scale - 0.5);
        int x0 = Math.min((int) sx, from - 1);
        int x1 = Math.min(x0 + 1, from - 1);
        double wx = sx - x0;
        double top = image[y0 * from + x0] * (1 - wx) + image[y0 * from + x1] * wx;
        double bottom = image[y1 * from + x0] * (1 - wx) + image[y1 * from + x1] * wx;
        out[y * to + x] = (float) (top * (1 - wy) + bottom * wy);
      }
    }
    return out;
  }
}
