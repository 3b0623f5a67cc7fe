package org.introdl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
import org.introdl.core.bench.BenchRunner;
import org.introdl.core.bench.BenchRunner.Timing;
import org.introdl.core.bench.BenchWorkload;
import org.introdl.core.bench.MatMulPeak;
import org.introdl.core.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./labs bench}: times the labs' real workloads and prints a table: median, min and max milliseconds, achieved
 * GFLOP/s, the share of this machine's float32 peak (a large MatMul measured in the same run) and the ratio to each
 * workload's baseline (the straightforward graph, measured in the same run).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmark the labs' workloads on this machine (not part of the tests).")
public final class BenchCommand implements Callable<Integer> {
  @Option(names = "--quick", description = "Fewer runs and a smaller peak MatMul (a smoke test, not a measurement).")
  boolean quick;

  @Option(names = "--runs", description = "Timed runs per workload (default 20; 5 with --quick).")
  Integer runs;

  @Option(names = "--only", description = "Only workloads whose name contains this text (e.g. W1).")
  String only;

  @Option(names = "--out", description = "Also write the results as JSON to this file.")
  Path out;

  @Override
  public Integer call() {
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
    printTable(timings, peak);
    if (out != null) {
      writeJson(timings, peak);
    }
    return 0;
  }

  private static void printTable(List<Timing> timings, Timing peak) {
    System.out.println("machine: " + machine());
    System.out.printf(Locale.ROOT, "%-58s %10s %10s %10s %9s %7s %9s%n",
        "workload", "median ms", "min ms", "max ms", "GFLOP/s", "% peak", "vs base");
    Map<String, Timing> byName = new LinkedHashMap<>();
    timings.forEach(t -> byName.put(t.name(), t));
    for (Timing t : timings) {
      double gflops = t.gflops();
      Timing base = t.baseline() == null ? null : byName.get(t.baseline());
      System.out.printf(Locale.ROOT, "%-58s %10.2f %10.2f %10.2f %9s %7s %9s%n", t.name(), t.medianMs(), t.minMs(),
          t.maxMs(), Double.isNaN(gflops) ? "-" : String.format(Locale.ROOT, "%.1f", gflops),
          Double.isNaN(gflops) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * gflops / peak.gflops()),
          base == null ? "-" : String.format(Locale.ROOT, "%.2fx", t.medianMs() / base.medianMs()));
    }
  }

  private void writeJson(List<Timing> timings, Timing peak) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("machine", machine());
    doc.put("peak_gflops", peak.gflops());
    doc.put("workloads", timings);
    try {
      byte[] bytes = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(doc);
      AtomicFiles.writeBytes(out, bytes);
    } catch (IOException e) {
      throw new org.introdl.core.UserError(out + ": cannot write results (" + e.getMessage() + ")");
    }
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
