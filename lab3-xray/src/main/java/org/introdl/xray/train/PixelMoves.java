package org.introdl.xray.train;

import org.introdl.xray.data.XrayDataset;

/**
 * What the augmentations share: a copy of a batch in which each pixel of each image, and the same pixel of its
 * masks, is taken from another place in the same image. Values are copied, never computed, so an augmented batch
 * holds exactly the values of the original.
 */
final class PixelMoves {
  private PixelMoves() {}

  /** Where pixel (x, y) of image {@code image} comes from, as {@code fromY * size + fromX} within that image. */
  interface Source {
    int of(int image, int x, int y);
  }

  /** A copy of {@code batch}, every pixel (and mask value) taken from where {@code source} says. */
  static XrayDataset moved(XrayDataset batch, Source source) {
    int n = batch.size();
    float[] from = batch.pixels();
    byte[] fromLesions = batch.lesionMasks();
    byte[] fromConfounders = batch.confounderMasks();
    float[] pixels = new float[from.length];
    byte[] lesions = fromLesions == null ? null : new byte[from.length];
    byte[] confounders = fromConfounders == null ? null : new byte[from.length];
    for (int i = 0; i < batch.count(); i++) {
      int image = i * n * n;
      for (int y = 0; y < n; y++) {
        for (int x = 0; x < n; x++) {
          int to = image + y * n + x;
          int at = image + source.of(i, x, y);
          pixels[to] = from[at];
          if (lesions != null) {
            lesions[to] = fromLesions[at];
          }
          if (confounders != null) {
            confounders[to] = fromConfounders[at];
          }
        }
      }
    }
    return new XrayDataset(batch.source(), n, pixels, batch.labels().clone(), lesions, confounders);
  }
}
