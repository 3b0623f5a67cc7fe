package org.introdl.xray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.introdl.xray.data.ChestPhantom;
import org.introdl.xray.data.XrayDataset;
import org.junit.jupiter.api.Test;

class ChestPhantomTest {
  @Test
  void deterministicBalancedAndSaysItIsSynthetic() {
    XrayDataset a = ChestPhantom.generate(10, 64, 3);
    XrayDataset b = ChestPhantom.generate(10, 64, 3);
    assertArrayEquals(a.pixels(), b.pixels());
    assertEquals(5, a.positives());
    assertTrue(a.isSynthetic());
    assertTrue(a.source().contains("SYNTHETIC"));
  }

  @Test
  void onlyPositivesHaveALesionAndItIsTheDarkestRegion() {
    XrayDataset d = ChestPhantom.generate(20, 128, 9);
    for (int i = 0; i < d.count(); i++) {
      byte[] mask = d.lesionMask(i);
      float[] image = d.image(i);
      int inside = 0;
      double lesionMean = 0;
      double otherMean = 0;
      for (int p = 0; p < mask.length; p++) {
        if (mask[p] == 1) {
          inside++;
          lesionMean += image[p];
        } else {
          otherMean += image[p];
        }
      }
      if (d.labels()[i] == 0) {
        assertEquals(0, inside, "negative " + i + " has a lesion");
      } else {
        assertTrue(inside > 0.01 * mask.length, "positive " + i + " lesion covers " + inside + " pixels");
        assertTrue(lesionMean / inside < otherMean / (mask.length - inside), "lesion of " + i + " is not darker");
      }
    }
  }
}
