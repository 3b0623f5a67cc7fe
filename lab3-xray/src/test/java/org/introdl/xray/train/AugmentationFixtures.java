package org.introdl.xray.train;

import org.introdl.xray.data.XrayDataset;

/** The batch the augmentation tests move around, small enough to write every expected pixel by hand. */
final class AugmentationFixtures {
  private AugmentationFixtures() {}

  /** Two 3x3 images 0..8 and 10..18, row-major, with a lesion in each one's left column. */
  static XrayDataset twoImages() {
    float[] pixels = new float[18];
    byte[] lesions = new byte[18];
    for (int i = 0; i < 18; i++) {
      pixels[i] = i < 9 ? i : i + 1;
      lesions[i] = (byte) (i % 3 == 0 ? 1 : 0);
    }
    return new XrayDataset("test", 3, pixels, new int[] {0, 1}, lesions, new byte[18]);
  }
}
