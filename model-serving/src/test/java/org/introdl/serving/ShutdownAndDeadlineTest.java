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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request past its deadline is answered 504 and the server goes on; stopping the server answers every request
 * in flight before it returns, and takes no new one.
 */
class ShutdownAndDeadlineTest {
  @TempDir Path tmp;

  private ModelServer start(Path model, Duration requestTimeout) {
    return ModelServer.start(List.of(new ModelConfig("slow", model, new ModelConfig.VersionPolicy.Latest(1),
            Map.of(), RunLimits.of(false))), new InProcessLoader(),
        new ModelServer.Options("127.0.0.1", 0, requestTimeout, 1 << 20, Duration.ofSeconds(5), false), line -> { });
  }

  @Test
  void aRequestPastItsDeadlineIs504AndTheServerGoesOn() throws Exception {
    Path model = TestModels.slow(tmp.resolve("slow"));
    try (ModelServer server = start(model, Duration.ofMillis(50))) {
      URI predict = server.uri().resolve("/v1/models/slow:predict");
      Http.Reply late = Http.post(predict, "{\"instances\": [1.0]}");
      assertEquals(504, late.status(), late.body());
      assertTrue(late.error().startsWith("Deadline Exceeded"), late.body());
      assertEquals(200, Http.get(server.uri().resolve("/v1/models/slow")).status());
    }
  }

  @Test
  void stoppingAnswersEveryRequestInFlight() throws Exception {
    Path model = TestModels.slow(tmp.resolve("slow"));
    ModelServer server = start(model, Duration.ofSeconds(60));
    URI predict = server.uri().resolve("/v1/models/slow:predict");
    List<CompletableFuture<Http.Reply>> inFlight = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      float x = i;
      inFlight.add(CompletableFuture.supplyAsync(() -> Http.post(predict, "{\"instances\": [" + x + "]}")));
    }
    Thread.sleep(150); // both are running the model now
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
