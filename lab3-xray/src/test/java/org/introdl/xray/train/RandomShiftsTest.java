package org.introdl.xray.train;

import static org.introdl.xray.train.AugmentationFixtures.twoImages;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.introdl.xray.data.XrayDataset;
import org.junit.jupiter.api.Test;

class RandomShiftsTest {
  @Test
  void aMovedImageCarriesItsMaskAndRepeatsItsEdgeWhereItUncoversTheFrame() {
    // Image 0 stays; image 1 moves one pixel right and one up: its top row leaves, its left column repeats.
    XrayDataset out = RandomShifts.shift(twoImages(), new int[][] {{0, 0}, {1, -1}});
    assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, out.image(0));
    assertArrayEquals(new float[] {13, 13, 14, 16, 16, 17, 16, 16, 17}, out.image(1));
    assertArrayEquals(new byte[] {1, 0, 0, 1, 0, 0, 1, 0, 0}, out.lesionMask(0));
    assertArrayEquals(new byte[] {1, 1, 0, 1, 1, 0, 1, 1, 0}, out.lesionMask(1), "the lesion moves with the lung");
    assertArrayEquals(new int[] {0, 1}, out.labels());
    assertArrayEquals(new float[] {10, 11, 12, 13, 14, 15, 16, 17, 18}, twoImages().image(1), "the input is kept");
  }

  @Test
  void theShiftsAreAFunctionOfSeedAndStepSpreadOverTheRange() {
    assertTrue(Arrays.deepEquals(RandomShifts.chosen(64, 6, 1, 7), RandomShifts.chosen(64, 6, 1, 7)),
        "a resumed run's step 7");
    assertFalse(Arrays.deepEquals(RandomShifts.chosen(64, 6, 1, 7), RandomShifts.chosen(64, 6, 1, 8)), "the next step");
    assertFalse(Arrays.deepEquals(RandomShifts.chosen(64, 6, 1, 7), RandomShifts.chosen(64, 6, 2, 7)), "another seed");
    int[] seen = new int[13];
    for (int step = 1; step <= 100; step++) {
      for (int[] d : RandomShifts.chosen(16, 6, 1, step)) {
        seen[d[0] + 6]++;
        seen[d[1] + 6]++;
      }
    }
    assertEquals(3200, Arrays.stream(seen).sum(), "every shift within [-6, 6]");
    for (int count : seen) {
      assertTrue(count > 180 && count < 320, count + " of 3200 for one value, 246 expected");
    }
  }
}
