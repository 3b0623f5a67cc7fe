package org.introdl.xray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.introdl.xray.train.Evaluation;
import org.introdl.xray.train.RocCurve;
import org.junit.jupiter.api.Test;

class RocCurveTest {
  /**
   * Independent statistic: AUC = U / (n+ n-), where U counts, over every (positive, negative) pair, 1 when the
   * positive scores higher and 1/2 for a tie (Mann-Whitney). Computed by brute force over pairs.
   */
  static double mannWhitneyAuc(float[] scores, int[] labels) {
    double u = 0;
    long pairs = 0;
    for (int i = 0; i < scores.length; i++) {
      for (int j = 0; j < scores.length; j++) {
        if (labels[i] == 1 && labels[j] == 0) {
          pairs++;
          u += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
        }
      }
    }
    return u / pairs;
  }

  @Test
  void aucEqualsTheMannWhitneyStatisticOnRandomScoresWithTies() {
    Random random = new Random(5);
    for (int trial = 0; trial < 50; trial++) {
      int n = 5 + random.nextInt(200);
      float[] scores = new float[n];
      int[] labels = new int[n];
      for (int i = 0; i < n; i++) {
        labels[i] = i < 2 ? i : random.nextInt(2);
        // Coarse scores make ties common; positives slightly higher on average.
        scores[i] = Math.round((random.nextGaussian() + labels[i]) * 4) / 4f;
      }
      assertEquals(mannWhitneyAuc(scores, labels), RocCurve.of(scores, labels).auc(), 1e-12, "trial " + trial);
    }
  }

  @Test
  void pointsOfASmallCaseWorkedByHand() {
    // scores 0.9(+) 0.8(-) 0.7(+) 0.6(-): thresholds step through (0,0) (0,.5) (.5,.5) (.5,1) (1,1); AUC 0.75.
    RocCurve roc = RocCurve.of(new float[] {0.9f, 0.8f, 0.7f, 0.6f}, new int[] {1, 0, 1, 0});
    assertArrayEquals(new double[] {0, 0, 0.5, 0.5, 1}, roc.falsePositiveRates(), 1e-12);
    assertArrayEquals(new double[] {0, 0.5, 0.5, 1, 1}, roc.truePositiveRates(), 1e-12);
    assertEquals(0.75, roc.auc(), 1e-12);
  }

  @Test
  void perfectAndInvertedRankings() {
    assertEquals(1.0, RocCurve.of(new float[] {0.1f, 0.2f, 0.8f, 0.9f}, new int[] {0, 0, 1, 1}).auc(), 1e-12);
    assertEquals(0.0, RocCurve.of(new float[] {0.9f, 0.8f, 0.2f, 0.1f}, new int[] {0, 0, 1, 1}).auc(), 1e-12);
    assertEquals(0.5, RocCurve.of(new float[] {0.5f, 0.5f, 0.5f}, new int[] {0, 1, 1}).auc(), 1e-12);
  }

  @Test
  void oneClassOnlyHasNoRocButStillAnAccuracy() {
    assertThrows(IllegalArgumentException.class, () -> RocCurve.of(new float[] {0.1f, 0.2f}, new int[] {1, 1}));
    Evaluation e = Evaluation.of(new float[] {0.1f, 0.7f}, new int[] {1, 1});
    assertEquals(0.5, e.accuracy(), 1e-12);
    assertEquals(Double.NaN, e.auc());
    assertEquals(1, e.confusion()[1][0]);
    assertEquals(1, e.confusion()[1][1]);
  }
}
