package org.introdl.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.introdl.core.safety.RunLimits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The KServe / Open Inference Protocol v2 endpoints over the same server: health, metadata, ready, infer. */
class OpenInferenceApiTest {
  @TempDir static Path tmp;
  static ModelServer server;

  @BeforeAll
  static void startServer() throws Exception {
    RunLimits limits = RunLimits.of(false);
    server = ModelServer.start(List.of(
        new ModelConfig("half", TestModels.basePath(tmp, "half", 123, TestModels.halfPlusTwoTf1()),
            new ModelConfig.VersionPolicy.Latest(1), Map.of(), limits),
        new ModelConfig("types", TestModels.allJsonTypes(tmp.resolve("types")),
            new ModelConfig.VersionPolicy.Latest(1), Map.of(), limits)), new InProcessLoader(),
        new ModelServer.Options("127.0.0.1", 0, Duration.ofSeconds(30), 1 << 20, Duration.ofSeconds(5), false),
        line -> { });
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private static URI at(String path) {
    return server.uri().resolve(path);
  }

  @Test
  void healthMetadataAndReadiness() {
    assertEquals(Http.json("{\"live\": true}"), Http.get(at("/v2/health/live")).json());
    assertEquals(Http.json("{\"ready\": true}"), Http.get(at("/v2/health/ready")).json());
    assertEquals(Http.json("""
        {"name": "half", "versions": ["123"], "platform": "tensorflow_savedmodel",
         "inputs": [{"name": "x", "datatype": "FP32", "shape": [-1, 1]}],
         "outputs": [{"name": "y", "datatype": "FP32", "shape": [-1, 1]}]}"""),
        Http.get(at("/v2/models/half")).json());
    assertEquals(Http.json("{\"name\": \"half\", \"ready\": true}"), Http.get(at("/v2/models/half/ready")).json());
    Http.Reply absent = Http.get(at("/v2/models/half/versions/7/ready"));
    assertEquals(503, absent.status());
    assertEquals(Http.json("{\"name\": \"half\", \"ready\": false}"), absent.json());
  }

  @Test
  void inferAnswersWithFlatRowMajorTensors() {
    Http.Reply r = Http.post(at("/v2/models/half/infer"), """
        {"id": "42", "inputs": [{"name": "x", "shape": [3, 1], "datatype": "FP32", "data": [1, 2, 5]}]}""");
    assertEquals(200, r.status(), r.body());
    // y = x/2 + 2
    assertEquals(Http.json("""
        {"model_name": "half", "model_version": "123", "id": "42",
         "outputs": [{"name": "y", "datatype": "FP32", "shape": [3, 1], "data": [2.5, 3.0, 4.5]}]}"""), r.json());
    Http.Reply chosen = Http.post(at("/v2/models/types/versions/1/infer"), """
        {"inputs": [{"name": "x", "shape": [2], "datatype": "FP32", "data": [[1.5], [-2]]}],
         "outputs": [{"name": "positive"}, {"name": "truncated"}]}""");
    assertEquals(Http.json("""
        {"model_name": "types", "model_version": "1", "outputs": [
          {"name": "positive", "datatype": "BOOL", "shape": [2], "data": [true, false]},
          {"name": "truncated", "datatype": "INT64", "shape": [2], "data": [1, -2]}]}"""), chosen.json());
  }

  @Test
  void mistakesAreFourHundredsAndUnknownModelsFourOhFour() {
    String infer = "/v2/models/half/infer";
    expect(Http.post(at(infer), "{\"inputs\": [{\"name\": \"x\", \"shape\": [1], \"datatype\": \"INT32\", "
        + "\"data\": [1]}]}"), 400, "has datatype INT32 but the model expects FP32");
    expect(Http.post(at(infer), "{\"inputs\": [{\"name\": \"x\", \"shape\": [2], \"datatype\": \"FP32\", "
        + "\"data\": [1]}]}"), 400, "(2 values) but 1 values of data");
    expect(Http.post(at(infer), "{\"inputs\": [{\"name\": \"z\", \"shape\": [1], \"datatype\": \"FP32\", "
        + "\"data\": [1]}]}"), 400, "unexpected input 'z'");
    expect(Http.post(at(infer), "{\"inputs\": []}"), 400, "expected \"inputs\"");
    expect(Http.post(at(infer), "not json"), 400, "JSON Parse error");
    expect(Http.post(at("/v2/models/nope/infer"), "{}"), 404, "Model nope is not served here");
    expect(Http.get(at("/v2/models/half/infer")), 400, "Malformed request");
  }

  private static void expect(Http.Reply r, int status, String message) {
    assertEquals(status, r.status(), r.body());
    assertTrue(r.error().contains(message), "expected '" + message + "' in " + r.body());
  }
}
