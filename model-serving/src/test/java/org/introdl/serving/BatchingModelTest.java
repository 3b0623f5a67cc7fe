package org.introdl.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.introdl.core.io.Npy;
import org.introdl.core.safety.RunLimits;
import org.introdl.core.UserError;
import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.values.TensorSpec;
import org.introdl.savedmodels.values.TensorValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;

/**
 * Server-side batching: concurrent calls are merged into fewer, larger runs and each call gets exactly its own rows;
 * a bad call does not fail its neighbours; over HTTP the batched answers equal the unbatched ones.
 */
class BatchingModelTest {
  @TempDir Path tmp;

  /** y = 2x, one run at a time, slow enough that calls pile up; it records the rows of each run. */
  private static final class Doubler implements ServableModel {
    final ConcurrentLinkedQueue<Long> runRows = new ConcurrentLinkedQueue<>();

    @Override
    public MetaGraphDef metaGraph() {
      return MetaGraphDef.getDefaultInstance();
    }

    @Override
    public SavedModelDir.Signature signature(String key) {
      return SIGNATURE;
    }

    @Override
    public synchronized Map<String, TensorValue> run(SavedModelDir.Signature signature,
        Map<String, TensorValue> inputs, Duration timeout) {
      Npy.Array x = ((TensorValue.Numbers) inputs.get("x")).array();
      float[] v = x.toFloats();
      runRows.add(x.shape()[0]);
      float[] y = new float[v.length];
      for (int i = 0; i < v.length; i++) {
        if (Float.isNaN(v[i])) {
          throw ServingError.invalid("NaN is not welcome here");
        }
        y[i] = 2 * v[i];
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Map.of("y", new TensorValue.Numbers(Npy.Array.of(y, x.shape())));
    }

    @Override
    public void close() {
    }
  }

  private static final SavedModelDir.Signature SIGNATURE = new SavedModelDir.Signature("serving_default",
      "tensorflow/serving/predict", Map.of("x", new TensorSpec("x", "x:0", DataType.DT_FLOAT, new long[] {-1, 2})),
      Map.of("y", new TensorSpec("y", "y:0", DataType.DT_FLOAT, new long[] {-1, 2})));

  private static Map<String, TensorValue> rows(float... values) {
    return Map.of("x", new TensorValue.Numbers(Npy.Array.of(values, values.length / 2, 2)));
  }

  @Test
  void concurrentCallsAreMergedAndEachGetsItsOwnRows() {
    Doubler doubler = new Doubler();
    BatchingModel batched = new BatchingModel(doubler, new Batching(8, Duration.ofMillis(20)));
    List<CompletableFuture<Map<String, TensorValue>>> calls = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      float base = i * 10;
      calls.add(CompletableFuture.supplyAsync(() -> batched.run(SIGNATURE, rows(base, base + 1, base + 2, base + 3),
          Duration.ofSeconds(10))));
    }
    for (int i = 0; i < calls.size(); i++) {
      Npy.Array y = ((TensorValue.Numbers) calls.get(i).join().get("y")).array();
      float base = i * 10;
      assertArrayEquals(new long[] {2, 2}, y.shape());
      assertArrayEquals(new float[] {2 * base, 2 * (base + 1), 2 * (base + 2), 2 * (base + 3)}, y.toFloats());
    }
    long rows = doubler.runRows.stream().mapToLong(Long::longValue).sum();
    assertEquals(48, rows);
    assertTrue(doubler.runRows.size() < 24, "24 calls of 2 rows ran as " + doubler.runRows);
    assertTrue(doubler.runRows.stream().allMatch(r -> r <= 8), "a batch over max_batch_size: " + doubler.runRows);
    batched.close();
  }

  @Test
  void aBadCallFailsAloneAndCallsThatDoNotFitRunApart() {
    Doubler doubler = new Doubler();
    BatchingModel batched = new BatchingModel(doubler, new Batching(64, Duration.ofMillis(50)));
    CompletableFuture<Map<String, TensorValue>> good = CompletableFuture.supplyAsync(() -> batched.run(SIGNATURE,
        rows(1, 2), Duration.ofSeconds(10)));
    CompletableFuture<Map<String, TensorValue>> bad = CompletableFuture.supplyAsync(() -> batched.run(SIGNATURE,
        rows(Float.NaN, 2), Duration.ofSeconds(10)));
    CompletableFuture<Map<String, TensorValue>> wide = CompletableFuture.supplyAsync(() -> batched.run(SIGNATURE,
        Map.of("x", new TensorValue.Numbers(Npy.Array.of(new float[] {1, 2, 3}, 1, 3))), Duration.ofSeconds(10)));
    assertArrayEquals(new float[] {2, 4}, ((TensorValue.Numbers) good.join().get("y")).array().toFloats());
    assertArrayEquals(new float[] {2, 4, 6}, ((TensorValue.Numbers) wide.join().get("y")).array().toFloats());
    Exception e = assertThrows(Exception.class, bad::join);
    assertTrue(e.getCause() instanceof ServingError s && s.getMessage().contains("NaN"), String.valueOf(e));
    batched.close();
  }

  @Test
  void batchedAnswersOverHttpEqualTheUnbatchedOnes() throws Exception {
    Path base = TestModels.basePath(tmp, "half", 1, TestModels.halfPlusTwoTf1());
    List<ModelConfig> models = List.of(new ModelConfig("half", base, new ModelConfig.VersionPolicy.Latest(1),
        Map.of(), RunLimits.of(false)));
    try (ModelServer plain = ModelServer.start(models, new InProcessLoader(), new ModelServer.Options("127.0.0.1",
            0, Duration.ofSeconds(30), 1 << 20, Duration.ofSeconds(5), false), line -> { });
        ModelServer batching = ModelServer.start(models, new InProcessLoader(), new ModelServer.Options("127.0.0.1",
            0, Duration.ofSeconds(30), 1 << 20, Duration.ofSeconds(5), false,
            Batching.parse("max_batch_size=16,batch_timeout_micros=5000")), line -> { })) {
      List<CompletableFuture<Http.Reply>> calls = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        String body = "{\"instances\": [[" + i + ".5], [" + (i * 3) + ".25]]}";
        calls.add(CompletableFuture.supplyAsync(() -> Http.post(batching.uri().resolve("/v1/models/half:predict"),
            body)));
      }
      for (int i = 0; i < calls.size(); i++) {
        String body = "{\"instances\": [[" + i + ".5], [" + (i * 3) + ".25]]}";
        Http.Reply expected = Http.post(plain.uri().resolve("/v1/models/half:predict"), body);
        assertEquals(200, expected.status(), expected.body());
        assertEquals(expected.body(), calls.get(i).join().body());
      }
    }
  }

  @Test
  void batchingParametersAreTfServingsNames() {
    assertEquals(new Batching(32, Duration.ofNanos(2_000_000)),
        Batching.parse("max_batch_size=32,batch_timeout_micros=2000"));
    assertEquals(new Batching(4, Duration.ofNanos(1_000_000)), Batching.parse("max_batch_size=4"));
    assertThrows(UserError.class, () -> Batching.parse("max_batch=32"));
    assertThrows(UserError.class, () -> Batching.parse("max_batch_size=0"));
  }
}
