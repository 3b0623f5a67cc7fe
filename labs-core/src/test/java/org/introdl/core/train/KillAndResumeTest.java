package org.introdl.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.introdl.core.io.AtomicFiles;
import org.introdl.core.optim.Momentum;
import org.introdl.core.testing.TensorBoardEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The shared training loop survives the two ways a long run ends early. SIGKILL (a crash, the OOM killer, a closed
 * laptop): a child JVM training a tiny linear model is killed mid-run, resumed, and ends exactly as a run never
 * killed: the same variables bit for bit, each step once in the metrics files and the TensorBoard events. Ctrl-C:
 * the run stops after the step in progress with its checkpoint, the chart and the command that continues it.
 *
 * <p>The labs only check that they plug into this loop (train, resume in-process, equal to a straight run).
 */
class KillAndResumeTest {
  static final int STEPS = 300;
  static final int CHECKPOINT_EVERY = 20;
  /** The child's pace: a step of this model takes well under a millisecond, too fast to kill between checkpoints. */
  static final int CHILD_MS_PER_STEP = 5;
  static final String COMMAND = "./labs tiny train";
  private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());
  private static final float[] TRUE_WEIGHTS = {1f, -2f, 0.5f, 3f};
  private static final int BATCH = 8;

  @TempDir Path tmp;

  /** The child JVM: args = run folder, steps. */
  public static void main(String[] args) {
    train(Path.of(args[0]), Long.parseLong(args[1]), false, CHILD_MS_PER_STEP, System.out);
  }

  /** What a run left in memory: its outcome and its final variables (weights, bias, their momentum slots). */
  record Trained(TrainingRun.Outcome outcome, float[] variables) {}

  /**
   * Trains y = x w + b with momentum SGD for {@code steps} steps through {@link TrainingRun}. Step s's batch is drawn
   * from a generator seeded with s, as a lab's sampler skips to the resumed step: the run depends on nothing but
   * the step number and the checkpointed variables.
   */
  static Trained train(Path out, long steps, boolean resume, PrintStream console) {
    return train(out, steps, resume, 0, console);
  }

  /** As above, each step lasting at least {@code msPerStep}: the numbers are the same at any pace. */
  static Trained train(Path out, long steps, boolean resume, int msPerStep, PrintStream console) {
    TrainingRun.Plan plan = new TrainingRun.Plan("tiny", "Tiny linear model", COMMAND, out, steps, CHECKPOINT_EVERY,
        3, 0, resume);
    RunManifest manifest = RunManifest.of("tiny", new Settings(0.01f, 0.5f, BATCH),
        DataFingerprint.synthetic("seeded linear data", 1000, BATCH));
    TrainingRun run = TrainingRun.start(plan, manifest, console);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(BATCH, 4)));
      Placeholder<TFloat32> y = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(BATCH, 1)));
      Variable<TFloat32> w = tf.withName("w").variable(tf.constant(initialWeights()));
      Variable<TFloat32> b = tf.withName("b").variable(tf.constant(new float[] {0.1f}));
      Operand<TFloat32> error = tf.math.sub(tf.math.add(tf.linalg.matMul(x, tf.identity(w)), tf.identity(b)), y);
      Operand<TFloat32> loss = tf.math.mean(tf.math.mul(error, error), tf.constant(new int[] {0, 1}));
      Operand<TFloat32> accuracy = tf.math.mean(tf.dtypes.cast(tf.math.less(tf.math.abs(error), tf.constant(0.5f)),
          TFloat32.class), tf.constant(new int[] {0, 1}));
      Momentum update = Momentum.minimize(tf, loss, List.of(w, b), 0.01f, 0.5f, false);
      try (Session session = new Session(g)) {
        long start = run.restoreOrInitialize(session);
        TrainingRun.Outcome outcome = run.loop(session, start, step -> {
          pause(msPerStep);
          float[][][] batch = batch(step);
          try (TFloat32 xs = TFloat32.tensorOf(StdArrays.ndCopyOf(batch[0]));
              TFloat32 ys = TFloat32.tensorOf(StdArrays.ndCopyOf(batch[1]));
              Result r = session.runner().feed(x, xs).feed(y, ys).fetch(loss).fetch(accuracy)
                  .addTarget(update.update()).run()) {
            return StepMetrics.of(((TFloat32) r.get(0)).getFloat(), ((TFloat32) r.get(1)).getFloat());
          }
        });
        List<String> names = List.of("w", "b", "w/" + Momentum.SLOT, "b/" + Momentum.SLOT);
        return new Trained(outcome, variables(session, names));
      }
    }
  }

  /** The model's settings, as {@code run.json} records them. */
  record Settings(float lr, float momentum, int batch) {}

  @Test
  void aRunKilledMidRunResumesToTheVariablesAndFilesOfARunNeverKilled() throws Exception {
    Path killed = tmp.resolve("killed");
    Path log = tmp.resolve("killed.log");
    Process child = child(List.of(), killed, STEPS, log);
    try {
      // Step 45 logged: checkpoints 20 and 40 are complete (each is saved before the next step runs), and the kill
      // lands between two checkpoints, so the rows and events logged after step 40 must be dropped on resume.
      awaitRows(child, killed, 45, log);
      assertTrue(child.isAlive(), "the child was still training when killed");
    } finally {
      child.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook runs, files are as they were mid-write
    }
    List<CheckpointStore.Checkpoint> complete = new CheckpointStore(killed.resolve("checkpoints"), 3).list();
    long newest = complete.get(0).step();
    List<Long> logged = rows(killed);
    System.out.println("killed after step " + logged.get(logged.size() - 1) + " of " + STEPS + "; newest complete"
        + " checkpoint: step " + newest);
    assertTrue(logged.size() >= newest, "the metrics reach the newest checkpoint");
    assertTrue(interruptedAt(Files.readString(log)).isEmpty(), "a killed run says nothing: " + Files.readString(log));
    // A save cut short by the kill leaves a temporary folder; one holding another step's variables must not be used.
    Path cutShort = killed.resolve(String.format("checkpoints/.step-%06d.tmp-1", newest + CHECKPOINT_EVERY));
    copyTree(complete.get(complete.size() - 1).folder(), cutShort);
    Path stale = tmp.resolve("stale");
    copyTree(killed, stale);

    Trained resumed = train(killed, STEPS, true, QUIET);
    assertEquals(newest, resumed.outcome().startStep(), "resumed from the newest complete checkpoint");
    Trained straight = train(tmp.resolve("straight"), STEPS, false, QUIET);

    assertBitwiseEqual(straight.variables(), resumed.variables());
    for (String file : List.of(MetricsLog.CSV, MetricsLog.JSONL)) {
      assertEquals(Files.readAllLines(tmp.resolve("straight").resolve(file)), Files.readAllLines(killed.resolve(file)),
          file + ", line for line");
    }
    assertEachStepOnceInOrder(rows(killed), STEPS);
    List<String> events = TensorBoardEvents.tagSteps(killed.resolve("tensorboard"));
    assertEquals(TensorBoardEvents.tagSteps(tmp.resolve("straight/tensorboard")), events);
    assertEachStepOnceInOrder(steps(events, StepMetrics.LOSS), STEPS);

    // Controls: the checks fail on a resume from older variables than the step it continues from, and on a step
    // logged twice or skipped.
    Path newestInStale = stale.resolve(String.format("checkpoints/step-%06d", newest));
    AtomicFiles.deleteTree(newestInStale);
    copyTree(stale.resolve(String.format("checkpoints/step-%06d", newest - CHECKPOINT_EVERY)), newestInStale);
    Trained fromOlder = train(stale, STEPS, true, QUIET);
    assertEquals(newest, fromOlder.outcome().startStep());
    assertThrows(AssertionFailedError.class, () -> assertBitwiseEqual(straight.variables(), fromOlder.variables()));
    List<Long> repeated = new ArrayList<>(rows(killed));
    repeated.add((int) newest, newest);
    assertThrows(AssertionFailedError.class, () -> assertEachStepOnceInOrder(repeated, STEPS));
    List<Long> skipped = new ArrayList<>(rows(killed));
    skipped.remove((int) newest);
    assertThrows(AssertionFailedError.class, () -> assertEachStepOnceInOrder(skipped, STEPS));
  }

  @Test
  void ctrlCStopsAfterTheStepInProgressWithACheckpointTheChartAndTheCommandToResume() throws Exception {
    Path run = tmp.resolve("interrupted");
    Path log = tmp.resolve("interrupted.log");
    Process child = child(defaultSigint(), run, 1_000_000, log);
    try {
      awaitRows(child, run, 3, log);
      new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).start().waitFor();
      assertTrue(child.waitFor(60, TimeUnit.SECONDS), "stopped after Ctrl-C");
    } finally {
      child.destroyForcibly().waitFor();
    }
    String said = Files.readString(log);
    long step = interruptedAt(said).orElseThrow(() -> new AssertionFailedError("no resume hint in: " + said));
    Matcher hint = Pattern.compile("continue with: " + Pattern.quote(COMMAND) + " --out (.*) --resume").matcher(said);
    assertTrue(hint.find(), said);
    assertEquals(run.toAbsolutePath().normalize(), Path.of(hint.group(1)).toAbsolutePath().normalize());
    assertEquals(step, new CheckpointStore(run.resolve("checkpoints"), 3).latest().orElseThrow().step(),
        "the newest checkpoint is the step it stopped after");
    assertTrue(Files.isRegularFile(run.resolve("loss.png")), "the chart is drawn");
    assertEachStepOnceInOrder(rows(run), step);
    // That checkpoint holds the variables after that step: resumed for 5 more, the run ends as a straight one.
    Trained resumed = train(run, step + 5, true, QUIET);
    assertEquals(step, resumed.outcome().startStep());
    assertBitwiseEqual(train(tmp.resolve("straight"), step + 5, false, QUIET).variables(), resumed.variables());
  }

  /** The step reported by "interrupted at step N; continue with: ...", if the run said it. */
  static OptionalLong interruptedAt(String console) {
    Matcher m = Pattern.compile("interrupted at step (\\d+); continue with: ").matcher(console);
    return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
  }

  static void assertEachStepOnceInOrder(List<Long> steps, long last) {
    List<Long> expected = new ArrayList<>();
    for (long s = 1; s <= last; s++) {
      expected.add(s);
    }
    assertEquals(expected, steps, "each step once, in order");
  }

  static void assertBitwiseEqual(float[] expected, float[] actual) {
    assertArrayEquals(bits(expected), bits(actual), "variables, bit for bit");
  }

  private static int[] bits(float[] values) {
    int[] bits = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      bits[i] = Float.floatToRawIntBits(values[i]);
    }
    return bits;
  }

  private static void pause(int ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Copies a folder tree (a run, a checkpoint) as it is. */
  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
    }
  }

  /** The steps of the metrics rows, in file order. */
  private static List<Long> rows(Path run) throws IOException {
    return Files.readAllLines(run.resolve(MetricsLog.CSV)).stream().skip(1)
        .map(line -> Long.parseLong(line.substring(0, line.indexOf(',')))).toList();
  }

  /** The steps of one tag's events. */
  private static List<Long> steps(List<String> tagSteps, String tag) {
    return tagSteps.stream().filter(e -> e.startsWith(tag + "@"))
        .map(e -> Long.parseLong(e.substring(tag.length() + 1))).toList();
  }

  private static float[][] initialWeights() {
    Random random = new Random(7);
    float[][] w = new float[4][1];
    for (float[] row : w) {
      row[0] = (float) random.nextGaussian();
    }
    return w;
  }

  /** Step s's batch {x, y}: y = x TRUE_WEIGHTS + noise, drawn from a generator seeded with s. */
  private static float[][][] batch(long step) {
    Random random = new Random(1000 + step);
    float[][] x = new float[BATCH][4];
    float[][] y = new float[BATCH][1];
    for (int i = 0; i < BATCH; i++) {
      for (int j = 0; j < 4; j++) {
        x[i][j] = (float) random.nextGaussian();
        y[i][0] += x[i][j] * TRUE_WEIGHTS[j];
      }
      y[i][0] += 0.1f * (float) random.nextGaussian();
    }
    return new float[][][] {x, y};
  }

  private static float[] variables(Session session, List<String> names) {
    List<Float> values = new ArrayList<>();
    for (String name : names) {
      try (Result r = session.runner().fetch(name).run()) {
        TFloat32 t = (TFloat32) r.get(0);
        t.scalars().forEach(v -> values.add(v.getFloat()));
      }
    }
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  private static Process child(List<String> prefix, Path out, long steps, Path log) throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), KillAndResumeTest.class.getName(),
        out.toString(), Long.toString(steps)));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** Waits (polling, at most two minutes) until {@code run}'s metrics hold {@code rows} steps or the child ends. */
  private static void awaitRows(Process child, Path run, int rows, Path log) throws Exception {
    Path csv = run.resolve(MetricsLog.CSV);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!(Files.exists(csv) && Files.readAllLines(csv).size() > rows) && child.isAlive()
        && System.nanoTime() < deadline) {
      Thread.sleep(2);
    }
    assertTrue(Files.readAllLines(csv).size() > rows, "step " + rows + " never logged: " + Files.readString(log));
  }

  /**
   * A process started from a background job inherits SIGINT ignored, and a JVM then never sees Ctrl-C; GNU env can
   * give the child the default disposition back (as a terminal's foreground job has it).
   */
  private static List<String> defaultSigint() throws Exception {
    try {
      Process p = new ProcessBuilder("env", "--default-signal=INT", "true").start();
      return p.waitFor() == 0 ? List.of("env", "--default-signal=INT") : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }
}
