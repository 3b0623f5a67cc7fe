package org.introdl.exercises.lab3;

/**
 * The CAM and TF1's {@code resize_bilinear} in plain Java doubles: the graders' independent references, and the
 * classic wrong resizes (corner alignment, TF2's half-pixel centres, nearest neighbour) they recognise.
 */
final class PlainCam {
  /** Where an output pixel samples the input. */
  enum Sampling { TF1_DEFAULT, ALIGN_CORNERS, HALF_PIXEL, NEAREST }

  private PlainCam() {}

  /** {@code cam[y][x] = sum_c maps[y][x][c] * weights[c][classIndex]}, maps flat in [h, w, C] order. */
  static double[] cam(float[] maps, int h, int w, int channels, float[] weights, int classes, int classIndex) {
    double[] out = new double[h * w];
    for (int p = 0; p < h * w; p++) {
      double sum = 0;
      for (int c = 0; c < channels; c++) {
        sum += (double) maps[p * channels + c] * weights[c * classes + classIndex];
      }
      out[p] = sum;
    }
    return out;
  }

  /** Resizes an [h, w] map to [outH, outW]. */
  static double[] resize(float[] map, int h, int w, int outH, int outW, Sampling sampling) {
    double[] out = new double[outH * outW];
    for (int y = 0; y < outH; y++) {
      for (int x = 0; x < outW; x++) {
        double sy = source(y, h, outH, sampling);
        double sx = source(x, w, outW, sampling);
        if (sampling == Sampling.NEAREST) {
          out[y * outW + x] = map[(int) Math.min(Math.floor(sy), h - 1) * w + (int) Math.min(Math.floor(sx), w - 1)];
          continue;
        }
        int y0 = (int) Math.floor(sy);
        int x0 = (int) Math.floor(sx);
        int y1 = Math.min(y0 + 1, h - 1);
        int x1 = Math.min(x0 + 1, w - 1);
        double dy = sy - y0;
        double dx = sx - x0;
        double top = map[y0 * w + x0] + (map[y0 * w + x1] - map[y0 * w + x0]) * dx;
        double bottom = map[y1 * w + x0] + (map[y1 * w + x1] - map[y1 * w + x0]) * dx;
        out[y * outW + x] = top + (bottom - top) * dy;
      }
    }
    return out;
  }

  private static double source(int dst, int in, int out, Sampling sampling) {
    return switch (sampling) {
      case TF1_DEFAULT, NEAREST -> dst * (double) in / out;
      case ALIGN_CORNERS -> out > 1 ? dst * (in - 1.0) / (out - 1.0) : 0;
      case HALF_PIXEL -> Math.max(0, (dst + 0.5) * in / out - 0.5);
    };
  }
}
