package org.introdl.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.introdl.core.safety.RunLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Each version runs in a worker process of its own: a model that crashes TensorFlow at predict time (a failed CHECK
 * that aborts the process, as a crafted model can trigger with one request) takes down its worker only. The request
 * gets an error body, the server and the model beside it go on, the status API says why, and the version is started
 * again. A run that allocates past the model's memory budget is stopped the same way, with the budget's line; a run
 * that never ends is answered 504 at its deadline and its worker stopped once the grace after it has passed.
 */
class WorkerIsolationTest {
  private static final RunLimits LIMITS = new RunLimits(false, 1L << 30, Duration.ofSeconds(60));

  @TempDir Path tmp;

  @Test
  void aModelThatCrashesTensorFlowTakesDownItsWorkerOnlyAndIsStartedAgain() throws Exception {
    Path hostile = TestModels.basePath(tmp, "hostile", 1, transposeWithNoPermutation(tmp.resolve("export")));
    Path halfPlusTwo = TestModels.basePath(tmp, "half_plus_two", 123, TestModels.halfPlusTwoTf1());
    List<ModelConfig> configs = List.of(
        new ModelConfig("hostile", hostile, new ModelConfig.VersionPolicy.Latest(1), Map.of(), LIMITS),
        new ModelConfig("half_plus_two", halfPlusTwo, new ModelConfig.VersionPolicy.Latest(1), Map.of(), LIMITS));
    List<String> log = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    try (ModelServer server = ModelServer.start(configs, new WorkerLoader(log::add), new ModelServer.Options(
        "127.0.0.1", 0, Duration.ofSeconds(30), 1 << 20, Duration.ofSeconds(1), false), log::add)) {
      URI hostilePredict = server.uri().resolve("/v1/models/hostile:predict");
      // Control: a matrix is transposed; the model serves like any other.
      Http.Reply fine = Http.post(hostilePredict, "{\"inputs\": {\"x\": [[1.0, 2.0]]}}");
      assertEquals(200, fine.status(), fine.body());
      assertEquals("[[1.0],[2.0]]", fine.json().get("outputs").toString());

      Http.Reply crash = Http.post(hostilePredict, "{\"inputs\": {\"x\": 1.0}}");
      assertEquals(500, crash.status(), crash.body());
      assertTrue(crash.error().endsWith("the model crashed TensorFlow: Check failed: dims_tf_order.size() > 0 (0 vs."
          + " 0)"), crash.body());

      Http.Reply neighbour = Http.post(server.uri().resolve("/v1/models/half_plus_two:predict"),
          "{\"instances\": [1.0, 2.0, 5.0]}");
      assertEquals(200, neighbour.status(), neighbour.body());
      assertEquals("[2.5,3.0,4.5]", neighbour.json().get("predictions").toString());

      JsonNode died = Http.get(server.uri().resolve("/v1/models/hostile")).json().get("model_version_status")
          .get(0);
      assertEquals("END", died.get("state").asText(), died.toString());
      assertEquals("INTERNAL", died.at("/status/error_code").asText(), died.toString());
      assertTrue(died.at("/status/error_message").asText().contains("Check failed"), died.toString());

      awaitAvailable(server.uri().resolve("/v1/models/hostile"));
      Http.Reply again = Http.post(hostilePredict, "{\"inputs\": {\"x\": [[3.0]]}}");
      assertEquals(200, again.status(), again.body());
      assertEquals("[[3.0]]", again.json().get("outputs").toString());
      assertTrue(log.stream().anyMatch(l -> l.startsWith("model hostile version 1: END, ")
          && l.endsWith("starting it again (1 of 3)")), log::toString);
    }
  }

  @Test
  void aRunPastTheMemoryBudgetStopsItsWorkerWithTheBudgetsLine() throws Exception {
    Path model = TestModels.basePath(tmp, "filler", 1, fillOfAnyLength(tmp.resolve("fill-export")));
    RunLimits budget = new RunLimits(false, 768L << 20, Duration.ofSeconds(60));
    List<String> log = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    try (ModelServer server = ModelServer.start(List.of(new ModelConfig("filler", model,
        new ModelConfig.VersionPolicy.Latest(1), Map.of(), budget)), new WorkerLoader(log::add),
        new ModelServer.Options("127.0.0.1", 0, Duration.ofSeconds(30), 1 << 20, Duration.ofSeconds(60), false),
        log::add)) {
      URI predict = server.uri().resolve("/v1/models/filler:predict");
      // Control: a small fill runs (1,000 ones sum to 1,000).
      Http.Reply small = Http.post(predict, "{\"inputs\": {\"n\": [1000]}}");
      assertEquals(200, small.status(), small.body());
      assertEquals("1000.0", small.json().get("outputs").toString());
      // 1 GiB of floats, which no scan can see: the length is an input.
      Http.Reply big = Http.post(predict, "{\"inputs\": {\"n\": [268435456]}}");
      assertEquals(500, big.status(), big.body());
      assertTrue(big.error().endsWith("the model exceeded its memory budget of 768.0 MiB and was stopped"
          + " (--max-memory SIZE to change)"), big.body());
    }
  }

  @Test
  void aRunThatNeverEndsIs504AtItsDeadlineAndItsWorkerIsStoppedAfterTheGrace() throws Exception {
    Path model = TestModels.basePath(tmp, "loop", 1, endlessLoop(tmp.resolve("loop-export")));
    List<String> log = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    try (ModelServer server = ModelServer.start(List.of(new ModelConfig("loop", model,
        new ModelConfig.VersionPolicy.Latest(1), Map.of(), LIMITS)), new WorkerLoader(log::add, Duration.ofSeconds(1)),
        new ModelServer.Options("127.0.0.1", 0, Duration.ofSeconds(1), 1 << 20, Duration.ofSeconds(1), false),
        log::add)) {
      Http.Reply late = Http.post(server.uri().resolve("/v1/models/loop:predict"), "{\"inputs\": {\"x\": 1.0}}");
      assertEquals(504, late.status(), late.body());
      long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (log.stream().noneMatch(l -> l.contains("past its deadline")) && System.nanoTime() < until) {
        Thread.sleep(100);
      }
      assertTrue(log.stream().anyMatch(l -> l.startsWith("model loop version 1: END, ") && l.contains(
          "a run did not finish 1 s past its deadline of 1000 ms; its worker was stopped; starting it again")),
          log::toString);
    }
  }

  @Test
  void aModelThatPrintsToStdoutStopsItsWorkerInsteadOfBeingReadAsAnAnswer() throws Exception {
    // PrintV2 to stdout is refused by the scan; a user who allows unsafe ops can still run it.
    RunLimits unsafeAllowed = new RunLimits(true, 1L << 30, Duration.ofSeconds(60));
    Path model = TestModels.basePath(tmp, "chatty", 1, printsToStdout(tmp.resolve("chatty-export")));
    List<String> log = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    try (ModelServer server = ModelServer.start(List.of(new ModelConfig("chatty", model,
        new ModelConfig.VersionPolicy.Latest(1), Map.of(), unsafeAllowed)), new WorkerLoader(log::add),
        new ModelServer.Options("127.0.0.1", 0, Duration.ofSeconds(30), 1 << 20, Duration.ofSeconds(1), false),
        log::add)) {
      Http.Reply reply = Http.post(server.uri().resolve("/v1/models/chatty:predict"), "{\"inputs\": {\"x\": 4.0}}");
      // Were the printed bytes read as an answer, this would be a 200 with a made-up value, or a hang.
      assertEquals(500, reply.status(), reply.body());
      assertTrue(reply.error().contains("interleaved with other output"), reply.body());
    }
  }

  /** y = x, after printing a line to the process's stdout (the worker's channel to the server). */
  private static Path printsToStdout(Path dir) throws java.io.IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class);
      org.tensorflow.op.core.Print print = tf.print(tf.constant("not an answer"),
          org.tensorflow.op.core.Print.outputStream("stdout"));
      Operand<TFloat32> y = tf.withControlDependencies(List.of(print)).withName("y").identity(x);
      try (Session s = new Session(g)) {
        SavedModelBundle.exporter(dir.toString()).withSession(s)
            .withSignature(Signature.builder().input("x", x).output("y", y).build()).export();
      }
    }
    return dir;
  }

  /** x + 1 in a While loop whose condition is always true. */
  @SuppressWarnings("unchecked")
  private static Path endlessLoop(Path dir) throws java.io.IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class);
      org.tensorflow.Output<?>[] loop = g.whileLoop(new org.tensorflow.Output<?>[] {x.asOutput()},
          (cond, in, result) -> result[0] = Ops.create(cond).constant(true).asOutput(),
          (body, in, result) -> result[0] = Ops.create(body).math.add((Operand<TFloat32>) in[0],
              Ops.create(body).constant(1f)).asOutput(), "forever");
      Operand<TFloat32> y = tf.withName("y").identity((Operand<TFloat32>) loop[0]);
      try (Session s = new Session(g)) {
        SavedModelBundle.exporter(dir.toString()).withSession(s)
            .withSignature(Signature.builder().input("x", x).output("y", y).build()).export();
      }
    }
    return dir;
  }

  /** sum(fill(n, 1.0)): n floats, a length no scan can know. */
  private static Path fillOfAnyLength(Path dir) throws java.io.IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<org.tensorflow.types.TInt64> n = tf.withName("n").placeholder(org.tensorflow.types.TInt64.class);
      Operand<TFloat32> sum = tf.withName("sum").sum(tf.fill(n, tf.constant(1f)), tf.constant(0));
      try (Session s = new Session(g)) {
        SavedModelBundle.exporter(dir.toString()).withSession(s)
            .withSignature(Signature.builder().input("n", n).output("sum", sum).build()).export();
      }
    }
    return dir;
  }

  private static void awaitAvailable(URI status) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < until) {
      Http.Reply r = Http.get(status);
      if (r.status() == 200 && r.body().contains("\"AVAILABLE\"")) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the version was not started again: " + Http.get(status).body());
  }

  /**
   * y = conjugate_transpose(x, perm = reversed(range(rank(x)))): a matrix is transposed, but for a scalar the
   * permutation is empty, and oneDNN's kernel CHECK-fails on that and aborts the process.
   */
  private static Path transposeWithNoPermutation(Path dir) throws java.io.IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class);
      Operand<TInt32> axes = tf.range(tf.constant(0), tf.rank(x), tf.constant(1));
      Operand<TInt32> reversed = tf.reverse(axes, tf.constant(new int[] {0}));
      Operand<TFloat32> y = tf.withName("y").linalg.conjugateTranspose(x, reversed);
      try (Session s = new Session(g)) {
        SavedModelBundle.exporter(dir.toString()).withSession(s)
            .withSignature(Signature.builder().input("x", x).output("y", y).build()).export();
      }
    }
    return dir;
  }
}
