package org.introdl.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

/**
 * {@code savedmodel serve} as a real process (its own JVM, its model in a worker process): SIGTERM while a request is
 * in flight lets that request finish with its answer, and the process then exits 0. The model counts to {@code n}
 * in a loop, so a request takes as long as the test asks. Control: SIGKILL at the same moment loses the request,
 * so the request is surely in flight when the signal comes.
 */
class GracefulStopProcessTest {
  private static final Pattern URL = Pattern.compile("serving counter at (http://\\S+)/v1/models/counter");
  /** How long the request in flight should take: the signal comes a third of the way in. */
  private static final Duration RUN = Duration.ofMillis(3000);

  @TempDir Path tmp;

  @Test
  void sigtermLetsTheRequestInFlightFinishThenExitsZero() throws Exception {
    Path model = countingModel(tmp.resolve("counter"));
    Served served = serve(model);
    int n = loopCountFor(served.uri(), RUN);
    CompletableFuture<HttpResponse<String>> inFlight = predictAsync(served.uri(), n);
    Thread.sleep(RUN.toMillis() / 3);
    served.process().destroy();  // SIGTERM
    HttpResponse<String> answer = inFlight.get(120, TimeUnit.SECONDS);
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals("{\"outputs\":" + (0.5 + n) + "}", answer.body(), "y = x + n");
    assertTrue(served.ended(), "the server stopped");
    assertEquals(0, served.process().exitValue(), served.output()::toString);
    assertTrue(served.output().contains("stopping: finishing the requests in flight")
        && served.output().get(served.output().size() - 1).equals("stopped"), served.output()::toString);

    // Control: killed outright at the same moment, the server loses the request in flight.
    Served killed = serve(model);
    CompletableFuture<HttpResponse<String>> lost = predictAsync(killed.uri(), n);
    Thread.sleep(RUN.toMillis() / 3);
    killed.process().destroyForcibly();
    ExecutionException e = assertThrows(ExecutionException.class, () -> lost.get(120, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof IOException, e::toString);
    killed.ended();
  }

  /** The server process and the file its stdout goes to (a file: a pipe's last lines can be lost at exit). */
  private record Served(Process process, URI uri, Path stdout) {
    /** Waits for the process to end. */
    boolean ended() throws InterruptedException {
      return process.waitFor(60, TimeUnit.SECONDS);
    }

    List<String> output() {
      try {
        return Files.readAllLines(stdout);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  private Served serve(Path model) throws Exception {
    Path stdout = Files.createTempFile(tmp, "serve", ".out");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), ServeProcessMain.class.getName(),
        "--model", "counter=" + model, "--port", "0", "--max-memory", "1g")
        .redirectOutput(stdout.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < until && p.isAlive()) {
      Matcher m = URL.matcher(Files.readString(stdout));
      if (m.find()) {
        return new Served(p, URI.create(m.group(1)), stdout);
      }
      Thread.sleep(50);
    }
    p.destroyForcibly();
    throw new AssertionError("the server did not start: " + Files.readString(stdout));
  }

  /** A loop count that takes about {@code target} here: timed on a short count first. */
  private static int loopCountFor(URI uri, Duration target) throws Exception {
    int probe = 20_000;
    predictAsync(uri, probe).get(120, TimeUnit.SECONDS);  // warm-up
    long start = System.nanoTime();
    HttpResponse<String> r = predictAsync(uri, probe).get(120, TimeUnit.SECONDS);
    assertEquals(200, r.statusCode(), r.body());
    double millis = Math.max((System.nanoTime() - start) / 1e6, 1);
    return (int) Math.min(probe * target.toMillis() / millis, 1 << 23);
  }

  private static CompletableFuture<HttpResponse<String>> predictAsync(URI uri, int n) {
    String body = "{\"inputs\": {\"x\": 0.5, \"n\": " + n + "}}";
    return HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(uri.resolve("/v1/models/counter:predict"))
        .timeout(Duration.ofSeconds(120)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** y = x + (1 added n times in a While loop): as slow as n says. */
  @SuppressWarnings("unchecked")
  private static Path countingModel(Path dir) throws IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class);
      Placeholder<TInt32> n = tf.withName("n").placeholder(TInt32.class);
      Output<?>[] start = {tf.constant(0).asOutput(), n.asOutput(), tf.constant(0f).asOutput()};
      Output<?>[] loop = g.whileLoop(start,
          (cond, in, result) -> result[0] = Ops.create(cond).math.less((Operand<TInt32>) in[0],
              (Operand<TInt32>) in[1]).asOutput(),
          (body, in, result) -> {
            Ops b = Ops.create(body);
            result[0] = b.math.add((Operand<TInt32>) in[0], b.constant(1)).asOutput();
            result[1] = b.identity((Operand<TInt32>) in[1]).asOutput();
            result[2] = b.math.add((Operand<TFloat32>) in[2], b.constant(1f)).asOutput();
          }, "count");
      Operand<TFloat32> y = tf.withName("y").math.add(x, (Operand<TFloat32>) loop[2]);
      try (Session s = new Session(g)) {
        SavedModelBundle.exporter(dir.toString()).withSession(s)
            .withSignature(Signature.builder().input("x", x).input("n", n).output("y", y).build()).export();
      }
    }
    return dir;
  }
}
