package org.introdl.xray.data;

import java.util.Arrays;
import java.util.Random;
import org.introdl.core.UserError;

/**
 * Chest x-rays in memory, as the lab holds them: N square grayscale images with values 0-255 (stored as floats,
 * row-major, one channel) and a label per image (1 = pneumothorax, 0 = none; the lab's one-hot index).
 *
 * @param source where the images came from, shown to the user ("synthetic phantoms ..." or a file)
 * @param size the image side in pixels
 * @param pixels N * size * size values, image after image
 * @param labels N labels, 0 or 1
 * @param lesionMasks for synthetic phantoms, N * size * size flags (1 = inside the lesion); null for real x-rays
 * @param confounderMasks for synthetic phantoms, N * size * size codes of things that are not anatomy:
 *     {@link #DRAIN}, {@link #ECG_LEAD}, {@link #MARKER}, 0 for none; null for real x-rays
 */
public record XrayDataset(String source, int size, float[] pixels, int[] labels, byte[] lesionMasks,
    byte[] confounderMasks) {
  /** Class index of a pneumothorax in the lab's one-hot labels. */
  public static final int PNEUMOTHORAX = 1;
  /** Confounder codes: a chest drain, an ECG lead with its wire, the film's side marker. */
  public static final byte DRAIN = 1;
  public static final byte ECG_LEAD = 2;
  public static final byte MARKER = 3;

  public XrayDataset {
    long expected = (long) labels.length * size * size;
    if (pixels.length != expected) {
      throw new IllegalArgumentException("pixels: " + pixels.length + " values for " + labels.length + " images of " + size + "x" + size);
    }
    if (lesionMasks != null && lesionMasks.length != expected) {
      throw new IllegalArgumentException("lesion masks do not match the images");
    }
    if (confounderMasks != null && confounderMasks.length != expected) {
      throw new IllegalArgumentException("confounder masks do not match the images");
    }
  }

  /** Real x-rays, or phantoms without confounders. */
  public XrayDataset(String source, int size, float[] pixels, int[] labels, byte[] lesionMasks) {
    this(source, size, pixels, labels, lesionMasks, null);
  }

  public int count() {
    return labels.length;
  }

  public boolean isSynthetic() {
    return lesionMasks != null;
  }

  public int pixelsPerImage() {
    return size * size;
  }

  /** A copy of image {@code i}, row-major. */
  public float[] image(int i) {
    return Arrays.copyOfRange(pixels, i * pixelsPerImage(), (i + 1) * pixelsPerImage());
  }

  /** The lesion mask of image {@code i}, or null for real x-rays. */
  public byte[] lesionMask(int i) {
    return lesionMasks == null ? null : Arrays.copyOfRange(lesionMasks, i * pixelsPerImage(), (i + 1) * pixelsPerImage());
  }

  /** The confounder mask of image {@code i} (drain, leads, marker), or null for real x-rays. */
  public byte[] confounderMask(int i) {
    return confounderMasks == null ? null
        : Arrays.copyOfRange(confounderMasks, i * pixelsPerImage(), (i + 1) * pixelsPerImage());
  }

  public int positives() {
    return (int) Arrays.stream(labels).filter(l -> l == PNEUMOTHORAX).count();
  }

  /** The images at {@code indices}, in that order. */
  public XrayDataset select(int[] indices) {
    int p = pixelsPerImage();
    int[] lb = new int[indices.length];
    for (int k = 0; k < indices.length; k++) {
      int i = indices[k];
      if (i < 0 || i >= count()) {
        throw new UserError(source + ": image index " + i + " is out of range (0.." + (count() - 1) + ")");
      }
      lb[k] = labels[i];
    }
    return new XrayDataset(source, size, gather(pixels, indices, p), lb, gather(lesionMasks, indices, p),
        gather(confounderMasks, indices, p));
  }

  private static float[] gather(float[] all, int[] indices, int per) {
    float[] out = new float[indices.length * per];
    for (int k = 0; k < indices.length; k++) {
      System.arraycopy(all, indices[k] * per, out, k * per, per);
    }
    return out;
  }

  private static byte[] gather(byte[] all, int[] indices, int per) {
    if (all == null) {
      return null;
    }
    byte[] out = new byte[indices.length * per];
    for (int k = 0; k < indices.length; k++) {
      System.arraycopy(all, indices[k] * per, out, k * per, per);
    }
    return out;
  }

  /** Splits into (train, held-out) by a seeded shuffle; {@code heldOut} images go to the second part. */
  public XrayDataset[] split(int heldOut, long seed) {
    if (heldOut <= 0 || heldOut >= count()) {
      throw new UserError(source + ": cannot hold out " + heldOut + " of " + count() + " images");
    }
    int[] order = shuffled(count(), seed);
    return new XrayDataset[] {
      select(Arrays.copyOfRange(order, heldOut, order.length)), select(Arrays.copyOfRange(order, 0, heldOut))
    };
  }

  /** The same images at {@code newSize} (area averaging when shrinking by an integer factor, else bilinear). */
  public XrayDataset resizedTo(int newSize) {
    if (newSize == size) {
      return this;
    }
    int n = count();
    float[] px = new float[n * newSize * newSize];
    for (int i = 0; i < n; i++) {
      float[] small = ImageResize.resize(image(i), size, newSize);
      System.arraycopy(small, 0, px, i * newSize * newSize, small.length);
    }
    return new XrayDataset(source, newSize, px, labels.clone(), resizedMasks(lesionMasks, newSize, (byte) 1),
        resizedMasks(confounderMasks, newSize, MARKER));
  }

  /** Each image's mask at {@code newSize}: a pixel takes code k where at least half of what it covers had k. */
  private byte[] resizedMasks(byte[] masks, int newSize, byte codes) {
    if (masks == null) {
      return null;
    }
    int p = pixelsPerImage();
    byte[] out = new byte[count() * newSize * newSize];
    for (int i = 0; i < count(); i++) {
      for (byte code = 1; code <= codes; code++) {
        float[] flags = new float[p];
        for (int j = 0; j < p; j++) {
          flags[j] = masks[i * p + j] == code ? 1 : 0;
        }
        float[] m = ImageResize.resize(flags, size, newSize);
        for (int j = 0; j < m.length; j++) {
          if (m[j] >= 0.5f) {
            out[i * newSize * newSize + j] = code;
          }
        }
      }
    }
    return out;
  }

  /** A permutation of 0..n-1 from a seeded Fisher-Yates shuffle. */
  public static int[] shuffled(int n, long seed) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Random random = new Random(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
