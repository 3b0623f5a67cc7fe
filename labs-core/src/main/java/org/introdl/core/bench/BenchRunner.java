package org.introdl.core.bench;

import java.util.Arrays;

/** Times a {@link BenchWorkload}: warm-up runs, then the median, min and max of the timed runs. */
public final class BenchRunner {
  private BenchRunner() {}

  /** Timing of one workload in milliseconds. */
  public record Timing(String name, double medianMs, double minMs, double maxMs, int runs, double flopsPerRun,
      String baseline) {
    /** Achieved GFLOP/s at the median, or NaN when the workload states no FLOP count. */
    public double gflops() {
      return flopsPerRun > 0 ? flopsPerRun / (medianMs * 1e6) : Double.NaN;
    }
  }

  public static Timing time(BenchWorkload workload, int warmup, int runs) {
    for (int i = 0; i < warmup; i++) {
      workload.run();
    }
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      workload.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    double median = runs % 2 == 1 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
    return new Timing(workload.name(), median, ms[0], ms[runs - 1], runs, workload.flopsPerRun(), workload.baseline());
  }
}
