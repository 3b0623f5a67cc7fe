package org.introdl.core.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.introdl.core.bench.BenchRunner.Timing;

/**
 * This machine's bench run beside a saved one ({@code ./labs bench --compare FILE.json}): the workloads paired by
 * exact name, each with the ratio of the medians, and the two machines' float32 peaks, so that a reader sees how much
 * of a ratio is the machine's raw speed.
 *
 * @param rows this run's workloads in its order, then those only the saved run has, in the saved order
 */
public record BenchComparison(BenchRun here, BenchRun saved, List<Row> rows) {
  /**
   * One workload of either run.
   *
   * @param here its timing in this run, null when this run lacks it
   * @param saved its timing in the saved run, null when the saved run lacks it
   */
  public record Row(String name, Timing here, Timing saved) {
    /** This run's median over the saved one ({@code 0.62} reads "takes 0.62x the time"); NaN when a side lacks it. */
    public double ratio() {
      return here == null || saved == null ? Double.NaN : here.medianMs() / saved.medianMs();
    }
  }

  public BenchComparison {
    rows = List.copyOf(rows);
  }

  /** Pairs the workloads of {@code here} and {@code saved} by name. */
  public static BenchComparison of(BenchRun here, BenchRun saved) {
    Map<String, Timing> savedByName = new LinkedHashMap<>();
    saved.workloads().forEach(t -> savedByName.put(t.name(), t));
    List<Row> rows = new ArrayList<>();
    for (Timing t : here.workloads()) {
      rows.add(new Row(t.name(), t, savedByName.remove(t.name())));
    }
    savedByName.values().forEach(t -> rows.add(new Row(t.name(), null, t)));
    return new BenchComparison(here, saved, rows);
  }

  /**
   * This machine's float32 peak over the saved machine's: above 1, this machine is faster in raw arithmetic, and a
   * workload bound by it alone would take {@code 1 / peakRatio()} of the saved time. NaN when a run lacks its peak.
   */
  public double peakRatio() {
    return here.peakGflops() / saved.peakGflops();
  }

  /**
   * Whether both runs measured their peak on the same workload (the first row named "peak: ..."): {@code --quick}
   * times a smaller MatMul, whose peak is lower, so its ratio to a full run's peak says little about the machines.
   */
  public boolean samePeakWorkload() {
    return peakRow(here).equals(peakRow(saved));
  }

  private static String peakRow(BenchRun run) {
    return run.workloads().stream().map(Timing::name).filter(n -> n.startsWith(MatMulPeak.ROW_PREFIX)).findFirst()
        .orElse("");
  }
}
