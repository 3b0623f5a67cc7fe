package org.introdl.serving;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.introdl.core.io.Npy;
import org.introdl.savedmodels.values.Dtypes;
import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.values.TensorSpec;
import org.introdl.savedmodels.values.TensorValue;
import org.tensorflow.proto.DataType;

/**
 * The KServe / Open Inference Protocol (v2) REST endpoints over the same models, for KServe and Triton clients:
 * {@code GET /v2/health/live|ready}, {@code GET /v2/models/NAME[/versions/V]} (metadata), {@code .../ready}, and
 * {@code POST .../infer} on the {@code serving_default} signature. Tensors travel as
 * {@code {"name", "shape", "datatype", "data"}} with the data flat in row-major order (nested lists are read too).
 */
public final class OpenInferenceApi {
  private static final Pattern MODEL = Pattern.compile("/v2/models/([^/]+)(?:/versions/(\\d{1,18}))?(/ready|/infer)?");
  private static final Map<DataType, String> DATATYPES = Map.ofEntries(Map.entry(DataType.DT_BOOL, "BOOL"),
      Map.entry(DataType.DT_UINT8, "UINT8"), Map.entry(DataType.DT_UINT16, "UINT16"),
      Map.entry(DataType.DT_INT32, "INT32"), Map.entry(DataType.DT_INT64, "INT64"),
      Map.entry(DataType.DT_HALF, "FP16"), Map.entry(DataType.DT_BFLOAT16, "BF16"),
      Map.entry(DataType.DT_FLOAT, "FP32"), Map.entry(DataType.DT_DOUBLE, "FP64"),
      Map.entry(DataType.DT_STRING, "BYTES"));

  private final Map<String, ServedModel> models;
  private final DeadlineRuns runs;

  public OpenInferenceApi(Map<String, ServedModel> models, DeadlineRuns runs) {
    this.models = Map.copyOf(models);
    this.runs = runs;
  }

  /** Answers one request under {@code /v2/}. */
  public RestApi.Response handle(String method, String path, byte[] body) {
    String model = null;
    String api = null;
    try {
      if (method.equals("GET") && (path.equals("/v2/health/live") || path.equals("/v2/health/ready"))) {
        boolean live = path.endsWith("live");
        boolean ready = live || models.values().stream().allMatch(m -> m.states().containsValue(
            ServedModel.State.AVAILABLE));
        String json = RestApi.write(out -> {
          out.writeStartObject();
          out.writeBooleanField(live ? "live" : "ready", ready);
          out.writeEndObject();
        });
        return new RestApi.Response(ready ? 200 : 503, json, null, null, null, ServingError.Code.OK);
      }
      Matcher m = MODEL.matcher(path);
      String verb = m.matches() ? (m.group(3) == null ? "" : m.group(3).substring(1)) : null;
      if (verb == null || !method.equals(verb.equals("infer") ? "POST" : "GET")) {
        throw ServingError.invalid("Malformed request: " + method + " " + path);
      }
      model = java.net.URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
      api = switch (verb) {
        case "infer" -> "ModelInfer";
        case "ready" -> "ModelReady";
        default -> "ModelMetadata";
      };
      OptionalLong version = m.group(2) == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(m.group(2)));
      ServedModel served = models.get(model);
      if (served == null) {
        throw ServingError.notFound("Model " + model + " is not served here");
      }
      if (verb.equals("ready")) {
        return ready(served, model, version, api);
      }
      try (ServedModel.Lease lease = served.acquire(version, null)) {
        SavedModelDir.Signature sig = lease.model().signature(SavedModelDir.DEFAULT_SIGNATURE);
        String name = model;
        String json = verb.equals("infer") ? infer(name, lease, sig, RestApi.parseJson(body))
            : RestApi.write(out -> writeMetadata(out, name, served, sig));
        return new RestApi.Response(200, json, model, api, lease.version(), ServingError.Code.OK);
      }
    } catch (ServingError e) {
      return new RestApi.Response(e.code().httpStatus, RestApi.errorJson(e), model, api, null, e.code());
    }
  }

  private static RestApi.Response ready(ServedModel served, String model, OptionalLong version, String api) {
    boolean ready = served.states().entrySet().stream().anyMatch(e -> e.getValue() == ServedModel.State.AVAILABLE
        && (version.isEmpty() || e.getKey() == version.getAsLong()));
    String json = RestApi.write(out -> {
      out.writeStartObject();
      out.writeStringField("name", model);
      out.writeBooleanField("ready", ready);
      out.writeEndObject();
    });
    return new RestApi.Response(ready ? 200 : 503, json, model, api, null, ServingError.Code.OK);
  }

  private static void writeMetadata(JsonGenerator out, String name, ServedModel served,
      SavedModelDir.Signature sig) throws IOException {
    out.writeStartObject();
    out.writeStringField("name", name);
    out.writeArrayFieldStart("versions");
    for (Map.Entry<Long, ServedModel.State> e : served.states().entrySet()) {
      if (e.getValue() == ServedModel.State.AVAILABLE) {
        out.writeString(Long.toString(e.getKey()));
      }
    }
    out.writeEndArray();
    out.writeStringField("platform", "tensorflow_savedmodel");
    writeSpecs(out, "inputs", sig.inputs().values());
    writeSpecs(out, "outputs", sig.outputs().values());
    out.writeEndObject();
  }

  private static void writeSpecs(JsonGenerator out, String field, java.util.Collection<TensorSpec> specs)
      throws IOException {
    out.writeArrayFieldStart(field);
    for (TensorSpec spec : specs) {
      out.writeStartObject();
      out.writeStringField("name", spec.key());
      out.writeStringField("datatype", datatype(spec.dtype()));
      out.writeArrayFieldStart("shape");
      for (long d : spec.shape() == null ? new long[] {-1} : spec.shape()) {
        out.writeNumber(d);
      }
      out.writeEndArray();
      out.writeEndObject();
    }
    out.writeEndArray();
  }

  private static String datatype(DataType dtype) {
    return DATATYPES.getOrDefault(Dtypes.base(dtype), Dtypes.name(dtype).toUpperCase(java.util.Locale.ROOT));
  }

  private String infer(String model, ServedModel.Lease lease, SavedModelDir.Signature sig, JsonNode doc) {
    JsonNode inputs = doc.get("inputs");
    if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
      throw ServingError.invalid("expected \"inputs\": a list of {\"name\", \"shape\", \"datatype\", \"data\"}");
    }
    Map<String, TensorValue> values = new LinkedHashMap<>();
    for (JsonNode input : inputs) {
      String name = input.path("name").asText();
      TensorSpec spec = sig.inputs().get(name);
      if (spec == null) {
        throw ServingError.invalid("unexpected input '" + name + "'; the model takes "
            + String.join(", ", sig.inputs().keySet()));
      }
      if (values.put(name, tensor(input, spec)) != null) {
        throw ServingError.invalid("input '" + name + "' is given twice");
      }
    }
    Set<String> missing = new HashSet<>(sig.inputs().keySet());
    missing.removeAll(values.keySet());
    if (!missing.isEmpty()) {
      throw ServingError.invalid("missing input " + String.join(", ", new java.util.TreeSet<>(missing)));
    }
    Map<String, TensorValue> outputs = runs.run(lease, sig, values);
    List<String> wanted = new ArrayList<>();
    for (JsonNode o : doc.path("outputs")) {
      String name = o.path("name").asText();
      if (!outputs.containsKey(name)) {
        throw ServingError.invalid("unexpected output '" + name + "'; the model gives "
            + String.join(", ", outputs.keySet()));
      }
      wanted.add(name);
    }
    if (wanted.isEmpty()) {
      wanted.addAll(outputs.keySet());
    }
    return RestApi.write(out -> {
      out.writeStartObject();
      out.writeStringField("model_name", model);
      out.writeStringField("model_version", Long.toString(lease.version()));
      if (doc.has("id")) {
        out.writeStringField("id", doc.get("id").asText());
      }
      out.writeArrayFieldStart("outputs");
      for (String name : wanted) {
        writeTensor(out, name, sig.outputs().get(name).dtype(), outputs.get(name));
      }
      out.writeEndArray();
      out.writeEndObject();
    });
  }

  /** One input tensor: its datatype must be the model's, its data as many values as its shape holds. */
  private static TensorValue tensor(JsonNode input, TensorSpec spec) {
    String name = spec.key();
    String datatype = input.path("datatype").asText();
    if (!datatype.equals(datatype(spec.dtype()))) {
      throw ServingError.invalid("input '" + name + "' has datatype " + datatype + " but the model expects "
          + datatype(spec.dtype()));
    }
    JsonNode shapeNode = input.get("shape");
    if (shapeNode == null || !shapeNode.isArray()) {
      throw ServingError.invalid("input '" + name + "' needs a \"shape\" list");
    }
    long[] shape = new long[shapeNode.size()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      if (!shapeNode.get(i).canConvertToLong() || shapeNode.get(i).asLong() < 0) {
        throw ServingError.invalid("input '" + name + "' has a bad shape " + shapeNode);
      }
      shape[i] = shapeNode.get(i).asLong();
      count = Math.multiplyExact(count, shape[i]);
    }
    List<JsonNode> data = new ArrayList<>();
    flatten(input.path("data"), data);
    if (data.size() != count) {
      throw ServingError.invalid("input '" + name + "' has shape " + shapeNode + " (" + count + " values) but "
          + data.size() + " values of data");
    }
    if (spec.isString()) {
      List<byte[]> strings = new ArrayList<>();
      for (JsonNode v : data) {
        if (!v.isTextual()) {
          throw ServingError.invalid("input '" + name + "': " + v + " is not a string");
        }
        strings.add(v.asText().getBytes(StandardCharsets.UTF_8));
      }
      return new TensorValue.Strings(shape, strings);
    }
    Npy.DType carrier = spec.npyType().orElseThrow(() -> new ServingError(ServingError.Code.UNIMPLEMENTED,
        "input '" + name + "': datatype " + datatype + " is not supported"));
    ByteBuffer buf = ByteBuffer.allocate(data.size() * carrier.itemSize).order(ByteOrder.LITTLE_ENDIAN);
    for (JsonNode v : data) {
      boolean ok = switch (carrier) {
        case BOOL -> v.isBoolean();
        case FLOAT32, FLOAT64 -> v.isNumber() || v.isTextual() && v.asText().matches("NaN|-?Infinity");
        default -> v.isIntegralNumber();
      };
      if (!ok) {
        throw ServingError.invalid("input '" + name + "': " + v + " is not a " + datatype + " value");
      }
      double d = v.isTextual() ? Double.parseDouble(v.asText()) : v.asDouble();
      switch (carrier) {
        case FLOAT32 -> buf.putFloat((float) d);
        case FLOAT64 -> buf.putDouble(d);
        case INT32 -> buf.putInt(Math.toIntExact(v.asLong()));
        case INT64 -> buf.putLong(v.asLong());
        case UINT8 -> buf.put((byte) v.asInt());
        case BOOL -> buf.put((byte) (v.asBoolean() ? 1 : 0));
      }
    }
    buf.flip();
    return new TensorValue.Numbers(new Npy.Array(carrier, shape, buf), Dtypes.base(spec.dtype()));
  }

  private static void flatten(JsonNode node, List<JsonNode> out) {
    if (node.isArray()) {
      node.forEach(child -> flatten(child, out));
    } else if (!node.isMissingNode()) {
      out.add(node);
    }
  }

  private static void writeTensor(JsonGenerator out, String name, DataType dtype, TensorValue value)
      throws IOException {
    out.writeStartObject();
    out.writeStringField("name", name);
    out.writeStringField("datatype", datatype(dtype));
    out.writeArrayFieldStart("shape");
    for (long d : value.shape()) {
      out.writeNumber(d);
    }
    out.writeEndArray();
    out.writeFieldName("data");
    JsonTensors.writeFlat(out, value);
    out.writeEndObject();
  }
}
