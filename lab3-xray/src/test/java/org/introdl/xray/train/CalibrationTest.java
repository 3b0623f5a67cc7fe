package org.introdl.xray.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Mean |P - 0.5| and the expected calibration error against sums worked by hand. */
class CalibrationTest {
  @Test
  void meanConfidenceAndEceAsWorkedByHand() {
    // Bins of 0.5 (two bins): [0.1, 0.2, 0.4] -> mean 0.2333, one positive of 3 -> gap |0.2333 - 0.3333| = 0.1;
    // [0.7, 0.9] -> mean 0.8, both positive -> gap 0.2. ECE = 3/5 * 0.1 + 2/5 * 0.2 = 0.14.
    float[] p = {0.1f, 0.2f, 0.4f, 0.7f, 0.9f};
    int[] labels = {0, 1, 0, 1, 1};
    Calibration c = Calibration.of(p, labels, 2);
    assertEquals((0.4 + 0.3 + 0.1 + 0.2 + 0.4) / 5, c.meanConfidence(), 1e-6);
    assertEquals(0.14, c.expectedCalibrationError(), 1e-6);
    assertArrayEquals(new int[] {3, 2}, c.counts());
    assertEquals(1.0 / 3, c.positiveShare()[0], 1e-9);
  }

  @Test
  void coinFlipsFailTheConfidenceCheckAndSureRightAnswersPassBoth() {
    int[] labels = {0, 1, 0, 1, 0, 1, 0, 1};
    float[] coinFlips = {0.49f, 0.51f, 0.5f, 0.52f, 0.48f, 0.5f, 0.51f, 0.49f};
    Calibration unsure = Calibration.of(coinFlips, labels);
    assertTrue(unsure.meanConfidence() < 0.05, "a model that answers 0.5 is not sure");
    float[] sure = {0.02f, 0.97f, 0.05f, 0.99f, 0.01f, 0.96f, 0.03f, 0.98f};
    Calibration good = Calibration.of(sure, labels);
    assertTrue(good.meanConfidence() > 0.45);
    assertTrue(good.expectedCalibrationError() < 0.05);
    // Sure and wrong: every P on the wrong side: confident, badly calibrated.
    float[] sureWrong = {0.98f, 0.02f, 0.97f, 0.03f, 0.99f, 0.01f, 0.96f, 0.04f};
    Calibration bad = Calibration.of(sureWrong, labels);
    assertTrue(bad.meanConfidence() > 0.45);
    assertTrue(bad.expectedCalibrationError() > 0.9, "ECE " + bad.expectedCalibrationError());
  }

  @Test
  void pOfOneLandsInTheLastBinAndEmptyBinsAreNaN() {
    Calibration c = Calibration.of(new float[] {1f, 0f}, new int[] {1, 0});
    assertEquals(1, c.counts()[9]);
    assertEquals(1, c.counts()[0]);
    assertTrue(Double.isNaN(c.meanProbability()[5]));
    assertEquals(0, c.expectedCalibrationError(), 1e-9);
  }
}
