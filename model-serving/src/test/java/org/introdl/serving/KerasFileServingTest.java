package org.introdl.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.introdl.core.safety.RunLimits;
import org.introdl.core.testing.SharedFixtures;
import org.junit.jupiter.api.Test;

/**
 * A Keras file as a model's path: FlowNet's Keras 3 {@code .keras} (a Python-trained MLP) is imported in its worker and
 * served as version 1; its predictions over HTTP equal those Python Keras recorded for the same scaled inputs.
 */
class KerasFileServingTest {
  /** As the importer's own recorded-predictions test: float32 against Python's float32 run. */
  private static final double TOLERANCE = 1e-5;
  /** Rows sent, from the start of the recorded ones: enough for a check, small enough for a quick test. */
  private static final int ROWS = 200;

  @Test
  void aKerasFileIsServedWithThePredictionsPythonRecorded() throws Exception {
    Path file = SharedFixtures.require("keras-models/keras3-flownet-mlp/final_model.keras");
    List<String> lines = Files.readAllLines(
        SharedFixtures.require("keras-models/keras3-flownet-mlp/expected_generated.csv"));
    double[][] expected = new double[ROWS][];
    StringBuilder instances = new StringBuilder("{\"instances\": [");
    for (int i = 0; i < ROWS; i++) {
      String[] f = lines.get(i + 1).split(",");
      instances.append(i == 0 ? "" : ", ").append('[').append(f[3]).append(", ").append(f[4]).append(']');
      expected[i] = new double[] {Double.parseDouble(f[7]), Double.parseDouble(f[8])};
    }
    instances.append("]}");
    ModelConfig config = new ModelConfig("flownet", file, new ModelConfig.VersionPolicy.Latest(1), Map.of(),
        new RunLimits(false, 1L << 30, Duration.ofSeconds(60)));
    List<String> log = new java.util.ArrayList<>();
    try (ModelServer server = ModelServer.start(List.of(config), new WorkerLoader(log::add), new ModelServer.Options(
        "127.0.0.1", 0, Duration.ofSeconds(30), 1 << 20, Duration.ofSeconds(5), false), log::add)) {
      assertEquals(List.of("model flownet version 1: AVAILABLE"), log);
      Http.Reply r = Http.post(server.uri().resolve("/v1/models/flownet:predict"), instances.toString());
      assertEquals(200, r.status(), r.body());
      JsonNode predictions = r.json().get("predictions");
      assertEquals(ROWS, predictions.size());
      assertTrue(maxDifference(predictions, expected, 0) <= TOLERANCE, "max difference "
          + maxDifference(predictions, expected, 0));
      // Control: the same answers against the recordings one row off are far apart.
      assertTrue(maxDifference(predictions, expected, 1) > 100 * TOLERANCE);
    }
  }

  /** The largest difference between answer row i and recorded row i + shift (wrapping). */
  private static double maxDifference(JsonNode predictions, double[][] expected, int shift) {
    double max = 0;
    for (int i = 0; i < ROWS; i++) {
      for (int j = 0; j < 2; j++) {
        max = Math.max(max, Math.abs(predictions.get(i).get(j).asDouble() - expected[(i + shift) % ROWS][j]));
      }
    }
    return max;
  }
}
