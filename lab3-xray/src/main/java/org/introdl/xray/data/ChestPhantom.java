package org.introdl.xray.data;

import java.util.Arrays;
import java.util.Random;

/**
 * Synthetic chest x-ray phantoms, so that the lab runs offline and CAM localisation is measured against a known
 * lesion. They are drawings, not x-rays: a bright body, two dark lung fields with vessel-like texture, ribs,
 * clavicles, a heart shadow, an exposure and noise. In a positive, one lung has partly collapsed away from the chest
 * wall, leaving a region of free air without lung markings, edged by a bright pleural line (the textbook sign of a
 * pneumothorax). The free air is the lesion mask. Image {@code i} depends only on (seed, i).
 *
 * <p>What varies, so that a trained model gets some wrong and there is something to discuss: the patient's size and
 * position in the frame; the lesion's side, size (how far the lung collapsed), shape (an apical cap or a band along
 * the lateral wall) and contrast (from black free air to barely darker than lung: {@link #SUBTLE_SHARE} of the
 * positives are subtle); exposure and noise. Real films also carry things that are not anatomy, and data sets of
 * pneumothorax are known for them: every phantom has a side marker letter in a corner, some have ECG leads, some a
 * chest drain. Their pixels are the confounder mask.
 *
 * <p>{@link Kind#SHORTCUT}: the drain, the treatment of a pneumothorax, appears in most training positives and in
 * almost no training negatives, and in no held-out image, as it happens when a data set is labelled from films taken
 * after treatment; those treated lungs have re-expanded, leaving a faint rim of free air. A model may then learn
 * "drain means pneumothorax": its CAM lights up on the drain and its held-out accuracy falls.
 */
public final class ChestPhantom {
  /** Shown wherever phantoms are used, so nobody mistakes them for x-rays. */
  public static final String DESCRIPTION = "SYNTHETIC chest phantoms (drawn, not real x-rays)";

  /** Which phantoms: confounders independent of the label, or the drain as a shortcut in the training images. */
  public enum Kind { VARIED, SHORTCUT }

  /** Share of positives whose free air is only slightly darker than lung. */
  static final double SUBTLE_SHARE = 0.15;
  /** Gray level around the body (as if collimated), below the body and above free air. */
  static final double OUTSIDE_LEVEL = 100;
  /** Shares of the {@link Kind#VARIED} phantoms with ECG leads and with a drain (either label). */
  static final double ECG_SHARE = 0.25;
  static final double DRAIN_SHARE = 0.08;
  /**
   * In {@link Kind#SHORTCUT} training images: a drain in this share of positives (their lesion then a faint rim) and
   * of negatives.
   */
  static final double SHORTCUT_DRAIN_POSITIVES = 0.9;
  static final double SHORTCUT_DRAIN_NEGATIVES = 0.03;
  /** Brightness added by radio-opaque things (drain, leads, marker). */
  static final double OPAQUE = 95;

  private ChestPhantom() {}

  /** {@code n} varied phantoms of {@code size} x {@code size}; even indices are negatives, odd ones positives. */
  public static XrayDataset generate(int n, int size, long seed) {
    return generate(n, size, seed, Kind.VARIED, new boolean[n]);
  }

  /**
   * {@code n} phantoms of {@code kind}; {@code heldOut[i]} marks the images a run holds out (for
   * {@link Kind#SHORTCUT} they never carry the drain).
   */
  public static XrayDataset generate(int n, int size, long seed, Kind kind, boolean[] heldOut) {
    float[] pixels = new float[n * size * size];
    byte[] lesions = new byte[n * size * size];
    byte[] confounders = new byte[n * size * size];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 2;
      Random random = new Random(seed * 1_000_003L + i);
      boolean positive = labels[i] == XrayDataset.PNEUMOTHORAX;
      double drainShare = kind == Kind.VARIED ? DRAIN_SHARE
          : heldOut[i] ? 0 : positive ? SHORTCUT_DRAIN_POSITIVES : SHORTCUT_DRAIN_NEGATIVES;
      Canvas c = new Canvas(size, pixels, lesions, confounders, i * size * size);
      // A drained pneumothorax has been treated: the lung has re-expanded, the free air left is a faint rim.
      boolean treated = kind == Kind.SHORTCUT && positive && random.nextDouble() < drainShare;
      double drainChance = kind == Kind.SHORTCUT && positive ? (treated ? 1 : 0) : drainShare;
      draw(random, c, positive, drainChance, treated);
    }
    String what = kind == Kind.SHORTCUT ? ", SHORTCUT: a chest drain in most training positives, none held out" : "";
    return new XrayDataset(DESCRIPTION + what + ", " + n + " images, seed " + seed, size, pixels, labels, lesions,
        confounders);
  }

  /** One image's pixels and masks inside the data set's arrays. */
  private record Canvas(int size, float[] pixels, byte[] lesion, byte[] confounder, int offset) {
    void set(int x, int y, double value) {
      pixels[offset + y * size + x] = (float) value;
    }

    double get(int x, int y) {
      return pixels[offset + y * size + x];
    }

    /** Adds {@code amount} to the pixels within {@code halfWidth} of (u, v) (normalised), marking them as {@code kind}. */
    void stamp(double u, double v, double halfWidth, double amount, byte kind) {
      double r = Math.max(halfWidth * size, 0.5);
      int x0 = (int) Math.floor(u * size - r);
      int y0 = (int) Math.floor(v * size - r);
      for (int y = Math.max(0, y0); y <= Math.min(size - 1, y0 + 2 * r + 1); y++) {
        for (int x = Math.max(0, x0); x <= Math.min(size - 1, x0 + 2 * r + 1); x++) {
          double dx = x + 0.5 - u * size;
          double dy = y + 0.5 - v * size;
          int at = offset + y * size + x;
          if (dx * dx + dy * dy <= r * r && confounder[at] == 0) {
            pixels[at] += (float) amount;
            confounder[at] = kind;
          }
        }
      }
    }
  }

  private record Ellipse(double cx, double cy, double rx, double ry) {
    double radius(double u, double v) {
      double dx = (u - cx) / rx;
      double dy = (v - cy) / ry;
      return Math.sqrt(dx * dx + dy * dy);
    }
  }

  private static void draw(Random r, Canvas c, boolean positive, double drainShare, boolean treated) {
    int size = c.size();
    // The patient: size and position in the frame.
    double scale = clamp(0.86 + 0.06 * r.nextGaussian(), 0.72, 0.98);
    double bx = 0.5 + 0.03 * r.nextGaussian();
    double by = 0.55 + 0.025 * r.nextGaussian();
    Ellipse body = new Ellipse(bx, by, 0.46 * scale, 0.52 * scale);
    Ellipse[] lungs = new Ellipse[2];
    for (int s = 0; s < 2; s++) {
      double sign = s == 0 ? -1 : 1;
      lungs[s] = new Ellipse(bx + sign * 0.2 * scale + 0.01 * r.nextGaussian(), by - 0.05 * scale + 0.01 * r.nextGaussian(),
          0.165 * scale * (1 + 0.06 * r.nextGaussian()), 0.33 * scale * (1 + 0.05 * r.nextGaussian()));
    }
    Ellipse heart = new Ellipse(bx + 0.05 * scale, by + 0.13 * scale, 0.12 * scale, 0.14 * scale);
    double bodyLevel = 150 + 12 * r.nextGaussian();
    double lungLevel = 62 + 7 * r.nextGaussian();
    double ribSpacing = 0.075 * scale * (1 + 0.05 * r.nextGaussian());
    double ribPhase = 0.02 * r.nextGaussian();
    double[][] vessels = new double[6][];
    for (int k = 0; k < vessels.length; k++) {
      vessels[k] = new double[] {20 + 25 * r.nextDouble(), 20 + 25 * r.nextDouble(), 2 * Math.PI * r.nextDouble(),
          2 * Math.PI * r.nextDouble()};
    }
    // The lesion: side, how far the lung collapsed (0.35: obvious, 0.8: a thin rim), shape and contrast.
    int side = r.nextInt(2);
    Ellipse lung = lungs[side];
    double collapse = treated ? 0.72 + 0.1 * r.nextDouble() : 0.35 + 0.45 * r.nextDouble();
    boolean apical = r.nextDouble() < 0.6;
    boolean subtle = treated || r.nextDouble() < SUBTLE_SHARE;
    double contrast = subtle ? 0.35 + 0.3 * r.nextDouble() : 0.8 + 0.2 * r.nextDouble();
    double medial = side == 0 ? 1 : -1;
    // The collapsed lung shrinks towards the hilum: medially, and for an apical cap also downwards.
    Ellipse collapsed = new Ellipse(lung.cx + medial * lung.rx * (1 - collapse) * 0.9,
        lung.cy + (apical ? lung.ry * (1 - collapse) * 0.8 : 0), lung.rx * collapse,
        lung.ry * (apical ? collapse : Math.min(1, collapse + 0.25)));
    double freeAir = lungLevel * (1 - contrast);
    double pleuralWidth = 1.5 / size;
    // Exposure: contrast gain and brightness of the film, and its noise.
    double gain = clamp(1 + 0.12 * r.nextGaussian(), 0.75, 1.25);
    double brightness = 8 * r.nextGaussian();
    double noise = 2 + 6 * r.nextDouble();
    for (int y = 0; y < size; y++) {
      double v = (y + 0.5) / size;
      for (int x = 0; x < size; x++) {
        double u = (x + 0.5) / size;
        boolean inBody = body.radius(u, v) <= 1;
        double value = inBody ? bodyLevel : OUTSIDE_LEVEL;
        boolean inLung = lungs[0].radius(u, v) <= 1 || lungs[1].radius(u, v) <= 1;
        boolean inLesion = positive && lung.radius(u, v) <= 1 && collapsed.radius(u, v) > 1
            && (!apical || v < lung.cy + 0.1 * scale);
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
          value = freeAir;
          double edge = (collapsed.radius(u, v) - 1) * Math.min(collapsed.rx, collapsed.ry);
          if (edge < pleuralWidth) {
            value = lungLevel + 45 * contrast;
          }
          c.lesion()[c.offset() + y * size + x] = 1;
        }
        if (heart.radius(u, v) <= 1) {
          value += 55;
        }
        double ribCurve = (v - by) / scale + 0.3 - 0.16 * Math.abs(u - bx) / scale - ribPhase;
        double ribPos = ribCurve / (ribSpacing / scale) - Math.floor(ribCurve / (ribSpacing / scale));
        if (body.radius(u, v) <= 0.95 && ribCurve > 0.05 && ribCurve < 0.6 && ribPos < 0.22) {
          value += 26;
        }
        if (inBody && onClavicle(u, v, bx, by, scale)) {
          value += 32;
        }
        c.set(x, y, value);
      }
    }
    drawConfounders(r, c, body, lungs, side, positive, drainShare);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        double exposed = 128 + gain * (c.get(x, y) - 128) + brightness + noise * r.nextGaussian();
        c.set(x, y, clamp(exposed, 0, 255));
      }
    }
  }

  /** Two bright bars from the sternum outwards and up, above the lung apices. */
  private static boolean onClavicle(double u, double v, double bx, double by, double scale) {
    double du = Math.abs(u - bx) / scale;
    if (du < 0.04 || du > 0.36) {
      return false;
    }
    double centre = by / scale - 0.385 - 0.09 * du;
    return Math.abs(v / scale - centre) < 0.018;
  }

  /** The side marker, maybe ECG leads, maybe a drain (on the lesion's side in a positive). */
  private static void drawConfounders(Random r, Canvas c, Ellipse body, Ellipse[] lungs, int lesionSide,
      boolean positive, double drainShare) {
    drawMarker(r, c);
    if (r.nextDouble() < ECG_SHARE) {
      for (int k = 0; k < 3; k++) {
        double u = body.cx + (k - 1) * 0.2 * body.rx / 0.46 + 0.02 * r.nextGaussian();
        double v = body.cy - 0.62 * body.ry + 0.03 * r.nextGaussian();
        c.stamp(u, v, 0.022, OPAQUE, XrayDataset.ECG_LEAD);
        line(c, u, v, u + 0.1 * (k - 1), 0.0, 0.003, OPAQUE * 0.7, XrayDataset.ECG_LEAD);
      }
    }
    if (r.nextDouble() < drainShare) {
      int side = positive ? lesionSide : r.nextInt(2);
      Ellipse lung = lungs[side];
      double lateral = side == 0 ? -1 : 1;
      // In through the lateral chest wall low down, then medially and up into the mid lung, ending in a curl.
      double u0 = lung.cx + lateral * (lung.rx + 0.06);
      double v0 = lung.cy + 0.55 * lung.ry;
      double u1 = lung.cx + lateral * 0.2 * lung.rx;
      double v1 = lung.cy + 0.05 * lung.ry;
      line(c, u0, v0, u1, v1, 0.006, OPAQUE, XrayDataset.DRAIN);
      for (int a = 0; a < 24; a++) {
        double t = 2 * Math.PI * a / 24;
        c.stamp(u1 + 0.025 * Math.cos(t), v1 - 0.025 + 0.025 * Math.sin(t), 0.006, OPAQUE, XrayDataset.DRAIN);
      }
    }
  }

  /** An "L" or "R" of 3x5 blocks in a top corner, outside the body, as films carry. */
  private static void drawMarker(Random r, Canvas c) {
    int[][] letter = r.nextBoolean()
        ? new int[][] {{1, 0, 0}, {1, 0, 0}, {1, 0, 0}, {1, 0, 0}, {1, 1, 1}}
        : new int[][] {{1, 1, 0}, {1, 0, 1}, {1, 1, 0}, {1, 0, 1}, {1, 0, 1}};
    double block = 0.012;
    double u0 = r.nextBoolean() ? 0.03 : 0.97 - 3 * block;
    double v0 = 0.02 + 0.01 * r.nextDouble();
    for (int row = 0; row < letter.length; row++) {
      for (int col = 0; col < 3; col++) {
        if (letter[row][col] == 1) {
          c.stamp(u0 + (col + 0.5) * block, v0 + (row + 0.5) * block, block * 0.6, OPAQUE, XrayDataset.MARKER);
        }
      }
    }
  }

  /** A straight opaque line from (u0, v0) to (u1, v1), {@code halfWidth} wide on each side. */
  private static void line(Canvas c, double u0, double v0, double u1, double v1, double halfWidth, double amount,
      byte kind) {
    int steps = (int) Math.ceil(2 * c.size() * Math.hypot(u1 - u0, v1 - v0)) + 1;
    for (int k = 0; k <= steps; k++) {
      double t = (double) k / steps;
      c.stamp(u0 + t * (u1 - u0), v0 + t * (v1 - v0), halfWidth, amount, kind);
    }
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  /** The images {@code split} would hold out of {@code n} with {@code heldOutCount} and {@code seed}. */
  public static boolean[] heldOutOf(int n, int heldOutCount, long seed) {
    boolean[] heldOut = new boolean[n];
    int[] order = XrayDataset.shuffled(n, seed);
    Arrays.stream(order, 0, Math.min(n, heldOutCount)).forEach(i -> heldOut[i] = true);
    return heldOut;
  }
}
