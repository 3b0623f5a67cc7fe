package org.introdl.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.introdl.core.bench.BenchComparison;
import org.introdl.core.bench.BenchRun;
import org.introdl.core.bench.BenchRunner;
import org.introdl.core.bench.BenchRunner.Timing;
import org.introdl.core.bench.BenchWorkload;
import org.introdl.core.bench.MatMulPeak;
import org.introdl.core.cli.Cli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./labs bench}: times the labs' real workloads and prints a table: median, min and max milliseconds, achieved
 * GFLOP/s, the share of this machine's float32 peak (a large MatMul measured in the same run) and the ratio to each
 * workload's baseline (the straightforward graph, measured in the same run). With {@code --compare FILE.json} it then
 * prints the run beside a saved one (another machine's, or PyTorch's on this machine) as ratios; {@code --from}
 * takes this side from a saved run instead of measuring.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmark the labs' workloads on this machine (not part of the tests).")
public final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--quick", description = "Fewer runs and a smaller peak MatMul (a smoke test, not a measurement).")
  boolean quick;

  @Option(names = "--runs", description = "Timed runs per workload (default 20; 5 with --quick).")
  Integer runs;

  @Option(names = "--only", description = "Only workloads whose name contains this text (e.g. W1).")
  String only;

  @Option(names = "--out", description = "Also write the results as JSON to this file.")
  Path out;

  @Option(names = "--compare", paramLabel = "FILE.json",
      description = "Then print this run beside a saved one (from --out, or docs/bench/pytorch_bench.py), as ratios.")
  Path compare;

  @Option(names = "--from", paramLabel = "RUN.json",
      description = "Take this side from a saved run instead of running the bench (with --compare: two files).")
  Path from;

  @Override
  public Integer call() {
    if (from != null && (quick || runs != null || only != null || out != null)) {
      throw Cli.badValue(spec, "--from reads a saved run: --quick, --runs, --only and --out apply to a run made here");
    }
    if (runs != null && runs < 1) {
      throw Cli.badValue(spec, "--runs must be at least 1, not " + runs);
    }
    // The saved run is read first, so that a mistake in it costs no benchmark.
    BenchRun saved = compare == null ? null : BenchRun.read(compare);
    BenchRun here;
    if (from == null) {
      here = measure();
      printTable(here);
      if (out != null) {
        here.write(out);
      }
    } else {
      here = BenchRun.read(from);
      if (saved == null) {
        printTable(here); // --from alone shows a saved run's table
      }
    }
    if (saved != null) {
      printComparison(BenchComparison.of(here, saved), from == null ? null : from.toString(), compare.toString());
    }
    return 0;
  }

  /** Runs every workload (those matching --only) after the peak MatMul, then the start-up timing. */
  private BenchRun measure() {
    int timedRuns = runs != null ? runs : quick ? 5 : 20;
    int warmup = quick ? 1 : 3;
    List<Timing> timings = new ArrayList<>();
    Timing peak;
    try (BenchWorkload matmul = new MatMulPeak(quick ? 1024 : 2048, null)) {
      peak = BenchRunner.time(matmul, warmup, timedRuns);
    }
    timings.add(peak);
    for (Supplier<BenchWorkload> supplier : BenchRegistry.suppliers(quick)) {
      try (BenchWorkload w = supplier.get()) {
        if (only != null && !w.name().contains(only)) {
          continue;
        }
        System.err.println("timing " + w.name() + " ...");
        timings.add(BenchRunner.time(w, warmup, timedRuns));
      }
    }
    Timing startup = startupTiming(quick ? 3 : 5);
    if (startup != null) {
      timings.add(startup);
    }
    return new BenchRun(machine(), peak.gflops(), timings);
  }

  private static void printTable(BenchRun run) {
    System.out.println("machine: " + run.machine());
    System.out.printf(Locale.ROOT, "%-58s %10s %10s %10s %9s %7s %9s%n",
        "workload", "median ms", "min ms", "max ms", "GFLOP/s", "% peak", "vs base");
    Map<String, Timing> byName = new LinkedHashMap<>();
    run.workloads().forEach(t -> byName.put(t.name(), t));
    for (Timing t : run.workloads()) {
      double gflops = t.gflops();
      Timing base = t.baseline() == null ? null : byName.get(t.baseline());
      double share = 100 * gflops / run.peakGflops();
      System.out.printf(Locale.ROOT, "%-58s %10s %10s %10s %9s %7s %9s%n", t.name(), number("%.2f", t.medianMs()),
          number("%.2f", t.minMs()), number("%.2f", t.maxMs()), number("%.1f", gflops), number("%.0f%%", share),
          base == null ? "-" : ratio(t.medianMs() / base.medianMs()));
    }
  }

  /**
   * The comparison: both machines with their peaks, then one row per workload with both medians and their ratio; a
   * workload one side lacks shows "-" and says which side. {@code hereFile} is null for a run measured just now.
   */
  private static void printComparison(BenchComparison c, String hereFile, String savedFile) {
    if (hereFile == null) {
      System.out.println(); // below this run's own table
    }
    System.out.println("this:  " + c.here().machine() + ", peak " + gflops(c.here().peakGflops())
        + (hereFile == null ? "" : " (" + hereFile + ")"));
    System.out.println("saved: " + c.saved().machine() + ", peak " + gflops(c.saved().peakGflops()) + " (" + savedFile
        + ")");
    double peak = c.peakRatio();
    System.out.println(Double.isNaN(peak) ? "raw speed: unknown (a run without peak_gflops)"
        : String.format(Locale.ROOT, "raw speed: this peak is %s the saved one (a workload bound by it alone would"
            + " take %s the saved time)%s", ratio(peak), ratio(1 / peak),
            c.samePeakWorkload() ? "" : "\n  (rough: the two peaks come from different MatMuls, see the peak rows)"));
    System.out.println("ratio = this median / saved median: under 1x is faster here");
    System.out.printf(Locale.ROOT, "%-58s %10s %10s %8s%n", "workload", "this ms", "saved ms", "ratio");
    int onlyHere = 0;
    int onlySaved = 0;
    for (BenchComparison.Row r : c.rows()) {
      if (r.here() == null || r.saved() == null) {
        onlyHere += r.saved() == null ? 1 : 0;
        onlySaved += r.here() == null ? 1 : 0;
        continue;
      }
      System.out.printf(Locale.ROOT, "%-58s %10s %10s %8s%n", r.name(), millis(r.here()), millis(r.saved()),
          ratio(r.ratio()));
    }
    // Rows one side lacks (this project's levers, which a PyTorch run has not) are counted, not listed.
    if (onlyHere > 0) {
      System.out.println("not compared: " + workloads(onlyHere) + " only in " + (hereFile == null ? "this run" : hereFile));
    }
    if (onlySaved > 0) {
      System.out.println("not compared: " + workloads(onlySaved) + " only in " + savedFile);
    }
  }

  private static String workloads(int n) {
    return n + (n == 1 ? " workload" : " workloads");
  }

  private static String millis(Timing t) {
    return t == null ? "-" : number("%.2f", t.medianMs());
  }

  /** {@code value} in {@code format}, or "-" for NaN (a number the workload or the saved file does not give). */
  private static String number(String format, double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, format, value);
  }

  private static String gflops(double value) {
    return Double.isNaN(value) ? "unknown" : String.format(Locale.ROOT, "%.1f GFLOP/s", value);
  }

  private static String ratio(double value) {
    return String.format(Locale.ROOT, "%.2fx", value);
  }

  /**
   * Start-up: a fresh JVM running {@code ./labs basics graph}, timed until its first Lab 1 result line appears. The
   * native library is already extracted by then (this JVM loaded it).
   */
  private static Timing startupTiming(int n) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = List.of(java, "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
        LabsMain.class.getName(), "basics", "graph");
    double[] ms = new double[n];
    try {
      for (int i = 0; i < n; i++) {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "1");
        long t0 = System.nanoTime();
        Process p = pb.start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null && !line.contains("Tensor(")) {
            // wait for the first result
          }
          ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        p.waitFor();
      }
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    Arrays.sort(ms);
    return new Timing("start-up: JVM start to first Lab 1 result", ms[n / 2], ms[0], ms[n - 1], n, 0, null);
  }

  static String machine() {
    String model = "unknown CPU";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          model = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException e) {
      // keep "unknown CPU"
    }
    return model + ", " + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name")
        + ", Java " + System.getProperty("java.version") + ", TensorFlow " + org.tensorflow.TensorFlow.version();
  }
}
