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
 */
public record XrayDataset(String source, int size, float[] pixels, int[] labels, byte[] lesionMasks) {
  /** Class index of a pneumothorax in the lab's one-hot labels. */
  public static final int PNEUMOTHORAX = 1;

  public XrayDataset {
    long expected = (long) labels.length * size * size;
    if (pixels.length != expected) {
      throw new IllegalArgumentException("pixels: " + pixels.length + " values for " + labels.length + " images of " + size + "x" + size);
    }
    if (lesionMasks != null && lesionMasks.length != expected) {
      throw new IllegalArgumentException("lesion masks do not match the images");
    }
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

  public int positives() {
    return (int) Arrays.stream(labels).filter(l -> l == PNEUMOTHORAX).count();
  }

  /** The images at {@code indices}, in that order. */
  public XrayDataset select(int[] indices) {
    int p = pixelsPerImage();
    float[] px = new float[indices.length * p];
    int[] lb = new int[indices.length];
    byte[] masks = lesionMasks == null ? null : new byte[indices.length * p];
    for (int k = 0; k < indices.length; k++) {
      int i = indices[k];
      if (i < 0 || i >= count()) {
        throw new UserError(source + ": image index " + i + " is out of range (0.." + (count() - 1) + ")");
      }
      System.arraycopy(pixels, i * p, px, k * p, p);
      if (masks != null) {
        System.arraycopy(lesionMasks, i * p, masks, k * p, p);
      }
      lb[k] = labels[i];
    }
    return new XrayDataset(source, size, px, lb, masks);
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
    byte[] masks = lesionMasks == null ? null : new byte[px.length];
    for (int i = 0; i < n; i++) {
      float[] small = ImageResize.resize(image(i), size, newSize);
      System.arraycopy(small, 0, px, i * newSize * newSize, small.length);
      if (masks != null) {
        float[] m = ImageResize.resize(toFloats(lesionMask(i)), size, newSize);
        for (int j = 0; j < m.length; j++) {
          masks[i * newSize * newSize + j] = (byte) (m[j] >= 0.5f ? 1 : 0);
        }
      }
    }
    return new XrayDataset(source, newSize, px, labels.clone(), masks);
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

  private static float[] toFloats(byte[] mask) {
    float[] f = new float[mask.length];
    for (int i = 0; i < mask.length; i++) {
      f[i] = mask[i];
    }
    return f;
  }
}
