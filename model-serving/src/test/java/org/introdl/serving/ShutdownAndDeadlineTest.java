package org.introdl.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.introdl.core.safety.RunLimits;
import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.values.TensorSpec;
import org.introdl.savedmodels.values.TensorValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;

/**
 * A request past its deadline is answered 504 and the server goes on; stopping the server answers every request
 * in flight before it returns, and takes no new one. The model is a stand-in that answers y = x after 400 ms, so
 * that requests are surely in flight without burning CPU (these are the server's behaviours, not TensorFlow's).
 */
class ShutdownAndDeadlineTest {
  @TempDir Path tmp;

  private static final SavedModelDir.Signature SIGNATURE = new SavedModelDir.Signature("serving_default",
      "tensorflow/serving/predict", Map.of("x", new TensorSpec("x", "x:0", DataType.DT_FLOAT, new long[] {-1})),
      Map.of("y", new TensorSpec("y", "y:0", DataType.DT_FLOAT, new long[] {-1})));

  /** y = x, after a pause. */
  private static final class Sleeper implements ServableModel {
    @Override
    public MetaGraphDef metaGraph() {
      return MetaGraphDef.getDefaultInstance();
    }

    @Override
    public SavedModelDir.Signature signature(String key) {
      return SIGNATURE;
    }

    @Override
    public Map<String, TensorValue> run(SavedModelDir.Signature signature, Map<String, TensorValue> inputs,
        Duration timeout) {
      try {
        Thread.sleep(400);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Map.of("y", inputs.get("x"));
    }

    @Override
    public void close() {
    }
  }

  private ModelServer start(Duration requestTimeout) {
    ModelConfig config = new ModelConfig("slow", tmp, new ModelConfig.VersionPolicy.Latest(1), Map.of(),
        RunLimits.of(false));
    return ModelServer.start(List.of(config), (dir, c) -> new Sleeper(),
        new ModelServer.Options("127.0.0.1", 0, requestTimeout, 1 << 20, Duration.ofSeconds(5), false), line -> { });
  }

  private Path withVersion() throws Exception {
    return java.nio.file.Files.createDirectories(tmp.resolve("1"));
  }

  @Test
  void aRequestPastItsDeadlineIs504AndTheServerGoesOn() throws Exception {
    withVersion();
    try (ModelServer server = start(Duration.ofMillis(50))) {
      URI predict = server.uri().resolve("/v1/models/slow:predict");
      Http.Reply late = Http.post(predict, "{\"instances\": [1.0]}");
      assertEquals(504, late.status(), late.body());
      assertTrue(late.error().startsWith("Deadline Exceeded"), late.body());
      assertEquals(200, Http.get(server.uri().resolve("/v1/models/slow")).status());
    }
  }

  @Test
  void stoppingAnswersEveryRequestInFlight() throws Exception {
    withVersion();
    ModelServer server = start(Duration.ofSeconds(30));
    URI predict = server.uri().resolve("/v1/models/slow:predict");
    List<CompletableFuture<Http.Reply>> inFlight = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      float x = i;
      inFlight.add(CompletableFuture.supplyAsync(() -> Http.post(predict, "{\"instances\": [" + x + "]}")));
    }
    Thread.sleep(150);
    assertTrue(inFlight.stream().noneMatch(CompletableFuture::isDone), "the requests must be in flight at the stop");
    server.close();
    for (int i = 0; i < inFlight.size(); i++) {
      Http.Reply r = inFlight.get(i).join();
      assertEquals(200, r.status(), r.body());
      assertEquals("{\"predictions\":[" + TfJsonNumbers.formatFloat(i) + "]}", r.body());
    }
    assertTrue(refused(predict), "a stopped server must take no new request");
  }

  private static boolean refused(URI uri) {
    try {
      return Http.post(uri, "{\"instances\": [1.0]}").status() >= 500;
    } catch (AssertionError e) {
      return true; // connection refused
    }
  }
}
