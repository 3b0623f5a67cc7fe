package org.introdl.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.introdl.core.bench.BenchWorkload;

/** The labs' benchmark workloads, in table order. Each lab contributes its own list. */
final class BenchRegistry {
  private BenchRegistry() {}

  static List<Supplier<BenchWorkload>> suppliers(boolean quick) {
    List<Supplier<BenchWorkload>> all = new ArrayList<>();
    all.addAll(org.introdl.music.bench.MusicBench.suppliers(quick));
    // Lab 3: its workloads build their network on first run, so listing them here allocates nothing.
    org.introdl.xray.bench.XrayBench.workloads(quick).forEach(w -> all.add(() -> w));
    // Serving: each workload starts its server on its first run, so listing them here loads nothing.
    all.addAll(org.introdl.serving.bench.ServeBench.suppliers(quick));
    return all;
  }
}
