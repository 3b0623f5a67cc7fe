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

  @Test
  void everyPhantomRecordsItsConfoundersAndTheShortcutKeepsTheDrainOutOfTheHeldOutImages() {
    int n = 200;
    boolean[] heldOut = ChestPhantom.heldOutOf(n, 40, 5);
    XrayDataset d = ChestPhantom.generate(n, 64, 5, ChestPhantom.Kind.SHORTCUT, heldOut);
    int trainPositives = 0;
    int trainPositivesWithDrain = 0;
    int trainNegativesWithDrain = 0;
    for (int i = 0; i < n; i++) {
      byte[] c = d.confounderMask(i);
      assertTrue(count(c, XrayDataset.MARKER) > 0, "every film has its side marker: " + i);
      boolean drain = count(c, XrayDataset.DRAIN) > 0;
      if (heldOut[i]) {
        assertEquals(false, drain, "held-out image " + i + " has a drain");
      } else if (d.labels()[i] == XrayDataset.PNEUMOTHORAX) {
        trainPositives++;
        trainPositivesWithDrain += drain ? 1 : 0;
      } else {
        trainNegativesWithDrain += drain ? 1 : 0;
      }
    }
    assertTrue(trainPositivesWithDrain > 0.8 * trainPositives, trainPositivesWithDrain + " of " + trainPositives);
    assertTrue(trainNegativesWithDrain < 0.1 * (160 - trainPositives), "negatives with a drain: " + trainNegativesWithDrain);
    // The drain is brighter than what it covers: radio-opaque.
    XrayDataset plain = ChestPhantom.generate(n, 64, 5);
    int withDrain = 0;
    for (int i = 0; i < n; i++) {
      withDrain += count(plain.confounderMask(i), XrayDataset.DRAIN) > 0 ? 1 : 0;
    }
    assertTrue(withDrain > 0 && withDrain < 0.2 * n, "varied phantoms: a drain in a few images, either label: " + withDrain);
  }

  @Test
  void lesionsRangeFromObviousToSubtle() {
    XrayDataset d = ChestPhantom.generate(80, 64, 2);
    double darkest = Double.POSITIVE_INFINITY;
    double faintest = 0;
    for (int i = 1; i < d.count(); i += 2) {
      byte[] mask = d.lesionMask(i);
      float[] image = d.image(i);
      double sum = 0;
      int n = 0;
      for (int p = 0; p < mask.length; p++) {
        if (mask[p] == 1) {
          sum += image[p];
          n++;
        }
      }
      darkest = Math.min(darkest, sum / n);
      faintest = Math.max(faintest, sum / n);
    }
    assertTrue(darkest < 25, "an obvious lesion is near black: " + darkest);
    assertTrue(faintest > 40, "a subtle one is near lung grey: " + faintest);
  }

  private static int count(byte[] mask, byte code) {
    int k = 0;
    for (byte b : mask) {
      k += b == code ? 1 : 0;
    }
    return k;
  }
}
