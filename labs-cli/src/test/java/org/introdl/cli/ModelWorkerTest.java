package org.introdl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.introdl.core.LabPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Models that attack TensorFlow itself (a failed CHECK, an endless loop, an allocation past the budget), built here
 * and run as {@code ./labs} runs them: in a worker process. Each ends with one line and exit 1 and leaves nothing
 * behind; the crash's control shows the same command takes its JVM down without the worker. The scan is bypassed
 * ({@code --allow-unsafe-ops}): the worker is the layer under test.
 */
class ModelWorkerTest {
  @TempDir Path temp;

  @Test
  void aCrashInTensorFlowIsOneLineAndLeavesNothingInTheUsersFolder() throws Exception {
    Path model = export("crashes", ModelWorkerTest::conjugateTransposeOfAScalar);
    Path user = Files.createDirectories(temp.resolve("user"));
    Launched run = launch(user, "savedmodel", "run", model.toString(), "--input", "x=1.0", "--out", "outputs",
        "--allow-unsafe-ops");
    assertEquals(1, run.exitCode(), run.stderr());
    assertEquals("labs savedmodel run: error: " + model + ": the model crashed TensorFlow: Check failed: "
        + "dims_tf_order.size() > 0 (0 vs. 0)", run.stderr().strip(), "one line, TensorFlow's log kept off");
    assertEquals(List.of(), list(user), "no crash report, no core, no partial or staged outputs");
    assertTrue(Files.readString(temp.resolve("cache/tensorflow.log")).contains("Check failed"),
        "TensorFlow's own words went to the log file");

    // Control: the same command run in its JVM without the worker (as before it) takes that JVM down.
    Path plain = Files.createDirectories(temp.resolve("plain"));
    assertEquals(134, inPlainJvm(plain, "savedmodel", "run", model.toString(), "--input", "x=1.0",
        "--allow-unsafe-ops"), "SIGABRT");
  }

  @Test
  void aModelThatNeverEndsIsStoppedAtTheTimeoutWithOneLine() {
    Path model = export("hangs", ModelWorkerTest::endlessLoop);
    long start = System.nanoTime();
    CapturedRun run = CapturedRun.isolated("savedmodel", "run", model.toString(), "--input", "x=1.0", "--timeout",
        "1", "--allow-unsafe-ops");
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(1, run.exitCode(), run.err());
    // The worker's start (a JVM, TensorFlow's library) plus the 1 s: nothing waits for the loop to end.
    assertTrue(seconds < 60, "took " + seconds + " s");
    assertEquals("labs savedmodel run: error: " + model + ": the model did not finish in 1 s and was stopped"
        + " (--timeout SECONDS to change, 0 for no limit)", run.err().strip());
  }

  @Test
  void aModelAllocatingPastItsBudgetIsStoppedWithOneLine() {
    Path model = export("allocates", ModelWorkerTest::fillOfAnyLength);
    CapturedRun run = CapturedRun.isolated("savedmodel", "run", model.toString(), "--input", "n=[200000000]",
        "--max-memory", "768m", "--allow-unsafe-ops");
    assertEquals(1, run.exitCode(), run.err());
    assertEquals("labs savedmodel run: error: " + model + ": the model exceeded its memory budget of 768.0 MiB and"
        + " was stopped (--max-memory SIZE to change)", run.err().strip());
  }

  @Test
  void aModelThatRunsWritesItsOutputsThroughTheWorker() throws IOException {
    Path model = export("doubles", ModelWorkerTest::doubling);
    Path out = temp.resolve("results/doubled");
    CapturedRun run = CapturedRun.isolated("savedmodel", "run", model.toString(), "--input", "x=[1.5, -2.0]",
        "--out", out.toString());
    assertEquals(0, run.exitCode(), run.err());
    assertEquals("wrote " + out.resolve("y.npy") + " (float32 [2])", run.out().strip(), "the user's path, not the"
        + " worker's staging folder");
    assertEquals(List.of(out), list(out.getParent()), "the staging folder is gone");
    // 1.5 * 2 and -2 * 2 as little-endian float32 at the end of the .npy file.
    byte[] npy = Files.readAllBytes(out.resolve("y.npy"));
    java.nio.ByteBuffer values = java.nio.ByteBuffer.wrap(npy, npy.length - 8, 8)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    assertEquals(3.0f, values.getFloat());
    assertEquals(-4.0f, values.getFloat());
  }

  /** A graph that builds the signature's output from its input. */
  private interface Body {
    void build(Ops tf, Signature.Builder signature);
  }

  private Path export(String name, Body body) {
    Path dir = temp.resolve(name);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Signature.Builder signature = Signature.builder();
      body.build(tf, signature);
      try (Session s = new Session(g)) {
        SavedModelBundle.exporter(dir.toString()).withSession(s).withSignature(signature.build()).export();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return dir;
  }

  /** oneDNN's transpose CHECK-fails on a scalar with an empty permutation and aborts the process. */
  private static void conjugateTransposeOfAScalar(Ops tf, Signature.Builder signature) {
    Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class);
    Operand<TInt32> noPermutation = tf.constant(new int[0]);
    signature.input("x", x).output("y", tf.linalg.conjugateTranspose(x, noPermutation));
  }

  @SuppressWarnings("unchecked")
  private static void endlessLoop(Ops tf, Signature.Builder signature) {
    Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class);
    Graph g = (Graph) tf.scope().env();
    Output<?>[] loop = g.whileLoop(new Output<?>[] {x.asOutput()},
        (cond, in, result) -> result[0] = Ops.create(cond).constant(true).asOutput(),
        (body, in, result) -> result[0] = Ops.create(body).math.add((Operand<TFloat32>) in[0],
            Ops.create(body).constant(1f)).asOutput(), "forever");
    signature.input("x", x).output("y", tf.identity((Operand<TFloat32>) loop[0]));
  }

  /** n floats, a length no scan can know: it is an input. */
  private static void fillOfAnyLength(Ops tf, Signature.Builder signature) {
    Placeholder<TInt64> n = tf.withName("n").placeholder(TInt64.class);
    Operand<TFloat32> filled = tf.fill(n, tf.constant(1f));
    signature.input("n", n).output("sum", tf.sum(filled, tf.constant(0)));
  }

  private static void doubling(Ops tf, Signature.Builder signature) {
    Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class);
    signature.input("x", x).output("y", tf.math.mul(x, tf.constant(2f)));
  }

  private record Launched(int exitCode, String stderr) {}

  /** {@code ./labs ARGS} from the folder {@code cwd}, on this test's class path. */
  private Launched launch(Path cwd, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", LabPaths.repoRoot().resolve("labs").toString()));
    command.addAll(List.of(args));
    Path stderr = temp.resolve("stderr");
    ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile());
    builder.environment().put("INTRODL_LABS_CLASSPATH", System.getProperty("java.class.path"));
    builder.environment().put(LabPaths.CACHE_ENV, temp.resolve("cache").toString());
    int exit = builder.start().waitFor();
    return new Launched(exit, Files.readString(stderr, StandardCharsets.UTF_8));
  }

  /** The command in a JVM of its own that runs the model itself, as every command did before the worker. */
  private static int inPlainJvm(Path cwd, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dintrodl.worker=true", "-cp", System.getProperty("java.class.path"), LabsMain.class.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    return p.waitFor();
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }
}
