package org.introdl.xray.train;

import static org.introdl.xray.train.AugmentationFixtures.twoImages;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.introdl.xray.data.XrayDataset;
import org.junit.jupiter.api.Test;

class HorizontalFlipsTest {
  @Test
  void aMirroredImageHasEachRowReversedWithItsMasksAndTheOthersAreUntouched() {
    XrayDataset out = HorizontalFlips.mirror(twoImages(), new boolean[] {false, true});
    assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, out.image(0));
    assertArrayEquals(new float[] {12, 11, 10, 15, 14, 13, 18, 17, 16}, out.image(1));
    assertArrayEquals(new byte[] {1, 0, 0, 1, 0, 0, 1, 0, 0}, out.lesionMask(0));
    assertArrayEquals(new byte[] {0, 0, 1, 0, 0, 1, 0, 0, 1}, out.lesionMask(1), "the lesion moves with the lung");
    assertArrayEquals(new int[] {0, 1}, out.labels());
    assertArrayEquals(new float[] {10, 11, 12, 13, 14, 15, 16, 17, 18}, twoImages().image(1), "the input is kept");
  }

  @Test
  void theChoiceIsAFunctionOfSeedAndStepAboutHalfTheImages() {
    assertArrayEquals(HorizontalFlips.chosen(64, 1, 7), HorizontalFlips.chosen(64, 1, 7), "a resumed run's step 7");
    assertFalse(Arrays.equals(HorizontalFlips.chosen(64, 1, 7), HorizontalFlips.chosen(64, 1, 8)), "the next step");
    assertFalse(Arrays.equals(HorizontalFlips.chosen(64, 1, 7), HorizontalFlips.chosen(64, 2, 7)), "another seed");
    int mirrored = 0;
    for (int step = 1; step <= 100; step++) {
      for (boolean m : HorizontalFlips.chosen(16, 1, step)) {
        mirrored += m ? 1 : 0;
      }
    }
    assertTrue(mirrored > 700 && mirrored < 900, mirrored + " of 1600 mirrored");
  }
}
