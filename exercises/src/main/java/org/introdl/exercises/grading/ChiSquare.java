package org.introdl.exercises.grading;

import java.util.ArrayList;
import java.util.List;

/**
 * Pearson's chi-square goodness-of-fit test of observed counts against probabilities. Categories expected fewer than 5
 * times are pooled into one (the usual rule); the critical value at significance 0.001 comes from the Wilson-Hilferty
 * approximation. Graders draw from a seeded {@code Random}, so a verdict never changes from run to run.
 */
public final class ChiSquare {
  /** The standard normal quantile for significance 0.001. */
  private static final double Z_999 = 3.090232;

  /** The statistic, its degrees of freedom and the critical value it must stay under. */
  public record Test(double statistic, int degreesOfFreedom, double critical) {
    public boolean fits() {
      return statistic <= critical;
    }

    @Override
    public String toString() {
      return String.format(java.util.Locale.ROOT, "chi-square %.1f with %d degrees of freedom (critical %.1f at 0.001)",
          statistic, degreesOfFreedom, critical);
    }
  }

  private ChiSquare() {}

  public static Test test(long[] observed, double[] probabilities) {
    long total = 0;
    for (long o : observed) {
      total += o;
    }
    List<double[]> bins = new ArrayList<>(); // {observed, expected}
    double pooledObserved = 0;
    double pooledExpected = 0;
    for (int k = 0; k < observed.length; k++) {
      double expected = probabilities[k] * total;
      if (expected >= 5) {
        bins.add(new double[] {observed[k], expected});
      } else {
        pooledObserved += observed[k];
        pooledExpected += expected;
      }
    }
    if (pooledExpected > 0 || pooledObserved > 0) {
      // A draw where nothing was expected at all can never fit: an infinite statistic says so.
      bins.add(new double[] {pooledObserved, Math.max(pooledExpected, 1e-300)});
    }
    double statistic = 0;
    for (double[] bin : bins) {
      double d = bin[0] - bin[1];
      statistic += d * d / bin[1];
    }
    int df = Math.max(1, bins.size() - 1);
    double a = 2.0 / (9 * df);
    double critical = df * Math.pow(1 - a + Z_999 * Math.sqrt(a), 3);
    return new Test(statistic, df, critical);
  }
}
