package org.introdl.xray.train;

import java.util.Random;
import org.introdl.xray.data.XrayDataset;

/**
 * The CPU preset's augmentation: each image of a training batch is mirrored left-right with probability 1/2. A
 * pneumothorax collapses one lung, either one, so a mirrored film is as plausible as the original to this network
 * (on real films the heart would sit on the wrong side; the phantoms draw it centred): the 100 steps of the main job
 * then see fewer repeats of the same picture. Which images are mirrored is a function of (seed, step) alone, so a
 * resumed run mirrors exactly what the uninterrupted run would have.
 */
public final class HorizontalFlips {
  private HorizontalFlips() {}

  /** The batch of step {@code step}, a seeded half of its images (and their masks) mirrored. */
  public static XrayDataset apply(XrayDataset batch, long seed, long step) {
    return mirror(batch, chosen(batch.count(), seed, step));
  }

  /** Which of {@code count} images step {@code step} mirrors: a coin per image. */
  static boolean[] chosen(int count, long seed, long step) {
    Random coin = new Random(seed * 6_700_417L + step);
    boolean[] mirrored = new boolean[count];
    for (int i = 0; i < count; i++) {
      mirrored[i] = coin.nextBoolean();
    }
    return mirrored;
  }

  /** A copy of {@code batch} with image {@code i} mirrored where {@code which[i]}. */
  static XrayDataset mirror(XrayDataset batch, boolean[] which) {
    int n = batch.size();
    return PixelMoves.moved(batch, (i, x, y) -> y * n + (which[i] ? n - 1 - x : x));
  }
}
