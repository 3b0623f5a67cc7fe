package org.introdl.savedmodels.values;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.introdl.core.UserError;
import org.tensorflow.proto.BytesList;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.FloatList;
import org.tensorflow.proto.Int64List;

/**
 * Serialized {@code tf.Example} protos from JSON, the way TensorFlow Serving's REST API takes them for the
 * {@code regress} and {@code classify} methods: {@code [{"x": 2.0}, {"x": [1.0, 2.0], "word": "cat"}]}, one object
 * per example. A feature's values are a number or string, or a list of them: numbers written with a decimal point
 * or exponent become a {@code float_list}, integers an {@code int64_list}, strings a {@code bytes_list} (text as
 * UTF-8; {@code {"b64": "..."}} for raw bytes).
 */
public final class TfExamples {
  private TfExamples() {}

  /** Whether {@code node} looks like examples (a list of JSON objects) rather than a list of strings. */
  public static boolean looksLikeExamples(JsonNode node) {
    return node.isArray() && !node.isEmpty() && node.get(0).isObject() && !node.get(0).has("b64");
  }

  /** The examples as a 1-D string tensor value. */
  public static TensorValue.Strings parse(JsonNode node, String where) {
    if (!node.isArray()) {
      throw new UserError(where + ": examples are a JSON list of objects, e.g. [{\"x\": 2.0}]");
    }
    List<byte[]> serialized = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      serialized.add(example(node.get(i), where + " example " + i).toByteArray());
    }
    return new TensorValue.Strings(new long[] {serialized.size()}, serialized);
  }

  static Example example(JsonNode object, String where) {
    if (!object.isObject()) {
      throw new UserError(where + ": " + object + " is not an object of features such as {\"x\": 2.0}");
    }
    Features.Builder features = Features.newBuilder();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      features.putFeature(f.getKey(), feature(f.getValue(), where + " feature " + f.getKey()));
    }
    return Example.newBuilder().setFeatures(features).build();
  }

  private static Feature feature(JsonNode value, String where) {
    List<JsonNode> values = new ArrayList<>();
    if (value.isArray()) {
      value.forEach(values::add);
    } else {
      values.add(value);
    }
    if (values.isEmpty()) {
      throw new UserError(where + ": an empty list has no type; leave the feature out instead");
    }
    if (values.stream().allMatch(v -> v.isTextual() || v.isObject())) {
      BytesList.Builder bytes = BytesList.newBuilder();
      values.forEach(v -> bytes.addValue(ByteString.copyFrom(bytes(v, where))));
      return Feature.newBuilder().setBytesList(bytes).build();
    }
    if (values.stream().allMatch(JsonNode::isIntegralNumber)) {
      Int64List.Builder ints = Int64List.newBuilder();
      for (JsonNode v : values) {
        if (!v.canConvertToLong()) {
          throw new UserError(where + ": " + v + " does not fit in int64");
        }
        ints.addValue(v.asLong());
      }
      return Feature.newBuilder().setInt64List(ints).build();
    }
    if (values.stream().allMatch(JsonNode::isNumber)) {
      FloatList.Builder floats = FloatList.newBuilder();
      for (JsonNode v : values) {
        float f = (float) v.asDouble();
        if (!Float.isFinite(f)) {
          throw new UserError(where + ": " + v + " is too large for float32");
        }
        floats.addValue(f);
      }
      return Feature.newBuilder().setFloatList(floats).build();
    }
    throw new UserError(where + ": values must be all numbers or all strings, not " + value);
  }

  private static byte[] bytes(JsonNode v, String where) {
    if (v.isObject()) {
      if (v.size() != 1 || !v.path("b64").isTextual()) {
        throw new UserError(where + ": " + v + " is not a string or {\"b64\": \"...\"}");
      }
      try {
        return Base64.getDecoder().decode(v.get("b64").asText());
      } catch (IllegalArgumentException e) {
        throw new UserError(where + ": " + v + " is not valid base64");
      }
    }
    return v.asText().getBytes(StandardCharsets.UTF_8);
  }
}
