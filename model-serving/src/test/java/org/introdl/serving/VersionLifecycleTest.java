package org.introdl.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.introdl.core.safety.RunLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versions come and go while requests run: a new version folder is loaded, scanned and switched to, a removed one
 * is unloaded, a broken one is reported and never served, and no request in flight is lost; a version with unsafe
 * ops is refused unless its model's config allows them.
 */
class VersionLifecycleTest {
  @TempDir Path tmp;

  private static ModelServer start(List<ModelConfig> models) {
    return ModelServer.start(models, new InProcessLoader(),
        new ModelServer.Options("127.0.0.1", 0, Duration.ofSeconds(30), 1 << 20, Duration.ofMillis(100), false),
        line -> { });
  }

  private static ModelConfig latest(String name, Path base, boolean allowUnsafeOps) {
    return new ModelConfig(name, base, new ModelConfig.VersionPolicy.Latest(1), Map.of(),
        RunLimits.of(allowUnsafeOps));
  }

  @Test
  void versionsAddedRemovedAndBrokenUnderLoadLoseNoRequest() throws Exception {
    Path base = TestModels.basePath(tmp, "half", 1, TestModels.halfPlusTwoTf1());
    try (ModelServer server = start(List.of(latest("half", base, false)))) {
      URI predict = server.uri().resolve("/v1/models/half:predict");
      URI status = server.uri().resolve("/v1/models/half");
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger answered = new AtomicInteger();
      ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
      List<Thread> clients = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Thread t = new Thread(() -> {
          while (running.get()) {
            Http.Reply r = Http.post(predict, "{\"instances\": [2.0]}");
            // Both versions compute x/2 + 2: any other answer is a dropped or half-served request.
            if (r.status() != 200 || !r.body().equals("{\"predictions\":[3.0]}")) {
              wrong.add(r.status() + " " + r.body());
            }
            answered.incrementAndGet();
          }
        });
        t.start();
        clients.add(t);
      }
      try {
        // A new version appears (a link is created at once, as a rename would move a finished export in).
        Files.createSymbolicLink(base.resolve("2"), TestModels.halfPlusTwoTf2().toAbsolutePath());
        awaitStatus(status, s -> state(s, 2).equals("AVAILABLE") && state(s, 1).equals("END"));
        // A broken one: reported with its error, never served.
        Path broken = Files.createDirectories(tmp.resolve("broken"));
        Files.write(broken.resolve("saved_model.pb"), new byte[] {1, 2, 3, 4});
        Files.move(broken, base.resolve("3"));
        awaitStatus(status, s -> state(s, 3).equals("END") && !errorCode(s, 3).equals("OK"));
        // The newest version is removed: the previous one is loaded again before it is unloaded.
        Files.delete(base.resolve("2"));
        awaitStatus(status, s -> state(s, 1).equals("AVAILABLE") && state(s, 2).equals("END"));
        int before = answered.get();
        awaitCondition(() -> answered.get() > before + 8);
      } finally {
        running.set(false);
        for (Thread t : clients) {
          t.join();
        }
      }
      assertTrue(wrong.isEmpty(), wrong.size() + " requests went wrong, first: " + wrong.peek());
      assertTrue(answered.get() > 20, "only " + answered.get() + " requests");
      JsonNode three = version(Http.get(status).json(), 3);
      assertTrue(three.path("status").path("error_message").asText().contains("saved_model.pb"), three.toString());
    }
  }

  @Test
  void aVersionWithUnsafeOpsIsRefusedUnlessItsModelAllowsThem() throws Exception {
    Path model = TestModels.readsFile(tmp.resolve("reads-file"), tmp.resolve("secret.txt"));
    Path refusedBase = TestModels.basePath(tmp, "refused", 1, model);
    Path trustedBase = TestModels.basePath(tmp, "trusted", 1, model);
    try (ModelServer server = start(List.of(latest("refused", refusedBase, false),
        latest("trusted", trustedBase, true)))) {
      JsonNode refused = version(Http.get(server.uri().resolve("/v1/models/refused")).json(), 1);
      assertEquals("END", refused.path("state").asText());
      assertEquals("FAILED_PRECONDITION", refused.path("status").path("error_code").asText());
      assertTrue(refused.path("status").path("error_message").asText().contains("ReadFile"), refused.toString());
      Http.Reply notServed = Http.post(server.uri().resolve("/v1/models/refused:predict"), "{\"instances\": [1.0]}");
      assertEquals(404, notServed.status(), notServed.body());
      assertEquals(503, Http.get(server.uri().resolve(ModelServer.HEALTH_PATH)).status());
      // The control: allowed, the same model loads and its op really reads the file (40 + 1 + 2).
      Http.Reply trusted = Http.post(server.uri().resolve("/v1/models/trusted:predict"), "{\"instances\": [1.0]}");
      assertEquals("{\"predictions\":[43.0]}", trusted.body());
    }
  }

  private static JsonNode version(JsonNode status, long version) {
    for (JsonNode v : status.path("model_version_status")) {
      if (v.path("version").asText().equals(Long.toString(version))) {
        return v;
      }
    }
    return Http.json("{}");
  }

  private static String state(JsonNode status, long version) {
    return version(status, version).path("state").asText();
  }

  private static String errorCode(JsonNode status, long version) {
    return version(status, version).path("status").path("error_code").asText();
  }

  private static void awaitStatus(URI status, Predicate<JsonNode> done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = Http.get(status).json();
      if (done.test(last)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the versions did not reach the expected states: " + last);
  }

  private static void awaitCondition(java.util.function.BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(20);
    }
  }
}
