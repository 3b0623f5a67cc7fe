package org.introdl.savedmodels.values;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.introdl.core.UserError;
import org.introdl.core.io.Npy;

/**
 * Arrays written as JSON, the way Python dumps them: either a (nested) list such as {@code [[1.0], [2.0]]}, or an
 * object {@code {"dtype": "float32", "shape": [2, 1], "data": [1.0, 2.0]}} whose data is flat or nested. A bare
 * list takes the dtype the model expects.
 */
public final class ArrayJson {
  /** No array from JSON may hold more values than this (a JSON file is not the way to feed gigabytes). */
  public static final long MAX_VALUES = 50_000_000L;

  private ArrayJson() {}

  /** Converts {@code node} to an array; {@code expected} is used when the JSON names no dtype. */
  public static Npy.Array parse(JsonNode node, Npy.DType expected, String where) {
    if (node.isObject()) {
      return parseObject(node, expected, where);
    }
    List<Long> shape = new ArrayList<>();
    List<JsonNode> leaves = new ArrayList<>();
    flatten(node, 0, shape, leaves, where);
    return build(expected, shape.stream().mapToLong(Long::longValue).toArray(), leaves, where);
  }

  /**
   * Strings for a {@code string} tensor: a (nested) list of JSON strings, or {@code {"shape", "data"}}. A string
   * {@code "b64:..."} (or TensorFlow Serving's {@code {"b64": "..."}}) holds raw bytes in base64; any other is text,
   * stored as UTF-8.
   */
  public static TensorValue.Strings parseStrings(JsonNode node, String where) {
    JsonNode data = node;
    long[] shape = null;
    if (node.isObject() && node.has("data")) {
      JsonNode dtype = node.get("dtype");
      if (dtype != null && !(dtype.isTextual() && dtype.asText().matches("string|bytes|str|object"))) {
        throw new UserError(where + ": the model expects strings, not dtype " + dtype);
      }
      data = node.get("data");
      shape = node.has("shape") ? shapeOf(node.get("shape"), where) : null;
    }
    List<Long> nestedShape = new ArrayList<>();
    List<JsonNode> leaves = new ArrayList<>();
    flatten(data, 0, nestedShape, leaves, where);
    if (shape == null) {
      shape = nestedShape.stream().mapToLong(Long::longValue).toArray();
    }
    List<byte[]> values = new ArrayList<>();
    for (JsonNode leaf : leaves) {
      values.add(bytes(leaf, where));
    }
    if (count(shape) != values.size()) {
      throw new UserError(where + ": shape " + TensorSpec.shapeText(shape) + " needs " + count(shape)
          + " values, the data has " + values.size());
    }
    return new TensorValue.Strings(shape, values);
  }

  private static byte[] bytes(JsonNode leaf, String where) {
    String base64 = leaf.isObject() && leaf.size() == 1 && leaf.path("b64").isTextual() ? leaf.get("b64").asText()
        : leaf.isTextual() && leaf.asText().startsWith(TensorValue.BASE64_PREFIX)
            ? leaf.asText().substring(TensorValue.BASE64_PREFIX.length()) : null;
    if (base64 != null) {
      try {
        return Base64.getDecoder().decode(base64.strip());
      } catch (IllegalArgumentException e) {
        throw new UserError(where + ": " + leaf + " is not valid base64 (" + e.getMessage() + ")");
      }
    }
    if (!leaf.isTextual()) {
      throw new UserError(where + ": " + leaf + " is not a string (the model expects strings; write text in double "
          + "quotes, bytes as \"b64:...\")");
    }
    return leaf.asText().getBytes(StandardCharsets.UTF_8);
  }

  /** Strings as {@code {"dtype": "string", "shape", "data"}}, each as text, or {@code b64:} if not UTF-8. */
  public static ObjectNode toJson(TensorValue value) {
    if (value instanceof TensorValue.Numbers n) {
      return toJson(n.array());
    }
    TensorValue.Strings s = (TensorValue.Strings) value;
    List<JsonNode> leaves = new ArrayList<>();
    s.values().forEach(v -> leaves.add(JsonNodeFactory.instance.textNode(TensorValue.Strings.display(v))));
    return toJson("string", s.shape(), leaves);
  }

  /** {@code {"dtype", "shape", "data"}} with the leaves (in C order) nested as the shape says. */
  private static ObjectNode toJson(String dtype, long[] shape, List<JsonNode> leaves) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("dtype", dtype);
    ArrayNode dims = o.putArray("shape");
    for (long d : shape) {
      dims.add(d);
    }
    o.set("data", nest(shape, leaves, 0, new int[] {0}));
    return o;
  }

  private static JsonNode nest(long[] shape, List<JsonNode> leaves, int depth, int[] at) {
    if (depth == shape.length) {
      return leaves.get(at[0]++);
    }
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    for (long i = 0; i < shape[depth]; i++) {
      a.add(nest(shape, leaves, depth + 1, at));
    }
    return a;
  }

  private static long count(long[] shape) {
    long count = 1;
    for (long d : shape) {
      count = d == 0 ? 0 : (count > MAX_VALUES / Math.max(d, 1) ? MAX_VALUES + 1 : count * d);
    }
    return count;
  }

  private static long[] shapeOf(JsonNode shapeNode, String where) {
    if (!shapeNode.isArray()) {
      throw new UserError(where + ": 'shape' must be a list of sizes");
    }
    long[] shape = new long[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = shapeNode.get(i);
      if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
        throw new UserError(where + ": 'shape' holds a bad size " + d);
      }
      shape[i] = d.asLong();
    }
    return shape;
  }

  private static Npy.Array parseObject(JsonNode node, Npy.DType expected, String where) {
    Npy.DType dtype = expected;
    JsonNode dtypeNode = node.get("dtype");
    if (dtypeNode != null) {
      if (!dtypeNode.isTextual()) {
        throw new UserError(where + ": 'dtype' must be a string such as \"float32\"");
      }
      dtype = Dtypes.byName(dtypeNode.asText()).orElseThrow(() -> new UserError(where + ": dtype '"
          + dtypeNode.asText() + "' is not one of float32, float64, int32, int64, bool, uint8"));
    }
    JsonNode data = node.get("data");
    if (data == null) {
      throw new UserError(where + ": an array object needs \"data\" (and optionally \"dtype\", \"shape\")");
    }
    List<Long> nestedShape = new ArrayList<>();
    List<JsonNode> leaves = new ArrayList<>();
    flatten(data, 0, nestedShape, leaves, where);
    long[] shape = nestedShape.stream().mapToLong(Long::longValue).toArray();
    JsonNode shapeNode = node.get("shape");
    if (shapeNode != null) {
      shape = shapeOf(shapeNode, where);
    }
    return build(dtype, shape, leaves, where);
  }

  private static void flatten(JsonNode node, int depth, List<Long> shape, List<JsonNode> leaves, String where) {
    if (depth > 32) {
      throw new UserError(where + ": nested more than 32 levels deep");
    }
    if (node.isArray()) {
      if (shape.size() == depth) {
        shape.add((long) node.size());
      } else if (shape.size() < depth || shape.get(depth) != node.size()) {
        throw new UserError(where + ": ragged list (rows of different lengths at depth " + depth + ")");
      }
      for (JsonNode child : node) {
        flatten(child, depth + 1, shape, leaves, where);
      }
      if (node.isEmpty() && shape.size() > depth + 1) {
        throw new UserError(where + ": ragged list at depth " + depth);
      }
    } else {
      if (shape.size() != depth) {
        throw new UserError(where + ": ragged list (a value where a list was expected at depth " + depth + ")");
      }
      if (leaves.size() >= MAX_VALUES) {
        throw new UserError(where + ": more than " + MAX_VALUES + " values; use a .npy file");
      }
      leaves.add(node);
    }
  }

  private static Npy.Array build(Npy.DType dtype, long[] shape, List<JsonNode> leaves, String where) {
    long count = count(shape);
    if (count != leaves.size()) {
      throw new UserError(where + ": shape " + TensorSpec.shapeText(shape) + " needs " + count
          + " values, the data has " + leaves.size());
    }
    ByteBuffer buf = ByteBuffer.allocate(leaves.size() * dtype.itemSize).order(ByteOrder.LITTLE_ENDIAN);
    for (JsonNode v : leaves) {
      put(buf, dtype, v, where);
    }
    buf.flip();
    return new Npy.Array(dtype, shape, buf);
  }

  private static void put(ByteBuffer buf, Npy.DType dtype, JsonNode v, String where) {
    switch (dtype) {
      case FLOAT32 -> buf.putFloat(float32(v, where));
      case FLOAT64 -> buf.putDouble(number(v, where));
      case INT32 -> buf.putInt(Math.toIntExact(integer(v, Integer.MIN_VALUE, Integer.MAX_VALUE, where)));
      case INT64 -> buf.putLong(integer(v, Long.MIN_VALUE, Long.MAX_VALUE, where));
      case UINT8 -> buf.put((byte) integer(v, 0, 255, where));
      case BOOL -> {
        if (v.isBoolean()) {
          buf.put((byte) (v.asBoolean() ? 1 : 0));
        } else {
          buf.put((byte) (integer(v, 0, 1, where)));
        }
      }
    }
  }

  private static double number(JsonNode v, String where) {
    if (v.isNumber()) {
      double d = v.asDouble();
      if (!Double.isFinite(d)) {
        throw new UserError(where + ": a number is too large for float64 (beyond 1.8e308; write \"Infinity\" if "
            + "you mean it)");
      }
      return d;
    }
    if (v.isTextual()) {
      switch (v.asText()) {
        case "NaN", "nan":
          return Double.NaN;
        case "Infinity", "inf":
          return Double.POSITIVE_INFINITY;
        case "-Infinity", "-inf":
          return Double.NEGATIVE_INFINITY;
        default:
          break;
      }
    }
    if (v.isBoolean()) {
      throw new UserError(where + ": " + v + " is a boolean, not a number (the model expects numbers)");
    }
    throw new UserError(where + ": " + v + " is not a number");
  }

  /** A finite number that float32 can hold (rounded to the nearest float32, as NumPy does). */
  private static float float32(JsonNode v, String where) {
    double d = number(v, where);
    if (Double.isFinite(d) && Float.isInfinite((float) d)) {
      throw new UserError(where + ": " + v.asText() + " is too large for float32 (at most " + Float.MAX_VALUE + ")");
    }
    return (float) d;
  }

  private static long integer(JsonNode v, long min, long max, String where) {
    if (v.isBoolean()) {
      throw new UserError(where + ": " + v + " is a boolean, not an integer (the model expects numbers)");
    }
    if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
      throw new UserError(where + ": " + v + " is not an integer");
    }
    if (!v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
      throw new UserError(where + ": " + v + " is out of range [" + min + ", " + max + "]");
    }
    return v.asLong();
  }

  /** An array as {@code {"dtype", "shape", "data"}} with nested data, the form {@link #parse} reads back. */
  public static ObjectNode toJson(Npy.Array array) {
    List<JsonNode> leaves = new ArrayList<>();
    for (double v : array.toDoubles()) {
      leaves.add(leaf(array.dtype(), v));
    }
    return toJson(Dtypes.name(array.dtype()), array.shape(), leaves);
  }

  /** One value: floats that are not finite as the strings {@link #parse} reads back ("NaN", "Infinity"). */
  private static JsonNode leaf(Npy.DType dtype, double v) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (dtype) {
      case FLOAT32 -> Float.isFinite((float) v) ? f.numberNode((float) v) : f.textNode(Float.toString((float) v));
      case FLOAT64 -> Double.isFinite(v) ? f.numberNode(v) : f.textNode(Double.toString(v));
      case BOOL -> f.booleanNode(v != 0);
      default -> f.numberNode((long) v);
    };
  }
}
