package org.introdl.xray.train;

import java.util.Random;
import org.introdl.xray.data.XrayDataset;

/**
 * Augmentation: each image of a training batch is moved by a whole number of pixels, up to {@code max} in x and y
 * (the patient stands a little higher, lower, left or right on real films). The side the image leaves uncovered
 * repeats its edge pixels. Which shift each image gets is a function of (seed, step) alone, as for
 * {@link HorizontalFlips}, so a resumed run shifts exactly what the uninterrupted run would have.
 */
public final class RandomShifts {
  private RandomShifts() {}

  /** The batch of step {@code step}, each image (and its masks) moved by its seeded shift. */
  public static XrayDataset apply(XrayDataset batch, int max, long seed, long step) {
    return shift(batch, chosen(batch.count(), max, seed, step));
  }

  /** The (dx, dy) of each of {@code count} images at step {@code step}: uniform in [-max, max]. */
  static int[][] chosen(int count, int max, long seed, long step) {
    Random random = new Random(seed * 7_919_113L + step * 31 + 17);
    int[][] shifts = new int[count][2];
    for (int i = 0; i < count; i++) {
      shifts[i][0] = random.nextInt(2 * max + 1) - max;
      shifts[i][1] = random.nextInt(2 * max + 1) - max;
    }
    return shifts;
  }

  /** A copy of {@code batch}, image {@code i} moved right by {@code shifts[i][0]}, down by {@code shifts[i][1]}. */
  static XrayDataset shift(XrayDataset batch, int[][] shifts) {
    int n = batch.size();
    // The uncovered side repeats the edge: a source outside the frame is clamped to its nearest edge pixel.
    return PixelMoves.moved(batch, (i, x, y) -> clamp(y - shifts[i][1], n) * n + clamp(x - shifts[i][0], n));
  }

  private static int clamp(int coordinate, int n) {
    return Math.max(0, Math.min(n - 1, coordinate));
  }
}
