package org.introdl.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
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
import org.introdl.core.tune.KernelChoices;
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
    row("Memory", memory());
    row("Free disk", freeDisk(LabPaths.defaultOutputDir()) + " for outputs, " + freeDisk(LabPaths.cacheDir())
        + " for the cache");
    List<String> devices = devices();
    row("Devices", String.join(", ", devices));
    if (devices.stream().noneMatch(d -> d.contains("GPU"))) {
      advice.add("No GPU seen: that is fine for every lab. For CUDA 12 natives build with `./mvnw -Pgpu package`.");
    }
    row("Cache folder", describe(LabPaths.cacheDir()));
    kernelChoices().forEach(line -> row("Kernels", line));
    boolean songs = Files.isDirectory(LabPaths.cacheDir().resolve("music"));
    boolean xrays = Files.isDirectory(LabPaths.cacheDir().resolve("xray"));
    row("Lab 2 songs", songs ? "the lab's songs in the cache (" + LabPaths.cacheDir().resolve("music") + ")"
        : "built-in public-domain melodies (no download yet)");
    row("Lab 3 x-rays", xrays ? "real NIH x-rays in the cache (" + LabPaths.cacheDir().resolve("xray") + ")"
        : "synthetic phantoms (no download yet)");
    row("Shared fixtures", LabPaths.sharedData().map(p -> p + " (read by the tests, not by the labs)")
        .orElse("absent (tests that need them skip)"));
    row("Output folder", describe(LabPaths.defaultOutputDir()));
    String nativeLog = System.getProperty("introdl.native.log");
    row("TensorFlow log", nativeLog != null ? nativeLog + " (--verbose shows it on the terminal instead)"
        : "on the terminal");
    if (!songs) {
      advice.add("Real lab songs are not downloaded: `./labs data fetch music` (needs network access to GitHub;"
          + " the labs run without them).");
    }
    if (!xrays) {
      advice.add("Real x-rays are not downloaded: `./labs data fetch xray` (needs network access to GitHub,"
          + " where the images are pinned; the labs run on synthetic phantoms).");
    }
    System.out.println();
    if (advice.isEmpty()) {
      System.out.println("All set.");
    } else {
      advice.forEach(a -> System.out.println("- " + a));
    }
    return 0;
  }

  /** The kernels measured fastest on this machine (one line each), or a line saying none has been measured. */
  static List<String> kernelChoices() {
    List<KernelChoices.Choice> stored = KernelChoices.inCache().forThisMachine();
    if (stored.isEmpty()) {
      return List.of("none measured yet; the first x-ray run measures them");
    }
    return stored.stream().map(c -> {
      StringBuilder times = new StringBuilder();
      c.ms().forEach((k, ms) -> times.append(String.format(Locale.ROOT, "%s%s %.1f ms", times.isEmpty() ? "" : ", ",
          k, ms)));
      return c.what() + " at " + c.shape() + ": " + c.winner() + " (" + times + ")";
    }).toList();
  }

  /** The machine's memory: total and available (Linux's MemAvailable where there is one), and the JVM's heap limit. */
  static String memory() {
    long total = -1;
    long available = -1;
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      total = os.getTotalMemorySize();
      available = os.getFreeMemorySize();
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemAvailable:")) {
          available = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException notLinux) {
      // the bean's free memory stands
    }
    return (total > 0 ? gib(total) + " RAM, " + gib(available) + " available; " : "")
        + "Java heap up to " + gib(Runtime.getRuntime().maxMemory());
  }

  /** Usable space on the file system that holds {@code dir} (or its nearest existing parent). */
  static String freeDisk(Path dir) {
    Path existing = dir.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    try {
      return existing == null ? "unknown" : gib(Files.getFileStore(existing).getUsableSpace());
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.1f GiB", bytes / 1073741824.0);
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
        // For the CPU this is an allocator setting, not the machine's memory (shown above): accelerators only.
        boolean cpu = name.contains("device:CPU");
        out.add(name.replaceAll(".*/device:", "") + (bytes > 0 && !cpu ? " " + gib(bytes) : ""));
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
