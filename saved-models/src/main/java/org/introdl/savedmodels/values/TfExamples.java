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
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;

/**
 * Serialized {@code tf.Example} protos from JSON, the way TensorFlow Serving's REST API takes them for the
 * {@code regress} and {@code classify} methods: {@code [{"x": 2.0}, {"x": [1.0, 2.0], "word": "cat"}]}, one object
 * per example. A feature's values are a number, boolean or string, or a list of them: numbers written with a decimal
 * point or exponent become a {@code float_list}, integers and booleans an {@code int64_list}, strings a
 * {@code bytes_list} (text as UTF-8; {@code {"b64": "..."}} for raw bytes).
 *
 * <p>The command line ({@code --input}) and the server read examples with this one converter; they differ only where
 * a {@link Dialect} says: the words of each mistake (TensorFlow Serving's own messages for the server, one line
 * naming the input for the command line), and two rules (the server, as TensorFlow Serving, types a list by its first
 * value and takes an empty list; the command line reads {@code [1, 2.5]} as floats and refuses an empty list).
 */
public final class TfExamples {
  private TfExamples() {}

  /** Where readers of examples differ: two rules, and the error for each mistake. */
  public interface Dialect {
    /** Whether a list of integers and decimals is a float list (else the first value's type rules the list). */
    boolean mixedNumbersAreFloats();

    /** Whether an empty list is a feature with no values (else {@link #emptyList}). */
    boolean takesEmptyLists();

    RuntimeException notAnObject(JsonNode value, String where);

    RuntimeException emptyList(String feature, String where);

    /** A value of another type than the list's ({@code listType}: "bytes", "float" or "int64"). */
    RuntimeException mixedTypes(String feature, String listType, JsonNode featureValue, String where);

    /** A null, a nested list, or an object that is not {@code {"b64": "..."}}. */
    RuntimeException unexpectedType(String feature, JsonNode value, JsonNode featureValue, String where);

    RuntimeException notInt64(String feature, JsonNode value, String where);

    RuntimeException notFloat32(String feature, JsonNode value, String where);

    RuntimeException notBase64(String feature, JsonNode value, String where);
  }

  /** The command line's words: one line naming the input, the example and the feature. */
  public static final Dialect COMMAND_LINE = new Dialect() {
    @Override
    public boolean mixedNumbersAreFloats() {
      return true;
    }

    @Override
    public boolean takesEmptyLists() {
      return false;
    }

    @Override
    public RuntimeException notAnObject(JsonNode value, String where) {
      return new UserError(where + ": " + value + " is not an object of features such as {\"x\": 2.0}");
    }

    @Override
    public RuntimeException emptyList(String feature, String where) {
      return new UserError(where + " feature " + feature + ": an empty list has no type; leave the feature out"
          + " instead");
    }

    @Override
    public RuntimeException mixedTypes(String feature, String listType, JsonNode featureValue, String where) {
      return new UserError(where + " feature " + feature + ": values must be all numbers or all strings, not "
          + featureValue);
    }

    @Override
    public RuntimeException unexpectedType(String feature, JsonNode value, JsonNode featureValue, String where) {
      return value.isObject()
          ? new UserError(where + " feature " + feature + ": " + value + " is not a string or {\"b64\": \"...\"}")
          : mixedTypes(feature, "", featureValue, where);
    }

    @Override
    public RuntimeException notInt64(String feature, JsonNode value, String where) {
      return new UserError(where + " feature " + feature + ": " + value + " does not fit in int64");
    }

    @Override
    public RuntimeException notFloat32(String feature, JsonNode value, String where) {
      return new UserError(where + " feature " + feature + ": " + value + " is too large for float32");
    }

    @Override
    public RuntimeException notBase64(String feature, JsonNode value, String where) {
      return new UserError(where + " feature " + feature + ": " + value + " is not valid base64");
    }
  };

  /** Whether {@code node} looks like examples (a list of JSON objects) rather than a list of strings. */
  public static boolean looksLikeExamples(JsonNode node) {
    return node.isArray() && !node.isEmpty() && node.get(0).isObject() && !node.get(0).has("b64");
  }

  /** The command line's examples ({@code --input KEY=[{...}, ...]}) as a 1-D string tensor value. */
  public static TensorValue.Strings parse(JsonNode node, String where) {
    if (!node.isArray()) {
      throw new UserError(where + ": examples are a JSON list of objects, e.g. [{\"x\": 2.0}]");
    }
    List<byte[]> serialized = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      serialized.add(example(node.get(i), COMMAND_LINE, where + " example " + i).toByteArray());
    }
    return new TensorValue.Strings(new long[] {serialized.size()}, serialized);
  }

  /** One example from a JSON object of features; {@code where} names it in the dialect's errors. */
  public static Example example(JsonNode object, Dialect dialect, String where) {
    if (!object.isObject()) {
      throw dialect.notAnObject(object, where);
    }
    Features.Builder features = Features.newBuilder();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      features.putFeature(f.getKey(), feature(f.getKey(), f.getValue(), dialect, where));
    }
    return Example.newBuilder().setFeatures(features).build();
  }

  /** The three kinds of list a feature holds, and what no list holds. */
  private enum Kind { BYTES, FLOAT, INT64, NONE }

  private static Feature feature(String name, JsonNode value, Dialect dialect, String where) {
    List<JsonNode> values = new ArrayList<>();
    if (value.isArray()) {
      value.forEach(values::add);
    } else {
      values.add(value);
    }
    Feature.Builder feature = Feature.newBuilder();
    if (values.isEmpty()) {
      if (!dialect.takesEmptyLists()) {
        throw dialect.emptyList(name, where);
      }
      return feature.build();
    }
    Kind list = listKind(values, dialect);
    for (JsonNode v : values) {
      Kind kind = kindOf(v);
      if (kind == Kind.NONE) {
        throw dialect.unexpectedType(name, v, value, where);
      }
      boolean integerAmongFloats = list == Kind.FLOAT && kind == Kind.INT64 && !v.isBoolean()
          && dialect.mixedNumbersAreFloats();
      if (kind != list && !integerAmongFloats) {
        throw dialect.mixedTypes(name, list.name().toLowerCase(java.util.Locale.ROOT), value, where);
      }
      switch (list) {
        case INT64 -> feature.getInt64ListBuilder().addValue(int64(name, v, dialect, where));
        case FLOAT -> feature.getFloatListBuilder().addValue(float32(name, v, dialect, where));
        default -> feature.getBytesListBuilder().addValue(bytes(name, v, dialect, where));
      }
    }
    return feature.build();
  }

  /**
   * The first value's kind; in a dialect where mixed numbers are floats, a list of numbers that are not all integers
   * is a float list.
   */
  private static Kind listKind(List<JsonNode> values, Dialect dialect) {
    Kind first = kindOf(values.get(0));
    if (first == Kind.INT64 && dialect.mixedNumbersAreFloats()
        && values.stream().anyMatch(v -> v.isNumber() && !v.isIntegralNumber())) {
      return Kind.FLOAT;
    }
    return first;
  }

  private static Kind kindOf(JsonNode v) {
    if (v.isBoolean() || v.isIntegralNumber()) {
      return Kind.INT64;
    }
    if (v.isNumber()) {
      return Kind.FLOAT;
    }
    if (v.isTextual() || v.isObject() && v.size() == 1 && v.path("b64").isTextual()) {
      return Kind.BYTES;
    }
    return Kind.NONE;
  }

  private static long int64(String name, JsonNode v, Dialect dialect, String where) {
    if (v.isBoolean()) {
      return v.asBoolean() ? 1 : 0;
    }
    if (!v.canConvertToLong()) {
      throw dialect.notInt64(name, v, where);
    }
    return v.asLong();
  }

  /** A float; one whose magnitude float32 cannot hold is refused (NaN and the infinities pass as they are). */
  private static float float32(String name, JsonNode v, Dialect dialect, String where) {
    double d = v.asDouble();
    if (Double.isFinite(d) && Math.abs(d) > Float.MAX_VALUE) {
      throw dialect.notFloat32(name, v, where);
    }
    return (float) d;
  }

  private static ByteString bytes(String name, JsonNode v, Dialect dialect, String where) {
    if (v.isTextual()) {
      return ByteString.copyFrom(v.asText().getBytes(StandardCharsets.UTF_8));
    }
    try {
      return ByteString.copyFrom(Base64.getDecoder().decode(v.get("b64").asText()));
    } catch (IllegalArgumentException e) {
      throw dialect.notBase64(name, v, where);
    }
  }
}
