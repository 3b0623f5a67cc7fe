package org.introdl.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.introdl.core.safety.RunLimits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.FloatList;

/**
 * TensorFlow Serving's REST API, over a real server on a loopback port and the JDK's HTTP client: every endpoint and
 * format against TF Serving's own half_plus_two exports (y = x/2 + 2, so every expected value is a closed form) and
 * a model made here with one output of each JSON type; the status and metadata answers compared field by field with
 * TF Serving's documented ones; each bad request answered with TF Serving's status code and error, after which the
 * server still answers.
 */
class TfServingRestApiTest {
  private static final long MAX_BODY = 64 * 1024;
  @TempDir static Path tmp;
  static ModelServer server;

  @BeforeAll
  static void startServer() throws IOException {
    RunLimits limits = RunLimits.of(false);
    Path half = TestModels.basePath(tmp, "half_plus_two", 123, TestModels.halfPlusTwoTf1());
    List<ModelConfig> models = List.of(
        new ModelConfig("half_plus_two", half, new ModelConfig.VersionPolicy.Latest(1), Map.of("stable", 123L),
            limits),
        new ModelConfig("half_tf2", TestModels.halfPlusTwoTf2(), new ModelConfig.VersionPolicy.Latest(1), Map.of(),
            limits),
        new ModelConfig("types", TestModels.allJsonTypes(tmp.resolve("types")),
            new ModelConfig.VersionPolicy.Latest(1), Map.of(), limits));
    server = ModelServer.start(models, new InProcessLoader(),
        new ModelServer.Options("127.0.0.1", 0, Duration.ofSeconds(30), MAX_BODY, Duration.ofSeconds(5), false),
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

  // ---- status and metadata ----

  @Test
  void statusIsTheDocumentedAnswerForEveryWayOfNamingTheVersion() {
    JsonNode documented = Http.json("""
        {"model_version_status": [{"version": "123", "state": "AVAILABLE",
          "status": {"error_code": "OK", "error_message": ""}}]}""");
    for (String path : new String[] {"/v1/models/half_plus_two", "/v1/models/half_plus_two/versions/123",
        "/v1/models/half_plus_two/labels/stable"}) {
      Http.Reply r = Http.get(at(path));
      assertEquals(200, r.status(), path);
      assertEquals("application/json", r.contentType());
      assertEquals(documented, r.json(), path);
    }
  }

  @Test
  void metadataHoldsTheSignatureDefsFieldByField() {
    JsonNode metadata = Http.get(at("/v1/models/half_plus_two/metadata")).json();
    assertEquals(Http.json("{\"name\": \"half_plus_two\", \"signature_name\": \"\", \"version\": \"123\"}"),
        metadata.get("model_spec"));
    JsonNode signatures = metadata.path("metadata").path("signature_def").path("signature_def");
    // As TF Serving's own test data shows them for this model (saved_model_half_plus_two_2_versions_metadata.json).
    String batchOfOne = "{\"dim\": [{\"size\": \"-1\", \"name\": \"\"}, {\"size\": \"1\", \"name\": \"\"}],"
        + " \"unknown_rank\": false}";
    assertEquals(Http.json("{\"inputs\": {\"x\": {\"dtype\": \"DT_FLOAT\", \"tensor_shape\": " + batchOfOne
        + ", \"name\": \"x:0\"}}, \"outputs\": {\"y\": {\"dtype\": \"DT_FLOAT\", \"tensor_shape\": " + batchOfOne
        + ", \"name\": \"y:0\"}}, \"method_name\": \"tensorflow/serving/predict\", \"defaults\": {}}"),
        signatures.get("serving_default"));
    assertEquals(Http.json("{\"inputs\": {\"inputs\": {\"dtype\": \"DT_STRING\", \"tensor_shape\": {\"dim\": [],"
        + " \"unknown_rank\": true}, \"name\": \"tf_example:0\"}}, \"outputs\": {\"scores\": {\"dtype\":"
        + " \"DT_FLOAT\", \"tensor_shape\": " + batchOfOne + ", \"name\": \"y:0\"}}, \"method_name\":"
        + " \"tensorflow/serving/classify\", \"defaults\": {}}"), signatures.get("classify_x_to_y"));
    assertEquals(List.of("classify_x_to_y", "regress_x2_to_y3", "regress_x_to_y", "regress_x_to_y2",
        "serving_default"), fieldNames(signatures));
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  // ---- predict ----

  @Test
  void predictAnswersTheDocumentedCurlExample() {
    Http.Reply r = Http.post(at("/v1/models/half_plus_two:predict"), "{\"instances\": [1.0, 2.0, 5.0]}");
    assertEquals(200, r.status(), r.body());
    assertEquals("{\"predictions\":[2.5,3.0,4.5]}", r.body()); // y = x/2 + 2, written as TF Serving writes floats
  }

  @Test
  void predictTakesRowAndColumnarFormatsOnEveryRoute() {
    assertEquals(halfPlusTwo(1, 2), Http.post(at("/v1/models/half_plus_two:predict"),
        "{\"instances\": [[1.0], [2.0]]}").json().get("predictions"));
    assertEquals(halfPlusTwo(3, 4), Http.post(at("/v1/models/half_plus_two/versions/123:predict"),
        "{\"signature_name\": \"serving_default\", \"inputs\": {\"x\": [[3], [4]]}}").json().get("outputs"));
    assertEquals(halfPlusTwo(7), Http.post(at("/v1/models/half_plus_two/labels/stable:predict"),
        "{\"inputs\": [[7.0]]}").json().get("outputs"));
    Http.Reply tf2 = Http.post(at("/v1/models/half_tf2:predict"), "{\"instances\": [2.0]}");
    assertEquals("{\"predictions\":[3.0]}", tf2.body());
  }

  /** [[x/2 + 2], ...] computed here. */
  private static JsonNode halfPlusTwo(double... xs) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < xs.length; i++) {
      b.append(i > 0 ? "," : "").append('[').append(xs[i] / 2 + 2).append(']');
    }
    return Http.json(b.append(']').toString());
  }

  @Test
  void predictTakesBase64BytesForAStringInput() {
    byte[] example = Example.newBuilder().setFeatures(Features.newBuilder().putFeature("x", Feature.newBuilder()
        .setFloatList(FloatList.newBuilder().addValue(6f)).build())).build().toByteArray();
    String b64 = Base64.getEncoder().encodeToString(example);
    Http.Reply r = Http.post(at("/v1/models/half_plus_two:predict"),
        "{\"signature_name\": \"regress_x_to_y\", \"instances\": [{\"b64\": \"" + b64 + "\"}]}");
    assertEquals(200, r.status(), r.body());
    assertEquals(halfPlusTwo(6), r.json().get("predictions"));
  }

  @Test
  void severalOutputsAreNamedAndEachJsonTypeIsWrittenAsTfServingWritesIt() {
    Http.Reply rows = Http.post(at("/v1/models/types:predict"), "{\"instances\": [1.5, -2.0]}");
    assertEquals(200, rows.status(), rows.body());
    assertEquals(Http.json("""
        {"predictions": [
          {"doubled": 3.0, "positive": true, "text_bytes": {"b64": "%s"}, "truncated": 1},
          {"doubled": -4.0, "positive": false, "text_bytes": {"b64": "%s"}, "truncated": -2}]}"""
        .formatted(b64(asString(1.5f)), b64(asString(-2f)))), rows.json());
    Http.Reply columns = Http.post(at("/v1/models/types:predict"), "{\"inputs\": [0.5]}");
    assertEquals(Http.json("{\"outputs\": {\"doubled\": [1.0], \"positive\": [true], \"text_bytes\": [{\"b64\": \""
        + b64(asString(0.5f)) + "\"}], \"truncated\": [0]}}"), columns.json());
    Http.Reply named = Http.post(at("/v1/models/types:predict"),
        "{\"signature_name\": \"add\", \"inputs\": {\"a\": [1, 2], \"b\": 0.25}}");
    assertEquals("{\"outputs\":[1.25,2.25]}", named.body());
  }

  /** TensorFlow's AsString of a float: C's %f. */
  private static String asString(float x) {
    return String.format(java.util.Locale.ROOT, "%f", x);
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void nanAndInfinityTravelAsTheJavaScriptTokens() {
    Http.Reply r = Http.post(at("/v1/models/types:predict"),
        "{\"signature_name\": \"add\", \"inputs\": {\"a\": [NaN, Infinity, -Infinity], \"b\": 1}}");
    assertEquals("{\"outputs\":[NaN,Infinity,-Infinity]}", r.body());
  }

  // ---- classify and regress ----

  @Test
  void regressAndClassifyAnswerAsTfServingsOwnTests() {
    // TF Serving's REST handler test: regress x=80 gives 42, classify x=20 gives [["", 12]], x=10 gives 7.
    assertEquals("{\"results\":[42.0]}", Http.post(at("/v1/models/half_plus_two:regress"),
        "{\"signature_name\": \"regress_x_to_y\", \"examples\": [{\"x\": 80.0}]}").body());
    assertEquals("{\"results\":[[[\"\",12.0]],[[\"\",7.0]]]}", Http.post(at("/v1/models/half_plus_two:classify"),
        "{\"signature_name\": \"classify_x_to_y\", \"examples\": [{\"x\": 20.0}, {\"x\": 10.0}]}").body());
    assertEquals("{\"results\":[[[\"\",3.0]]]}", Http.post(at("/v1/models/half_tf2:classify"),
        "{\"signature_name\": \"classify_x_to_y\", \"examples\": [{\"x\": 2.0}]}").body());
  }

  @Test
  void contextFeaturesReachEveryExample() {
    Http.Reply r = Http.post(at("/v1/models/half_plus_two:regress"),
        "{\"signature_name\": \"regress_x_to_y\", \"context\": {\"x\": 4.0}, \"examples\": [{}, {\"x2\": 1.0}]}");
    assertEquals("{\"results\":[4.0,4.0]}", r.body());
  }

  // ---- bad requests: TF Serving's status and error, and the server stays up ----

  @Test
  void badBodiesAreFourHundredsWithTfServingsMessages() {
    String predict = "/v1/models/half_plus_two:predict";
    expectError(Http.post(at(predict), ""), 400, "JSON Parse error: The document is empty");
    expectError(Http.post(at(predict), "instances = [1, 2]"), 400, "JSON Parse error");
    expectError(Http.post(at(predict), "{\"instances\": [\"x\", \"y\"]}"), 400,
        "JSON Value: \"x\" Type: String is not of expected type: float");
    expectError(Http.post(at(predict), "{\"instances\": [16777217]}"), 400,
        "Cannot convert JSON value: 16777217 to float without loss of precision.");
    expectError(Http.post(at(predict), "{\"instances\": [[1.0], [2.0, 3.0]]}"), 400,
        "Failed to process element: 1 of 'instances' list. Error: INVALID_ARGUMENT: Expecting tensor size: 1 but got: 2");
    expectError(Http.post(at(predict), "{\"inputs\": [[1.0], [2.0, 3.0]]}"), 400,
        "Encountered list at unexpected size: 2 at level: 1 expected size: 1");
    expectError(Http.post(at(predict), "{\"signature_name\": 100}"), 400,
        "'signature_name' key must be a string value.");
    expectError(Http.post(at(predict), "{\"signature\": \"serving_default\"}"), 400,
        "Missing 'inputs' or 'instances' key");
    expectError(Http.post(at(predict), "{\"inputs\": {\"y\": [1.0]}}"), 400, "Missing named input: x in 'inputs' object.");
    expectError(Http.post(at("/v1/models/types:predict"), "{\"signature_name\": \"add\", \"instances\": "
        + "[{\"a\": 1.0, \"b\": 2.0, \"c\": 3.0}]}"), 400, "JSON object: does not have named input: c");
    expectError(Http.post(at("/v1/models/types:predict"), "{\"signature_name\": \"add\", \"instances\": "
        + "[{\"a\": 1.0}]}"), 400, "keys must be equal to: a,b");
    // A shape the graph rejects: TensorFlow's own message, as TF Serving passes it on.
    expectError(Http.post(at("/v1/models/types:predict"), "{\"signature_name\": \"add\", \"inputs\": "
        + "{\"a\": [1.0, 2.0, 3.0], \"b\": [1.0, 2.0]}}"), 400, "Incompatible shapes: [3] vs. [2]");
    expectError(Http.post(at("/v1/models/half_plus_two:regress"), "{\"examples\": [{\"x\": 1.0}]}"), 400,
        "No regression inputs found in SignatureDef");
    expectStillServing();
  }

  @Test
  void unknownModelsVersionsLabelsAndSignaturesAreNamed() {
    expectError(Http.post(at("/v1/models/nope:predict"), "{\"instances\": [1.0]}"), 404,
        "Servable not found for request: Latest(nope)");
    expectError(Http.post(at("/v1/models/half_plus_two/versions/99:predict"), "{\"instances\": [1.0]}"), 404,
        "Servable not found for request: Specific(half_plus_two, 99)");
    expectError(Http.post(at("/v1/models/half_plus_two/labels/nope:predict"), "{\"instances\": [1.0]}"), 400,
        "Unrecognized servable version label: nope");
    expectError(Http.post(at("/v1/models/half_plus_two:predict"),
        "{\"signature_name\": \"nope\", \"instances\": [1.0]}"), 400,
        "Serving signature name: \"nope\" not found in signature def");
    expectError(Http.post(at("/v1/models/half_plus_two:classify"),
        "{\"signature_name\": \"nope\", \"examples\": [{\"x\": 1.0}]}"), 400, "No signature was found with the name: nope");
    expectError(Http.get(at("/v1/models/nope")), 404, "Could not find any versions of model nope");
    expectError(Http.get(at("/v1/models/half_plus_two/versions/99")), 404,
        "Could not find version 99 of model half_plus_two");
    expectError(Http.get(at("/v1/models/nope/metadata")), 404, "Servable not found for request: Latest(nope)");
    expectError(Http.get(at("/v1/foo")), 400, "Malformed request: GET /v1/foo");
    expectError(Http.get(at("/v1/models")), 400, "Missing model name in request.");
    expectError(Http.get(at("/v1/models/half_plus_two:predict")), 400, "Malformed request");
    expectError(Http.post(at("/v1/models/half_plus_two/versions/HELLO:regress"), "{}"), 400, "Malformed request");
    expectStillServing();
  }

  @Test
  void anOversizeBodyIsRefusedBeforeItIsRead() {
    String huge = "{\"instances\": [" + "1.0, ".repeat((int) MAX_BODY / 4) + "1.0]}";
    Http.Reply r = Http.post(at("/v1/models/half_plus_two:predict"), huge);
    assertEquals(413, r.status(), r.body());
    assertTrue(r.error().contains("over the limit of " + MAX_BODY + " bytes"), r.body());
    expectStillServing();
  }

  @Test
  void aClientThatHangsUpMidRequestLeavesTheServerServing() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v1/models/half_plus_two:predict HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"
          + "{\"instances\": [1.0,").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
    expectStillServing();
  }

  private static void expectError(Http.Reply r, int status, String message) {
    assertEquals(status, r.status(), r.body());
    assertEquals("application/json", r.contentType());
    assertTrue(r.error().contains(message), "expected '" + message + "' in " + r.body());
    assertTrue(!r.error().isEmpty(), r.body());
  }

  private static void expectStillServing() {
    assertEquals("{\"predictions\":[3.0]}", Http.post(at("/v1/models/half_plus_two:predict"),
        "{\"instances\": [2.0]}").body());
  }

  // ---- operations ----

  @Test
  void metricsCountRequestsPerModelAndStatusAndTimeThemPerApiAndVersion() {
    Http.post(at("/v1/models/half_plus_two:predict"), "{\"instances\": [2.0]}");
    Http.post(at("/v1/models/nope:predict"), "{\"instances\": [2.0]}");
    Http.Reply r = Http.get(at(ModelServer.METRICS_PATH));
    assertEquals(200, r.status());
    assertTrue(r.body().contains(":tensorflow:serving:request_count{model_name=\"nope\",status=\"NOT_FOUND\"} "),
        r.body());
    String predict = "model_name=\"half_plus_two\",API=\"Predict\",entrypoint=\"REST\",version=\"123\"";
    long count = metric(r.body(), ":tensorflow:serving:request_latency_count{" + predict + "}");
    long infinite = metric(r.body(), ":tensorflow:serving:request_latency_bucket{" + predict + ",le=\"+Inf\"}");
    assertTrue(count >= 1, r.body());
    assertEquals(count, infinite);
    assertTrue(metric(r.body(), ":tensorflow:serving:request_count{model_name=\"half_plus_two\",status=\"OK\"}")
        >= count);
  }

  private static long metric(String scrape, String series) {
    return scrape.lines().filter(l -> l.startsWith(series + " ")).mapToLong(l -> Long.parseLong(
        l.substring(series.length() + 1))).findFirst().orElseThrow(() -> new AssertionError(series + " in "
            + scrape));
  }

  @Test
  void healthIsOkWhenEveryModelHasAVersionToServe() {
    Http.Reply r = Http.get(at(ModelServer.HEALTH_PATH));
    assertEquals(200, r.status(), r.body());
    assertEquals(404, Http.get(at("/index.html")).status());
  }
}
