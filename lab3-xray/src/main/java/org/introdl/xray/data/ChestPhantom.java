package org.introdl.xray.data;

import java.util.Random;

/**
 * Synthetic chest x-ray phantoms, so that the lab runs offline and CAM localisation can be checked against a known
 * lesion. They are drawings, not x-rays: a bright body, two dark lung fields with vessel-like texture, ribs, a
 * heart shadow and noise. In a positive, one lung has partly collapsed away from the chest wall at its apex,
 * leaving a dark crescent of free air without lung markings, edged by a bright pleural line (the textbook sign of
 * a pneumothorax). The crescent is the lesion mask. Image {@code i} depends only on (seed, i).
 */
public final class ChestPhantom {
  /** Shown wherever phantoms are used, so nobody mistakes them for x-rays. */
  public static final String DESCRIPTION = "SYNTHETIC chest phantoms (drawn, not real x-rays)";

  /**
   * Free air in the chest has no tissue in front of it, so the crescent is drawn as the darkest thing in the picture,
   * darker than the surround, which is drawn mid-grey (as if collimated) rather than black. This keeps the task learnable in a short CPU run.
   */
  static final double LESION_LEVEL = 0;
  static final double OUTSIDE_LEVEL = 100;

  private ChestPhantom() {}

  /** {@code n} phantoms of {@code size} x {@code size}; even indices are negatives, odd ones positives. */
  public static XrayDataset generate(int n, int size, long seed) {
    float[] pixels = new float[n * size * size];
    byte[] masks = new byte[n * size * size];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 2;
      Random random = new Random(seed * 1_000_003L + i);
      draw(random, size, labels[i] == XrayDataset.PNEUMOTHORAX, pixels, masks, i * size * size);
    }
    return new XrayDataset(DESCRIPTION + ", " + n + " images, seed " + seed, size, pixels, labels, masks);
  }

  private record Ellipse(double cx, double cy, double rx, double ry) {
    double radius(double u, double v) {
      double dx = (u - cx) / rx;
      double dy = (v - cy) / ry;
      return Math.sqrt(dx * dx + dy * dy);
    }
  }

  private static void draw(Random r, int size, boolean positive, float[] out, byte[] masks, int offset) {
    double jitter = 0.02;
    Ellipse body = new Ellipse(0.5 + jitter * r.nextGaussian(), 0.56, 0.44 + 0.02 * r.nextGaussian(), 0.5);
    Ellipse[] lungs = {
      new Ellipse(0.31 + jitter * r.nextGaussian(), 0.5 + jitter * r.nextGaussian(), 0.16 * (1 + 0.06 * r.nextGaussian()), 0.32 * (1 + 0.05 * r.nextGaussian())),
      new Ellipse(0.69 + jitter * r.nextGaussian(), 0.5 + jitter * r.nextGaussian(), 0.16 * (1 + 0.06 * r.nextGaussian()), 0.32 * (1 + 0.05 * r.nextGaussian()))
    };
    Ellipse heart = new Ellipse(0.55 + jitter * r.nextGaussian(), 0.68, 0.11 + 0.01 * r.nextGaussian(), 0.13);
    double bodyLevel = 150 + 15 * r.nextGaussian();
    double lungLevel = 65 + 8 * r.nextGaussian();
    double ribSpacing = 0.075 * (1 + 0.05 * r.nextGaussian());
    double ribPhase = 0.2 + 0.02 * r.nextGaussian();
    double[][] vessels = new double[6][];
    for (int k = 0; k < vessels.length; k++) {
      vessels[k] = new double[] {20 + 25 * r.nextDouble(), 20 + 25 * r.nextDouble(), 2 * Math.PI * r.nextDouble(), 2 * Math.PI * r.nextDouble()};
    }
    int side = r.nextInt(2);
    Ellipse lung = lungs[side];
    double collapse = 0.45 + 0.15 * r.nextDouble();
    double medial = side == 0 ? 1 : -1;
    // The collapsed lung shrinks towards the hilum (medial, lower), opening a crescent at the lateral apex.
    Ellipse collapsed = new Ellipse(lung.cx + medial * lung.rx * (1 - collapse) * 0.9, lung.cy + lung.ry * (1 - collapse) * 0.8,
        lung.rx * collapse, lung.ry * collapse);
    double pleuralWidth = 1.5 / size;
    for (int y = 0; y < size; y++) {
      double v = (y + 0.5) / size;
      for (int x = 0; x < size; x++) {
        double u = (x + 0.5) / size;
        double value = body.radius(u, v) <= 1 ? bodyLevel : OUTSIDE_LEVEL;
        boolean inLung = false;
        for (Ellipse l : lungs) {
          if (l.radius(u, v) <= 1) {
            inLung = true;
          }
        }
        boolean inLesion = positive && lung.radius(u, v) <= 1 && collapsed.radius(u, v) > 1 && v < lung.cy + 0.1;
        if (inLung) {
          value = lungLevel;
          if (!inLesion) {
            double markings = 0;
            for (double[] w : vessels) {
              markings += Math.sin(w[0] * u + w[2]) * Math.sin(w[1] * v + w[3]);
            }
            value += 7 * markings;
          }
        }
        if (inLesion) {
          value = LESION_LEVEL;
          double edge = (collapsed.radius(u, v) - 1) * Math.min(collapsed.rx, collapsed.ry);
          if (edge < pleuralWidth) {
            value = lungLevel + 45;
          }
          masks[offset + y * size + x] = 1;
        }
        if (heart.radius(u, v) <= 1) {
          value += 55;
        }
        double ribCurve = v - 0.04 * Math.abs(u - 0.5) * 4 - ribPhase;
        double ribPos = ribCurve / ribSpacing - Math.floor(ribCurve / ribSpacing);
        if (body.radius(u, v) <= 0.95 && v > 0.15 && v < 0.8 && ribPos < 0.22) {
          value += 28;
        }
        value += 4 * r.nextGaussian();
        out[offset + y * size + x] = (float) Math.max(0, Math.min(255, value));
      }
    }
  }
}
