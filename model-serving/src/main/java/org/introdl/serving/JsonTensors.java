package org.introdl.serving;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.introdl.core.io.Npy;
import org.introdl.savedmodels.values.Dtypes;
import org.introdl.savedmodels.values.TensorSpec;
import org.introdl.savedmodels.values.TensorValue;
import org.tensorflow.proto.DataType;

/**
 * The tensors of a {@code :predict} request and response in TensorFlow Serving's JSON: row format
 * ({@code "instances"}: one entry per batch row, objects when there are several named inputs) and columnar format
 * ({@code "inputs"}: each tensor whole); numbers, booleans, strings and {@code {"b64": "..."}} bytes. Values are
 * checked against each input's dtype as TF Serving checks them (an integer for a float input only if float holds it
 * exactly, no decimals for integer inputs); shapes are left to the model, as there.
 */
public final class JsonTensors {
  private JsonTensors() {}

  /** How the request gave its tensors; the response answers in the same format. */
  public enum Format { ROW, COLUMNAR }

  /** A parsed predict request: its format and one value per input key. */
  public record PredictInputs(Format format, Map<String, TensorValue> inputs) {}

  /** The tensors of {@code doc} (a predict request object) for a signature with these inputs. */
  public static PredictInputs parsePredict(JsonNode doc, Map<String, TensorSpec> inputs) {
    JsonNode instances = doc.get("instances");
    JsonNode columns = doc.get("inputs");
    if (instances != null && columns != null) {
      throw ServingError.invalid("JSON Value: " + brief(doc) + " Not formatted correctly expecting only one of "
          + "'inputs' or 'instances' keys to exist ");
    }
    if (instances != null) {
      if (!instances.isArray()) {
        throw ServingError.invalid("JSON Value: " + brief(doc) + " Excepting 'instances' to be an list/array");
      }
      if (instances.isEmpty()) {
        throw ServingError.invalid("JSON Value: " + brief(doc) + " No values in 'instances' array");
      }
      return new PredictInputs(Format.ROW, fromInstances(instances, inputs));
    }
    if (columns != null) {
      return new PredictInputs(Format.COLUMNAR, fromColumns(columns, inputs));
    }
    throw ServingError.invalid("Missing 'inputs' or 'instances' key");
  }

  // ---- request: row format ----

  private static Map<String, TensorValue> fromInstances(JsonNode instances, Map<String, TensorSpec> specs) {
    boolean objects = isNamedObject(instances.get(0));
    if (!objects && specs.size() > 1) {
      throw ServingError.invalid("instances is a plain list, but expecting list of objects as multiple input "
          + "tensors required as per tensorinfo_map");
    }
    Map<String, List<Dense>> rows = new LinkedHashMap<>();
    int item = 0;
    for (JsonNode element : instances) {
      if (objects != isNamedObject(element)) {
        throw ServingError.invalid(objects ? "Expecting object but got list at item " + item + " of input list"
            : "Expecting value/list but got object at item " + item + " of input list");
      }
      if (objects) {
        for (Iterator<Map.Entry<String, JsonNode>> it = element.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          addRow(rows, field.getKey(), field.getValue(), specs, "Failed to process element: " + item + " key: "
              + field.getKey() + " of 'instances' list. Error: ");
        }
        TreeSet<String> keys = new TreeSet<>();
        element.fieldNames().forEachRemaining(keys::add);
        if (!keys.equals(new TreeSet<>(specs.keySet()))) {
          throw ServingError.invalid("Failed to process element: " + item + " of 'instances' list. JSON object: "
              + brief(element) + " keys must be equal to: " + String.join(",", new TreeSet<>(specs.keySet())));
        }
      } else {
        String name = specs.keySet().iterator().next();
        addRow(rows, name, element, specs, "Failed to process element: " + item + " of 'instances' list. Error: ");
      }
      item++;
    }
    Map<String, TensorValue> values = new LinkedHashMap<>();
    rows.forEach((name, list) -> values.put(name, Dense.stack(list, specs.get(name))));
    return values;
  }

  private static void addRow(Map<String, List<Dense>> rows, String name, JsonNode value,
      Map<String, TensorSpec> specs, String context) {
    TensorSpec spec = specs.get(name);
    if (spec == null) {
      throw ServingError.invalid(context + "INVALID_ARGUMENT: JSON object: does not have named input: " + name);
    }
    Dense row;
    try {
      row = Dense.parse(value, spec);
    } catch (ServingError e) {
      throw new ServingError(e.code(), context + e.statusText());
    }
    List<Dense> list = rows.computeIfAbsent(name, k -> new ArrayList<>());
    if (!list.isEmpty()) {
      Dense first = list.get(0);
      if (first.count() != row.count()) {
        throw ServingError.invalid(context + "INVALID_ARGUMENT: Expecting tensor size: " + first.count()
            + " but got: " + row.count());
      }
      if (!Arrays.equals(first.shape, row.shape)) {
        throw ServingError.invalid(context + "INVALID_ARGUMENT: Expecting shape " + shapeText(first.shape)
            + " but got: " + shapeText(row.shape));
      }
    }
    list.add(row);
  }

  /** An object of named tensors (a row with several inputs), not a {@code {"b64": ...}} value. */
  private static boolean isNamedObject(JsonNode node) {
    return node.isObject() && !isBase64(node);
  }

  static boolean isBase64(JsonNode node) {
    return node.isObject() && node.size() == 1 && node.path("b64").isTextual();
  }

  // ---- request: columnar format ----

  private static Map<String, TensorValue> fromColumns(JsonNode columns, Map<String, TensorSpec> specs) {
    Map<String, TensorValue> values = new LinkedHashMap<>();
    if (!isNamedObject(columns)) {
      if (specs.size() > 1) {
        throw ServingError.invalid("inputs is a plain value/list, but expecting an object as multiple input "
            + "tensors required as per tensorinfo_map");
      }
      TensorSpec spec = specs.values().iterator().next();
      values.put(spec.key(), Dense.parse(columns, spec).toValue(spec));
      return values;
    }
    for (TensorSpec spec : specs.values()) {
      JsonNode item = columns.get(spec.key());
      if (item == null) {
        throw ServingError.invalid("Missing named input: " + spec.key() + " in 'inputs' object.");
      }
      values.put(spec.key(), Dense.parse(item, spec).toValue(spec));
    }
    return values;
  }

  // ---- one dense tensor from nested JSON lists ----

  /** A tensor read from JSON: its shape and its leaves in C order. */
  private record Dense(long[] shape, LeafBuffer leaves) {
    int count() {
      return leaves.size();
    }

    static Dense parse(JsonNode value, TensorSpec spec) {
      List<Long> dims = new ArrayList<>();
      JsonNode n = value;
      while (n.isArray()) {
        dims.add((long) n.size());
        if (n.isEmpty()) {
          break;
        }
        n = n.get(0);
      }
      long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
      LeafBuffer leaves = new LeafBuffer();
      fill(value, 0, shape, Dtypes.base(spec.dtype()), leaves);
      return new Dense(shape, leaves);
    }

    private static void fill(JsonNode value, int level, long[] shape, DataType base, LeafBuffer leaves) {
      int rank = shape.length;
      if (!value.isArray()) {
        if (level != rank) {
          throw ServingError.invalid("JSON Value: " + brief(value) + " found at incorrect level: " + (level + 1)
              + " in the JSON DOM. Expected at level: " + rank);
        }
        leaf(value, base, leaves);
        return;
      }
      if (level >= rank) {
        throw ServingError.invalid("Encountered list at unexpected level: " + level + " expected < " + rank);
      }
      if (value.size() != shape[level]) {
        throw ServingError.invalid("Encountered list at unexpected size: " + value.size() + " at level: " + level
            + " expected size: " + shape[level]);
      }
      for (JsonNode child : value) {
        fill(child, level + 1, shape, base, leaves);
      }
    }

    /** One value, converted as TF Serving converts it for the dtype {@code base}, added to {@code leaves}. */
    private static void leaf(JsonNode v, DataType base, LeafBuffer leaves) {
      if (v.isObject()) {
        if (base != DataType.DT_STRING) {
          throw typeError(v, base);
        }
        if (!isBase64(v)) {
          throw ServingError.invalid("JSON Value: " + brief(v) + " not formatted correctly for base64 data");
        }
        try {
          leaves.add(Base64.getDecoder().decode(v.get("b64").asText()));
          return;
        } catch (IllegalArgumentException e) {
          throw ServingError.invalid("Unable to base64 decode");
        }
      }
      switch (base) {
        case DT_FLOAT, DT_HALF, DT_BFLOAT16 -> leaves.add(lossless(v, base, 24, Float.MAX_VALUE, "float"));
        case DT_DOUBLE -> leaves.add(lossless(v, base, 53, Double.MAX_VALUE, "double"));
        case DT_INT32, DT_UINT8, DT_UINT16 -> {
          if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw typeError(v, base);
          }
          long min = base == DataType.DT_INT32 ? Integer.MIN_VALUE : 0;
          long max = base == DataType.DT_INT32 ? Integer.MAX_VALUE : base == DataType.DT_UINT8 ? 255 : 65535;
          if (v.asLong() < min || v.asLong() > max) {
            throw typeError(v, base);
          }
          leaves.add(v.asLong());
        }
        case DT_INT64 -> {
          if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw typeError(v, base);
          }
          leaves.add(v.asLong());
        }
        case DT_BOOL -> {
          if (!v.isBoolean()) {
            throw typeError(v, base);
          }
          leaves.add(v.asBoolean() ? 1L : 0L);
        }
        case DT_STRING -> {
          if (!v.isTextual()) {
            throw typeError(v, base);
          }
          leaves.add(v.asText().getBytes(StandardCharsets.UTF_8));
        }
        default -> throw new ServingError(ServingError.Code.UNIMPLEMENTED, "Conversion of JSON Value: " + brief(v)
            + " to type: " + typeName(base));
      }
    }

    /** A number the floating-point type holds: integers up to 2^digits - 1, decimals within its range. */
    private static double lossless(JsonNode v, DataType dtype, int digits, double max, String target) {
      if (!v.isNumber()) {
        throw typeError(v, dtype);
      }
      double d = v.asDouble();
      boolean fits = !Double.isFinite(d) || (v.isIntegralNumber() ? v.canConvertToLong()
          && Math.abs(v.asLong()) <= (1L << digits) - 1 : Math.abs(d) <= max);
      if (!fits) {
        throw ServingError.invalid("Cannot convert JSON value: " + brief(v) + " to " + target
            + " without loss of precision.");
      }
      return d;
    }

    /** Row tensors stacked along a new batch dimension. */
    static TensorValue stack(List<Dense> rows, TensorSpec spec) {
      long[] shape = new long[rows.get(0).shape.length + 1];
      shape[0] = rows.size();
      System.arraycopy(rows.get(0).shape, 0, shape, 1, shape.length - 1);
      LeafBuffer leaves = new LeafBuffer();
      rows.forEach(r -> leaves.addAll(r.leaves));
      return new Dense(shape, leaves).toValue(spec);
    }

    TensorValue toValue(TensorSpec spec) {
      if (spec.isString()) {
        return new TensorValue.Strings(shape, leaves.strings);
      }
      Npy.DType carrier = spec.npyType().orElseThrow(() -> new ServingError(ServingError.Code.UNIMPLEMENTED,
          "Conversion of JSON values to type: " + typeName(spec.dtype())));
      ByteBuffer buf = ByteBuffer.allocate(leaves.size() * carrier.itemSize).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < leaves.size(); i++) {
        switch (carrier) {
          case FLOAT32 -> buf.putFloat((float) leaves.doubles[i]);
          case FLOAT64 -> buf.putDouble(leaves.doubles[i]);
          case INT32 -> buf.putInt((int) leaves.longs[i]);
          case INT64 -> buf.putLong(leaves.longs[i]);
          case BOOL, UINT8 -> buf.put((byte) leaves.longs[i]);
        }
      }
      buf.flip();
      return new TensorValue.Numbers(new Npy.Array(carrier, shape, buf), Dtypes.base(spec.dtype()));
    }
  }

  /**
   * The leaves of one tensor read from JSON, in C order and unboxed (a request's tensors hold thousands of numbers):
   * floating-point values as doubles, integers and booleans as longs, strings as bytes. A tensor has one dtype, so
   * one of the three is used.
   */
  private static final class LeafBuffer {
    private double[] doubles = new double[0];
    private long[] longs = new long[0];
    private final List<byte[]> strings = new ArrayList<>();
    private int size;

    int size() {
      return size;
    }

    void add(double value) {
      if (size == doubles.length) {
        doubles = Arrays.copyOf(doubles, Math.max(16, size * 2));
      }
      doubles[size++] = value;
    }

    void add(long value) {
      if (size == longs.length) {
        longs = Arrays.copyOf(longs, Math.max(16, size * 2));
      }
      longs[size++] = value;
    }

    void add(byte[] value) {
      strings.add(value);
      size++;
    }

    void addAll(LeafBuffer other) {
      for (int i = 0; i < other.size; i++) {
        if (other.doubles.length > 0) {
          add(other.doubles[i]);
        } else if (other.longs.length > 0) {
          add(other.longs[i]);
        } else {
          add(other.strings.get(i));
        }
      }
    }
  }

  private static ServingError typeError(JsonNode v, DataType dtype) {
    return ServingError.invalid("JSON Value: " + brief(v) + " Type: " + jsonType(v) + " is not of expected type: "
        + typeName(dtype));
  }

  static String jsonType(JsonNode v) {
    return switch (v.getNodeType()) {
      case NULL, MISSING -> "Null";
      case BOOLEAN -> v.asBoolean() ? "True" : "False";
      case OBJECT, POJO -> "Object";
      case ARRAY -> "Array";
      case STRING, BINARY -> "String";
      case NUMBER -> "Number";
    };
  }

  /** TensorFlow's name of a dtype in messages: float, double, int32, string, ... */
  static String typeName(DataType dtype) {
    DataType base = Dtypes.base(dtype);
    return switch (base) {
      case DT_FLOAT -> "float";
      case DT_DOUBLE -> "double";
      case DT_HALF -> "half";
      default -> Dtypes.name(base);
    };
  }

  /** A JSON value in an error message, shortened: a request may be megabytes. */
  static String brief(JsonNode v) {
    String text = v.isDouble() || v.isFloat() ? TfJsonNumbers.formatDouble(v.asDouble()) : v.toString();
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  static String shapeText(long[] shape) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      b.append(i > 0 ? "," : "").append(shape[i]);
    }
    return b.append(']').toString();
  }

  // ---- response ----

  /**
   * Writes {@code {"predictions": ...}} (row format: one entry per batch row, an object of the named outputs when
   * there are several) or {@code {"outputs": ...}} (columnar: each output whole).
   */
  public static void writePredict(JsonGenerator out, Map<String, TensorValue> outputs, Format format)
      throws IOException {
    if (outputs.isEmpty()) {
      throw ServingError.invalid("Cannot convert empty tensor map to JSON");
    }
    out.writeStartObject();
    if (format == Format.ROW) {
      out.writeFieldName("predictions");
      writeRows(out, outputs);
    } else {
      out.writeFieldName("outputs");
      boolean named = outputs.size() > 1;
      if (named) {
        out.writeStartObject();
      }
      for (Map.Entry<String, TensorValue> e : outputs.entrySet()) {
        if (named) {
          out.writeFieldName(e.getKey());
        }
        Leaves leaves = new Leaves(e.getValue(), isBytes(e.getKey(), e.getValue()));
        writeNested(out, leaves, e.getValue().shape(), 0);
      }
      if (named) {
        out.writeEndObject();
      }
    }
    out.writeEndObject();
  }

  private static void writeRows(JsonGenerator out, Map<String, TensorValue> outputs) throws IOException {
    long batch = -1;
    for (Map.Entry<String, TensorValue> e : outputs.entrySet()) {
      long[] shape = e.getValue().shape();
      if (shape.length == 0) {
        throw ServingError.invalid("Tensor name: " + e.getKey() + " has no shape information ");
      }
      if (batch >= 0 && shape[0] != batch) {
        throw ServingError.invalid("Tensor name: " + e.getKey() + " has inconsistent batch size: " + shape[0]
            + " expecting: " + batch);
      }
      batch = shape[0];
    }
    Map<String, Leaves> cursors = new LinkedHashMap<>();
    outputs.forEach((k, v) -> cursors.put(k, new Leaves(v, isBytes(k, v))));
    boolean named = outputs.size() > 1;
    out.writeStartArray();
    for (long row = 0; row < batch; row++) {
      if (named) {
        out.writeStartObject();
      }
      for (Map.Entry<String, Leaves> e : cursors.entrySet()) {
        if (named) {
          out.writeFieldName(e.getKey());
        }
        writeNested(out, e.getValue(), outputs.get(e.getKey()).shape(), 1);
      }
      if (named) {
        out.writeEndObject();
      }
    }
    out.writeEndArray();
  }

  /** TF Serving's convention: a string output whose name ends in {@code _bytes} holds binary data, sent as b64. */
  private static boolean isBytes(String name, TensorValue value) {
    return value instanceof TensorValue.Strings && name.endsWith("_bytes");
  }

  private static void writeNested(JsonGenerator out, Leaves leaves, long[] shape, int dim) throws IOException {
    if (dim == shape.length) {
      leaves.writeNext(out);
      return;
    }
    out.writeStartArray();
    for (long i = 0; i < shape[dim]; i++) {
      writeNested(out, leaves, shape, dim + 1);
    }
    out.writeEndArray();
  }

  /** Writes {@code value}'s values as one flat list in C order, each as TF Serving does (strings as UTF-8 text). */
  static void writeFlat(JsonGenerator out, TensorValue value) throws IOException {
    Leaves leaves = new Leaves(value, false);
    out.writeStartArray();
    for (long i = 0; i < leaves.count(); i++) {
      leaves.writeNext(out);
    }
    out.writeEndArray();
  }

  /** Reads a tensor's values in C order and writes each as TF Serving does. */
  private static final class Leaves {
    private final TensorValue value;
    private final boolean bytes;
    private final ByteBuffer data;
    private int next;

    Leaves(TensorValue value, boolean bytes) {
      this.value = value;
      this.bytes = bytes;
      this.data = value instanceof TensorValue.Numbers n
          ? n.array().data().duplicate().order(ByteOrder.LITTLE_ENDIAN) : null;
    }

    long count() {
      return value instanceof TensorValue.Strings s ? s.values().size()
          : ((TensorValue.Numbers) value).array().size();
    }

    void writeNext(JsonGenerator out) throws IOException {
      int i = next++;
      if (value instanceof TensorValue.Strings s) {
        byte[] b = s.values().get(i);
        if (bytes) {
          out.writeStartObject();
          out.writeStringField("b64", Base64.getEncoder().encodeToString(b));
          out.writeEndObject();
        } else {
          out.writeString(new String(b, StandardCharsets.UTF_8));
        }
        return;
      }
      Npy.Array a = ((TensorValue.Numbers) value).array();
      int at = i * a.dtype().itemSize;
      switch (a.dtype()) {
        case FLOAT32 -> out.writeNumber(TfJsonNumbers.formatFloat(data.getFloat(at)));
        case FLOAT64 -> out.writeNumber(TfJsonNumbers.formatDouble(data.getDouble(at)));
        case INT32 -> out.writeNumber(data.getInt(at));
        case INT64 -> out.writeNumber(data.getLong(at));
        case UINT8 -> out.writeNumber(data.get(at) & 0xff);
        case BOOL -> out.writeBoolean(data.get(at) != 0);
      }
    }
  }
}
