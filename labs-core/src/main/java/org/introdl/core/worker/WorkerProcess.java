package org.introdl.core.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.introdl.core.io.AtomicFiles;

/**
 * One child JVM that runs TensorFlow for a model from a stranger, under limits the operating system enforces. No
 * scan can see every CHECK in TensorFlow's kernels or every way to make it allocate; this process is what a crash,
 * an allocation or an endless loop takes down instead of the command.
 *
 * <ul>
 *   <li><b>memory</b>: the parent reads the child's resident memory from {@code /proc} every {@link #POLL} and kills
 *       it (SIGKILL) once it reaches the budget less a {@link #guardBand guard band}; a loose address-space limit
 *       ({@code RLIMIT_AS}, {@link #VIRTUAL_PER_BUDGET} times the budget) makes one absurd allocation fail at once.
 *       The JVM is sized to fit (a heap of a quarter of the budget, small code and class spaces, two malloc
 *       arenas).</li>
 *   <li><b>time</b>: from the moment the child has loaded TensorFlow (before it reads the model, so graph import and
 *       shape inference count), the parent kills it at the deadline; nothing is asked of it. A CPU-time limit backs
 *       this up should the parent die, and the child halts when its stdin (held by the parent) closes.</li>
 *   <li><b>crashes</b>: {@code -XX:ErrorFile} and the native log go into a temporary folder that is the child's
 *       working directory, core dumps are off; the folder is read for the reason and deleted.</li>
 *   <li><b>secrets</b>: the child's environment is built from nothing: only what Java and TensorFlow need
 *       ({@link #PASSED_ENVIRONMENT}).</li>
 * </ul>
 *
 * The child is {@code java MAIN ARGS} with this JVM's class path and {@code -D}{@value #WORKER_PROPERTY}; its
 * stdout is kept until it ends, its own stderr (descriptor 3, as the {@code ./labs} launcher arranges) is streamed,
 * and TensorFlow's native log (descriptor 2) goes to the log file of the launcher, never to the terminal. A server
 * keeps a child alive instead ({@link #start}): the same limits and clean-up, its stdin and stdout the channel.
 */
public final class WorkerProcess {
  /** System property set in the child: it is the worker, so it runs the model itself. */
  public static final String WORKER_PROPERTY = "introdl.worker";
  /** How often the parent reads the child's memory and clock. */
  static final Duration POLL = Duration.ofMillis(5);
  /**
   * The most a child may take to start the JVM and load TensorFlow, before the model's own clock starts; generous,
   * as the first run on a machine unpacks TensorFlow's library (some 650 MB).
   */
  static final Duration STARTUP_LIMIT = Duration.ofMinutes(5);
  /**
   * Address space the child may map: this many times its budget, plus {@link #VIRTUAL_ALLOWANCE}. TensorFlow maps far
   * more than it touches (a JVM with TensorFlow loaded maps 1.26 GB and uses 0.36 GB; filling and summing a 1.34 GB
   * tensor took the mapping to 5.2 GB), so the limit is loose: it only makes an allocation absurdly past the budget
   * fail at once, while resident memory is what the budget counts.
   */
  static final int VIRTUAL_PER_BUDGET = 8;
  /** Address space on top: the runtime's own mappings (library, reserved heap and code space, thread stacks). */
  static final long VIRTUAL_ALLOWANCE = 2L << 30;
  /** Environment variables the child gets (when the parent has them); nothing else is inherited. */
  static final List<String> PASSED_ENVIRONMENT = List.of("HOME", "USER", "LANG", "LC_ALL", "LC_CTYPE", "TZ",
      "LD_LIBRARY_PATH", "CUDA_VISIBLE_DEVICES", "OMP_NUM_THREADS", "TF_CPP_MIN_LOG_LEVEL", "TF_CPP_MAX_VLOG_LEVEL",
      "TF_ENABLE_ONEDNN_OPTS", "TF_OVERRIDE_GLOBAL_THREADPOOL", "TF_NUM_INTEROP_THREADS", "TF_NUM_INTRAOP_THREADS",
      "INTRODL_CACHE", "INTRODL_SHARED_DATA", "INTRODL_PROGRESS", "CI");
  private static final String READY_FILE = "ready";
  private static final String NATIVE_LOG = "native.log";
  private static final String STDOUT_FILE = "stdout";

  /**
   * What to start.
   *
   * @param mainClass the child's main class, run with {@code args}
   * @param memoryBudgetBytes the most resident memory the whole child (JVM and TensorFlow) may use
   * @param timeout how long the child may run once TensorFlow is loaded (zero: no limit)
   * @param nativeLogToStderr TensorFlow's log on the child's stderr ({@code --verbose}) instead of the log file
   */
  public record Launch(String mainClass, List<String> args, long memoryBudgetBytes, Duration timeout,
      boolean nativeLogToStderr) {}

  /** How the child ended. */
  public enum Ending {
    /** It exited by itself, with its own exit code. */
    EXITED,
    /** It crashed (a signal, a fatal JVM error): TensorFlow aborted or faulted. */
    CRASHED,
    /** It reached its memory budget and was killed. */
    OVER_MEMORY,
    /** It ran past its time limit and was killed. */
    TIMED_OUT
  }

  /**
   * The child's end.
   *
   * @param exitCode its exit code when it {@link Ending#EXITED}
   * @param stdout everything it printed on stdout
   * @param crashReason for a crash, TensorFlow's or the JVM's own words (a failed CHECK, a signal), else empty
   * @param peakResidentBytes the most resident memory seen (polled)
   * @param startup from start to TensorFlow loaded in the child (zero if it never got there)
   * @param wall from start to end
   */
  public record Exit(Ending ending, int exitCode, String stdout, String crashReason, long peakResidentBytes,
      Duration startup, Duration wall) {}

  private WorkerProcess() {}

  /** True in the child: the JVM was started by {@link #run} to do the work itself. */
  public static boolean inWorker() {
    return Boolean.getBoolean(WORKER_PROPERTY);
  }

  /**
   * Child side, called before the model is touched: loads TensorFlow, tells the parent (whose clock then starts)
   * and halts this JVM when the parent goes away (its end of stdin closes).
   */
  public static void announceReady() {
    org.tensorflow.TensorFlow.version();
    Thread orphanWatch = new Thread(WorkerProcess::haltWhenParentGoes, "worker-parent-watch");
    orphanWatch.setDaemon(true);
    orphanWatch.start();
    signalReady();
  }

  /**
   * Child side of a {@link #start long-lived} worker, whose stdin is its request channel: loads TensorFlow and tells
   * the parent. The caller reads stdin and must halt this JVM when it ends (the parent is gone).
   */
  public static void announceReadyToServe() {
    org.tensorflow.TensorFlow.version();
    signalReady();
  }

  private static void signalReady() {
    try {
      Files.createFile(Path.of(READY_FILE));
    } catch (IOException e) {
      throw new UncheckedIOException("worker: cannot signal readiness in its working folder", e);
    }
  }

  /**
   * Starts the child, streams each line of its own stderr to {@code stderrLines}, enforces the limits and returns
   * how it ended. Its temporary folder (working directory, crash reports, native log) is gone afterwards.
   */
  public static Exit run(Launch launch, Consumer<String> stderrLines) {
    Spawn spawn = spawn(launch, true);
    try {
      Thread pump = pump(spawn.child(), stderrLines);
      Watch watch = watch(spawn, launch);
      pump.join();
      String stdout = new String(Files.readAllBytes(spawn.folder().resolve(STDOUT_FILE)), StandardCharsets.UTF_8);
      return exit(spawn, watch, stdout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new org.introdl.core.UserError("interrupted");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      spawn.cleanUp();
    }
  }

  /**
   * Starts a child that lives until it is {@link Running#close closed} or dies, for a serving loop: its stdin and
   * stdout are the parent's channel to it, its stderr is streamed to {@code stderrLines}. The same limits apply for
   * its whole life (memory polled and killed at the budget; {@code launch.timeout()} counted from ready, usually
   * zero here, the parent giving each request its own deadline); {@link Running#exit} completes with how it ended,
   * once its temporary folder is gone.
   */
  public static Running start(Launch launch, Consumer<String> stderrLines) {
    Spawn spawn = spawn(launch, false);
    Thread pump = pump(spawn.child(), stderrLines);
    CompletableFuture<Exit> ended = new CompletableFuture<>();
    Thread watcher = new Thread(() -> {
      Exit exit;
      try {
        Watch watch = watch(spawn, launch);
        pump.join();
        exit = exit(spawn, watch, "");
      } catch (InterruptedException | RuntimeException e) {
        exit = new Exit(Ending.CRASHED, -1, "", "the worker's watch stopped (" + e + ")", 0, Duration.ZERO,
            Duration.ofNanos(System.nanoTime() - spawn.start()));
      } finally {
        spawn.cleanUp();
      }
      // Only now: whoever waits on the end may count on the folder being gone.
      ended.complete(exit);
    }, "worker-watch-" + spawn.child().pid());
    watcher.setDaemon(true);
    watcher.start();
    return new Running(spawn.child(), ended);
  }

  /**
   * A child just started in its own temporary folder (its working directory), with shutdown hooks that kill it and
   * delete the folder should this JVM exit first.
   *
   * @param start {@link System#nanoTime} just before the child started
   */
  private record Spawn(Path folder, Process child, long start, Thread folderHook, Thread childHook) {
    /** Kills the child if it still runs, keeps its native log, deletes its folder and drops the hooks. */
    void cleanUp() {
      child.destroyForcibly();
      keepNativeLog(folder.resolve(NATIVE_LOG));
      AtomicFiles.deleteTreeQuietly(folder);
      removeHook(childHook);
      removeHook(folderHook);
    }
  }

  /** Starts the child under the limits, in a fresh folder; its stdout goes to a file there or stays a pipe. */
  private static Spawn spawn(Launch launch, boolean stdoutToFile) {
    Path folder;
    try {
      folder = Files.createTempDirectory("introdl-worker-");
    } catch (IOException e) {
      throw new UncheckedIOException("worker: cannot create its temporary folder", e);
    }
    Thread folderHook = new Thread(() -> AtomicFiles.deleteTreeQuietly(folder));
    Runtime.getRuntime().addShutdownHook(folderHook);
    ProcessBuilder pb = new ProcessBuilder(command(launch, folder)).directory(folder.toFile());
    if (stdoutToFile) {
      pb.redirectOutput(folder.resolve(STDOUT_FILE).toFile());
    }
    pb.environment().clear();
    pb.environment().putAll(environment(System.getenv(), folder));
    long start = System.nanoTime();
    Process child;
    try {
      child = pb.start();
    } catch (IOException e) {
      AtomicFiles.deleteTreeQuietly(folder);
      removeHook(folderHook);
      throw new UncheckedIOException("worker: cannot start a JVM", e);
    }
    Thread childHook = new Thread(child::destroyForcibly);
    Runtime.getRuntime().addShutdownHook(childHook);
    return new Spawn(folder, child, start, folderHook, childHook);
  }

  /** A {@link #start started} child: its channel, and how it ended once it has. */
  public static final class Running implements AutoCloseable {
    /** How long a closed child may take to notice its stdin ended before it is killed. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    private final Process child;
    private final CompletableFuture<Exit> ended;

    private Running(Process child, CompletableFuture<Exit> ended) {
      this.child = child;
      this.ended = ended;
    }

    /** What the parent writes to the child (its stdin). */
    public OutputStream toChild() {
      return child.getOutputStream();
    }

    /** What the child writes to the parent (its stdout). */
    public InputStream fromChild() {
      return child.getInputStream();
    }

    /** Completes when the child has ended and its folder is gone. */
    public CompletableFuture<Exit> exit() {
      return ended;
    }

    /** Kills the child now (SIGKILL); {@link #exit} then says it exited by a signal. */
    public void kill() {
      child.destroyForcibly();
    }

    /** Ends the child: its stdin closes (it halts), then SIGKILL if it has not after a grace; waits for the end. */
    @Override
    public void close() {
      try {
        child.getOutputStream().close();
      } catch (IOException e) {
        // already gone
      }
      try {
        if (!child.waitFor(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          child.destroyForcibly();
        }
        ended.get(CLOSE_GRACE.toMillis() * 5, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        child.destroyForcibly();
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        child.destroyForcibly();
      }
    }
  }

  /** How a child that has ended ended: killed by the watch, crashed (its folder says why), or exited. */
  private static Exit exit(Spawn spawn, Watch watch, String stdout) {
    Process child = spawn.child();
    Duration wall = Duration.ofNanos(System.nanoTime() - spawn.start());
    Ending ending = watch.killedFor;
    String reason = "";
    if (ending == null) {
      reason = CrashReports.reason(spawn.folder(), NATIVE_LOG, child.exitValue());
      ending = reason.isEmpty() ? Ending.EXITED : CrashReports.isMemory(reason) ? Ending.OVER_MEMORY
          : Ending.CRASHED;
    }
    return new Exit(ending, child.exitValue(), stdout, reason, watch.peakResident, watch.startup, wall);
  }

  /** What the watch saw: the limit it killed the child for (null: it ended by itself), peak memory, startup. */
  private record Watch(Ending killedFor, long peakResident, Duration startup) {}

  private static Watch watch(Spawn spawn, Launch launch) throws InterruptedException {
    Process child = spawn.child();
    Path readyFile = spawn.folder().resolve(READY_FILE);
    long start = spawn.start();
    long killAt = launch.memoryBudgetBytes() - guardBand(launch.memoryBudgetBytes());
    long peak = 0;
    long readyAt = 0;
    while (!child.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
      ResidentMemory.Sample m = ResidentMemory.of(child.pid());
      peak = Math.max(peak, m.peakBytes());
      long now = System.nanoTime();
      Ending over = null;
      if (m.residentBytes() >= killAt) {
        over = Ending.OVER_MEMORY;
      } else if (readyAt == 0 && Files.exists(readyFile)) {
        readyAt = now;
      } else if (readyAt == 0 && now - start > STARTUP_LIMIT.toNanos()) {
        over = Ending.TIMED_OUT;
      } else if (readyAt != 0 && !launch.timeout().isZero() && now - readyAt > launch.timeout().toNanos()) {
        over = Ending.TIMED_OUT;
      }
      if (over != null) {
        child.destroyForcibly().waitFor();
        return new Watch(over, peak, startup(start, readyAt));
      }
    }
    return new Watch(null, peak, startup(start, readyAt));
  }

  /**
   * How far below the budget the child is killed: what a model can add in one poll. TensorFlow fills a fresh
   * tensor at up to about 4 GB/s per core here, so 5 ms is some 20 MB; 32 MiB, or 1/16 of a small budget.
   */
  static long guardBand(long budget) {
    return Math.min(32L << 20, budget / 16);
  }

  private static Duration startup(long start, long readyAt) {
    return readyAt == 0 ? Duration.ZERO : Duration.ofNanos(readyAt - start);
  }

  /** {@code sh -c 'ulimit ...; exec java ... 3>&2 2>>native.log'}: the limits, then the JVM in the same process. */
  static List<String> command(Launch launch, Path folder) {
    long budget = launch.memoryBudgetBytes();
    long addressSpaceKb = (VIRTUAL_PER_BUDGET * budget + VIRTUAL_ALLOWANCE) >> 10;
    // The backstops may exceed a hard limit the user's shell already set; then that limit stays, which is fine.
    StringBuilder script = new StringBuilder("ulimit -c 0; ulimit -v ").append(addressSpaceKb)
        .append(" 2>/dev/null; ");
    if (!launch.timeout().isZero()) {
      long cpuSeconds = (launch.timeout().plus(STARTUP_LIMIT).toSeconds() + 1)
          * Runtime.getRuntime().availableProcessors();
      script.append("ulimit -t ").append(cpuSeconds).append(" 2>/dev/null; ");
    }
    script.append("exec \"$0\" \"$@\" 3>&2").append(launch.nativeLogToStderr() ? "" : " 2>>" + NATIVE_LOG);
    List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", script.toString(),
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(jvmOptions(budget, folder));
    cmd.add(launch.mainClass());
    cmd.addAll(launch.args());
    return cmd;
  }

  /** The child JVM's options: sized for the budget, crash files in the folder, this JVM's class path and opens. */
  static List<String> jvmOptions(long budget, Path folder) {
    List<String> options = new ArrayList<>(List.of("-Xmx" + (heapBytes(budget) >> 20) + "m",
        "-XX:ReservedCodeCacheSize=64m", "-XX:CompressedClassSpaceSize=64m", "-XX:MaxMetaspaceSize=192m",
        "-XX:+UseSerialGC", "-Xss1m",
        "-XX:ErrorFile=" + folder.resolve("hs_err_pid%p.log"), "-XX:-CreateCoredumpOnCrash",
        "-Djava.io.tmpdir=" + folder, "-Djava.awt.headless=true", "-D" + WORKER_PROPERTY + "=true",
        "-Dintrodl.stderr.fd=3"));
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-exports") || arg.startsWith("--add-opens") || arg.startsWith("-Dintrodl.repo.root=")) {
        options.add(arg);
      }
    }
    options.add("-cp");
    options.add(absoluteClassPath(System.getProperty("java.class.path")));
    return options;
  }

  /** The class path with each entry absolute: the child's working directory is its own folder, not this one's. */
  static String absoluteClassPath(String classPath) {
    return java.util.Arrays.stream(classPath.split(java.io.File.pathSeparator)).filter(e -> !e.isEmpty())
        .map(e -> Path.of(e).toAbsolutePath().toString()).collect(java.util.stream.Collectors.joining(
            java.io.File.pathSeparator));
  }

  /** The child's Java heap: a quarter of the budget (inputs and outputs as arrays), at least 96 MiB. */
  static long heapBytes(long budget) {
    return Math.max(96L << 20, budget / 4);
  }

  /** The child's whole environment: {@link #PASSED_ENVIRONMENT} from the parent's, plus its own temp folder. */
  static Map<String, String> environment(Map<String, String> parent, Path folder) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", "/usr/bin:/bin");
    for (String name : PASSED_ENVIRONMENT) {
      if (parent.containsKey(name)) {
        env.put(name, parent.get(name));
      }
    }
    env.putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "1");
    env.put("TMPDIR", folder.toString());
    // glibc gives each thread that allocates its own 64 MB arena of address space; two are plenty for a model run.
    env.put("MALLOC_ARENA_MAX", "2");
    return env;
  }

  private static Thread pump(Process child, Consumer<String> lines) {
    Thread t = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getErrorStream(),
          StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.accept(line);
        }
      } catch (IOException e) {
        // The child died mid-line: what it said so far was passed on.
      }
    }, "worker-stderr");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Appends the child's TensorFlow log to the launcher's log file ({@code introdl.native.log}), if there is one. */
  private static void keepNativeLog(Path childLog) {
    String target = System.getProperty("introdl.native.log");
    if (target == null || target.isBlank() || !Files.isRegularFile(childLog)) {
      return;
    }
    try {
      Files.write(Path.of(target), Files.readAllBytes(childLog), StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException | RuntimeException e) {
      // The log is a convenience; the command's result does not depend on it.
    }
  }

  private static void haltWhenParentGoes() {
    try {
      while (System.in.read() >= 0) {
        // the parent writes nothing; only the end of the stream matters
      }
    } catch (IOException e) {
      // a broken pipe is the parent gone, too
    }
    Runtime.getRuntime().halt(1);
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to: nothing to remove
    }
  }
}
