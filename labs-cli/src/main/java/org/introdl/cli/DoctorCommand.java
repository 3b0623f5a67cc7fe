package org.introdl.cli;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.Loader;
import org.introdl.core.LabPaths;
import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TF_DeviceList;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.global.tensorflow;
import picocli.CommandLine.Command;

/** {@code ./labs doctor}: what this machine runs the labs with, and what to do when something is missing. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = "Show Java, TensorFlow, natives, CPU features, devices and data folders; say what is missing.")
public final class DoctorCommand implements Callable<Integer> {
  /** The CPU features TensorFlow's x86 kernels are built for or dispatch on (oneDNN, Eigen). */
  private static final List<String> TF_CPU_FEATURES =
      List.of("sse4_1", "sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "avx_vnni",
          "amx_tile", "amx_bf16");

  @Override
  public Integer call() {
    List<String> advice = new ArrayList<>();
    row("Java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
    if (Runtime.version().feature() < 17) {
      advice.add("Java 17 or newer is needed: install a JDK 17+ and put it first on PATH (or set JAVA_HOME).");
    }
    row("TensorFlow", "TF Java 1.1.0, runtime " + TensorFlow.version());
    row("Native classifier", nativeClassifier());
    row("Native cache", nativeCache());
    Set<String> flags = cpuFlags();
    List<String> present = TF_CPU_FEATURES.stream().filter(flags::contains).toList();
    row("CPU", Runtime.getRuntime().availableProcessors() + " cores; features TF uses: "
        + (flags.isEmpty() ? "unknown (no /proc/cpuinfo)" : String.join(" ", present)));
    if (!flags.isEmpty() && !flags.contains("avx")) {
      advice.add("This CPU lacks AVX, which TensorFlow 2.18's CPU build requires.");
    }
    String oneDnn = System.getenv("TF_ENABLE_ONEDNN_OPTS");
    row("oneDNN", oneDnn == null ? "default (on for x86)" : "TF_ENABLE_ONEDNN_OPTS=" + oneDnn);
    boolean perSessionThreads = "true".equalsIgnoreCase(System.getenv("TF_OVERRIDE_GLOBAL_THREADPOOL"))
        || "1".equals(System.getenv("TF_OVERRIDE_GLOBAL_THREADPOOL"));
    row("Session threads", perSessionThreads ? "per session (TF_OVERRIDE_GLOBAL_THREADPOOL=true)"
        : "one pool sized by the first session");
    if (!perSessionThreads) {
      advice.add("Set TF_OVERRIDE_GLOBAL_THREADPOOL=true (./labs does) so music training runs its shards one thread"
          + " each, whatever ran first in the process.");
    }
    List<String> devices = devices();
    row("Devices", String.join(", ", devices));
    if (devices.stream().noneMatch(d -> d.contains("GPU"))) {
      advice.add("No GPU seen: that is fine for every lab. For CUDA 12 natives build with `./mvnw -Pgpu package`.");
    }
    row("Cache folder", describe(LabPaths.cacheDir()));
    row("Shared fixtures", LabPaths.sharedData().map(Path::toString).orElse("absent (tests that need them skip)"));
    row("Output folder", describe(LabPaths.defaultOutputDir()));
    if (!Files.isDirectory(LabPaths.cacheDir().resolve("music"))) {
      advice.add("Real lab songs are not downloaded: `./labs data fetch music` (the labs run without them).");
    }
    if (!Files.isDirectory(LabPaths.cacheDir().resolve("xray"))) {
      advice.add("Real x-rays are not downloaded: `./labs data fetch xray` (the labs run on synthetic phantoms).");
    }
    System.out.println();
    if (advice.isEmpty()) {
      System.out.println("All set.");
    } else {
      advice.forEach(a -> System.out.println("- " + a));
    }
    return 0;
  }

  private static String nativeCache() {
    try {
      return Loader.getCacheDir().getPath();
    } catch (IOException e) {
      return "unavailable (" + e.getMessage() + ")";
    }
  }

  private static void row(String name, String value) {
    System.out.printf(Locale.ROOT, "%-18s %s%n", name, value);
  }

  private static String describe(Path dir) {
    return dir + (Files.isDirectory(dir) ? "" : " (not created yet)");
  }

  /** The classifier of the native jar actually on the classpath, read from where its libraries are found. */
  static String nativeClassifier() {
    for (String c : List.of("linux-x86_64-gpu", "linux-x86_64", "linux-arm64", "macosx-arm64", "windows-x86_64")) {
      URL url = tensorflow.class.getResource("/org/tensorflow/internal/c_api/" + c + "/");
      if (url != null) {
        return c + " (" + url.getPath().replaceAll("!.*", "").replaceAll(".*/", "") + ")";
      }
    }
    return "unknown";
  }

  private static Set<String> cpuFlags() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("flags")) {
          return new TreeSet<>(List.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+")));
        }
      }
    } catch (IOException e) {
      // Not Linux: report the features as unknown.
    }
    return Set.of();
  }

  /** Devices a fresh TF session sees, through the C API (TF Java has no public call for it). */
  static List<String> devices() {
    List<String> out = new ArrayList<>();
    TF_Status status = TF_Status.newStatus();
    TF_Graph graph = tensorflow.TF_NewGraph();
    TF_SessionOptions opts = tensorflow.TF_NewSessionOptions();
    TF_Session session = tensorflow.TF_NewSession(graph, opts, status);
    try {
      TF_DeviceList list = tensorflow.TF_SessionListDevices(session, status);
      for (int i = 0; i < tensorflow.TF_DeviceListCount(list); i++) {
        String name = tensorflow.TF_DeviceListName(list, i, status).getString();
        long bytes = tensorflow.TF_DeviceListMemoryBytes(list, i, status);
        out.add(name.replaceAll(".*/device:", "") + (bytes > 0 ? String.format(Locale.ROOT, " %.1f GiB", bytes / 1073741824.0) : ""));
      }
      tensorflow.TF_DeleteDeviceList(list);
    } finally {
      tensorflow.TF_CloseSession(session, status);
      tensorflow.TF_DeleteSession(session, status);
      tensorflow.TF_DeleteSessionOptions(opts);
      tensorflow.TF_DeleteGraph(graph);
      status.close();
    }
    return out;
  }
}
