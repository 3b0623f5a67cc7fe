package org.introdl.serving;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.values.TensorSpec;
import org.introdl.savedmodels.values.TensorValue;

/**
 * TensorFlow Serving's REST API over the served models, independent of any HTTP library: a method, a path and a
 * body in, a status code and a JSON body out. The paths, request and response formats, error messages and status
 * codes follow TF Serving's {@code api_rest.md} and its REST handler.
 */
public final class RestApi {
  private static final Pattern PREDICTION = Pattern.compile(
      "(?i)/v1/models/([^/:]+)(?:(?:/versions/(\\d+))|(?:/labels/([^/:]+)))?:(classify|regress|predict)");
  private static final Pattern STATUS = Pattern.compile(
      "(?i)/v1/models(?:/([^/:]+))?(?:(?:/versions/(\\d+))|(?:/labels/([^/:]+)))?(?:/(metadata))?");
  /** TF Serving reads NaN and Infinity tokens in requests, as JavaScript and Python's json module write them. */
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private final Map<String, ServedModel> models;
  private final DeadlineRuns runs;

  /**
   * @param models the served models by name
   * @param runs model runs under the request deadline (TF Serving's {@code --rest_api_timeout_in_ms})
   */
  public RestApi(Map<String, ServedModel> models, DeadlineRuns runs) {
    this.models = Map.copyOf(models);
    this.runs = runs;
  }

  /** An answer: the HTTP status, the JSON body, and what the metrics count it under. */
  public record Response(int status, String body, String model, String api, Long version,
      ServingError.Code code) {}

  /** What a matched path asks for. */
  private record Target(String model, OptionalLong version, String label, String verb) {}

  /** A handler's JSON and the version that answered (null when none did: the status API). */
  private record Answer(String json, Long version) {}

  /** Answers one request under {@code /v1/}. */
  public Response handle(String method, String path, byte[] body) {
    Target target = null;
    try {
      target = parse(method, path);
      Answer answer = switch (target.verb()) {
        case "status" -> status(target);
        case "metadata" -> metadata(target);
        default -> predictOrExamples(target, body);
      };
      return new Response(200, answer.json(), target.model(), api(target.verb()), answer.version(),
          ServingError.Code.OK);
    } catch (ServingError e) {
      return error(e, target);
    }
  }

  private Response error(ServingError e, Target target) {
    return new Response(e.code().httpStatus, errorJson(e), target == null ? null : target.model(),
        target == null ? null : api(target.verb()), null, e.code());
  }

  /** An error's body, {@code {"error": "..."}}, as both REST APIs answer it. */
  static String errorJson(ServingError e) {
    return write(out -> {
      out.writeStartObject();
      out.writeStringField("error", e.getMessage());
      out.writeEndObject();
    });
  }

  private static String api(String verb) {
    return switch (verb) {
      case "status" -> "GetModelStatus";
      case "metadata" -> "GetModelMetadata";
      default -> Character.toUpperCase(verb.charAt(0)) + verb.substring(1);
    };
  }

  private static Target parse(String method, String path) {
    ServingError malformed = ServingError.invalid("Malformed request: " + method + " " + path);
    Matcher m = null;
    if (method.equals("POST")) {
      m = PREDICTION.matcher(path);
    } else if (method.equals("GET")) {
      m = STATUS.matcher(path);
    }
    if (m == null || !m.matches()) {
      throw malformed;
    }
    String model = m.group(1) == null ? null : URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
    OptionalLong version = OptionalLong.empty();
    if (m.group(2) != null) {
      try {
        version = OptionalLong.of(Long.parseLong(m.group(2)));
      } catch (NumberFormatException e) {
        throw ServingError.invalid("Failed to convert version: " + m.group(2) + " to numeric.");
      }
    }
    String label = m.group(3) == null ? null : URLDecoder.decode(m.group(3), StandardCharsets.UTF_8);
    String verb = method.equals("POST") ? m.group(4).toLowerCase(java.util.Locale.ROOT)
        : m.group(4) != null ? "metadata" : "status";
    if (model == null) {
      throw ServingError.invalid("Missing model name in request.");
    }
    return new Target(model, version, label, verb);
  }

  private ServedModel model(Target target, boolean forStatus) {
    ServedModel model = models.get(target.model());
    if (model == null) {
      throw ServingError.notFound(forStatus ? "Could not find any versions of model " + target.model()
          : target.version().isPresent() ? "Servable not found for request: Specific(" + target.model() + ", "
              + target.version().getAsLong() + ")"
          : "Servable not found for request: Latest(" + target.model() + ")");
    }
    return model;
  }

  private Answer status(Target target) {
    List<ServedModel.VersionStatus> versions = model(target, true).status(target.version(), target.label());
    return new Answer(write(out -> ApiJson.writeStatus(out, versions)), null);
  }

  private Answer metadata(Target target) {
    try (ServedModel.Lease lease = model(target, false).acquire(target.version(), target.label())) {
      return new Answer(write(out -> ApiJson.writeMetadata(out, target.model(), lease.version(),
          lease.model().metaGraph())), lease.version());
    }
  }

  private Answer predictOrExamples(Target target, byte[] body) {
    boolean predict = target.verb().equals("predict");
    Answer plain = predict ? plainPredict(target, body) : null;
    if (plain != null) {
      return plain;
    }
    // As TF Serving: the body is read before the model is looked up, so a bad body is a 400 for any model.
    JsonNode doc = parseJson(body);
    String signatureName = signatureName(doc);
    TensorValue.Strings examples = predict ? null : JsonExamples.parse(doc, target.verb());
    ServedModel model = model(target, false);
    try (ServedModel.Lease lease = model.acquire(target.version(), target.label())) {
      if (predict) {
        SavedModelDir.Signature sig = lease.model().signature(signatureName);
        JsonTensors.PredictInputs inputs = JsonTensors.parsePredict(doc, requireInputs(sig));
        checkInputNames(inputs.inputs(), sig);
        Map<String, TensorValue> outputs = runs.run(lease, sig, inputs.inputs());
        return new Answer(write(out -> JsonTensors.writePredict(out, outputs, inputs.format())), lease.version());
      }
      if (!lease.model().metaGraph().getSignatureDefMap().containsKey(signatureName)) {
        throw ServingError.invalid("No signature was found with the name: " + signatureName);
      }
      ExampleSignatures.Plan plan = ExampleSignatures.plan(lease.model().signature(signatureName), target.verb());
      Map<String, TensorValue> outputs = runs.run(lease, plan.signature(), Map.of(plan.input(), examples));
      long count = examples.shape()[0];
      return new Answer(write(out -> ExampleSignatures.writeResults(out, plan, outputs, count)), lease.version());
    }
  }

  /**
   * The common request ({@code {"instances": [...]}} of plain numbers for a one-input default signature) read in one
   * pass ({@link PlainInstances}); null for any other request, or any mistake, which the general path answers.
   */
  private Answer plainPredict(Target target, byte[] body) {
    ServedModel model = models.get(target.model());
    ServedModel.Lease lease;
    try {
      lease = model == null ? null : model.acquire(target.version(), target.label());
    } catch (ServingError notServed) {
      return null; // an unknown version or label: the general path gives the error, after reading the body
    }
    if (lease == null) {
      return null;
    }
    try (lease) {
      SavedModelDir.Signature sig = lease.model().metaGraph().getSignatureDefMap()
          .containsKey(SavedModelDir.DEFAULT_SIGNATURE) ? lease.model().signature(SavedModelDir.DEFAULT_SIGNATURE)
          : null;
      TensorSpec spec = sig == null || sig.inputs().size() != 1 ? null : sig.inputs().values().iterator().next();
      TensorValue input = spec == null ? null : PlainInstances.read(body, spec, JSON);
      if (input == null) {
        return null;
      }
      Map<String, TensorValue> outputs = runs.run(lease, sig, Map.of(spec.key(), input));
      return new Answer(write(out -> JsonTensors.writePredict(out, outputs, JsonTensors.Format.ROW)),
          lease.version());
    }
  }

  private static Map<String, TensorSpec> requireInputs(SavedModelDir.Signature sig) {
    if (sig.inputs().isEmpty()) {
      throw ServingError.invalid("Failed to get input map for signature: " + sig.key());
    }
    return sig.inputs();
  }

  private static void checkInputNames(Map<String, TensorValue> given, SavedModelDir.Signature sig) {
    if (given.size() != sig.inputs().size()) {
      java.util.TreeSet<String> extra = new java.util.TreeSet<>(given.keySet());
      extra.removeAll(sig.inputs().keySet());
      java.util.TreeSet<String> missing = new java.util.TreeSet<>(sig.inputs().keySet());
      missing.removeAll(given.keySet());
      throw ServingError.invalid("input size does not match signature: " + given.size() + "!="
          + sig.inputs().size() + " len({" + String.join(",", new java.util.TreeSet<>(given.keySet()))
          + "}) != len({" + String.join(",", sig.inputs().keySet()) + "}). Sent extra: {" + String.join(",", extra)
          + "}. Missing but required: {" + String.join(",", missing) + "}.");
    }
  }

  /** A request body as a JSON object, or the parse error TF Serving gives. */
  static JsonNode parseJson(byte[] body) {
    if (body.length == 0) {
      throw ServingError.invalid("JSON Parse error: The document is empty");
    }
    JsonNode doc;
    try {
      doc = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      long offset = e.getLocation() == null ? 0 : e.getLocation().getCharOffset();
      throw ServingError.invalid("JSON Parse error: " + firstLine(e.getOriginalMessage()) + " at offset: "
          + Math.max(offset, 0));
    } catch (IOException e) {
      throw ServingError.invalid("JSON Parse error: " + e.getMessage());
    }
    if (doc == null || doc.isMissingNode()) {
      throw ServingError.invalid("JSON Parse error: The document is empty");
    }
    if (!doc.isObject()) {
      throw ServingError.invalid("JSON Value: " + JsonTensors.brief(doc) + " Is not object");
    }
    return doc;
  }

  private static String signatureName(JsonNode doc) {
    JsonNode name = doc.get("signature_name");
    if (name == null) {
      return SavedModelDir.DEFAULT_SIGNATURE;
    }
    if (!name.isTextual()) {
      throw ServingError.invalid("JSON Value: " + JsonTensors.brief(doc)
          + " not formatted correctly. 'signature_name' key must be a string value.");
    }
    return name.asText().isEmpty() ? SavedModelDir.DEFAULT_SIGNATURE : name.asText();
  }

  private static String firstLine(String s) {
    int nl = s == null ? -1 : s.indexOf('\n');
    return s == null ? "invalid JSON" : nl < 0 ? s : s.substring(0, nl);
  }

  /** Writes JSON through Jackson (numbers as TF Serving formats them are written raw). */
  interface JsonWriting {
    void write(JsonGenerator out) throws IOException;
  }

  static String write(JsonWriting writing) {
    StringWriter text = new StringWriter();
    try (JsonGenerator out = JSON.getFactory().createGenerator(text)) {
      writing.write(out);
    } catch (IOException e) {
      throw new ServingError(ServingError.Code.INTERNAL, "cannot write JSON: " + e.getMessage());
    }
    return text.toString();
  }

  /** The served models by name (for the server's health check and log). */
  Map<String, ServedModel> models() {
    return new LinkedHashMap<>(models);
  }
}
