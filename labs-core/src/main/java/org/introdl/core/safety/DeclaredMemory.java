package org.introdl.core.safety;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * The memory a model declares before it runs, read from its protos alone: the tensors its {@code Const} nodes hold,
 * the tensors that {@code Fill}, {@code Empty}, {@code BroadcastTo} and the random ops make when their shape input
 * is a constant, and its variables. A 1 KB {@code saved_model.pb} can declare a constant of 10 GiB (a shape and one
 * value to repeat); this total is what the memory budget is checked against, before TensorFlow sees the model.
 * Shapes known only at run time count as zero: the budget catches declared sizes, a sandbox limits the rest.
 *
 * @param totalBytes the sum over every node of the graph and every function of its library
 * @param largestOp the op type of the node that declares the most
 * @param largestNode that node (a graph node, or {@code function/node})
 * @param largestBytes what it declares
 */
public record DeclaredMemory(long totalBytes, String largestOp, String largestNode, long largestBytes) {
  /** Ops whose first input is an output shape and whose attribute names the element type. */
  private static final Map<String, String> SHAPED_BY_INPUT = shapedByInput();

  private static Map<String, String> shapedByInput() {
    Map<String, String> m = new HashMap<>();
    m.put("Fill", "T");
    m.put("Empty", "dtype");
    for (String op : List.of("RandomUniform", "RandomStandardNormal", "TruncatedNormal",
        "ParameterizedTruncatedNormal", "StatelessRandomUniform", "StatelessRandomNormal",
        "StatelessTruncatedNormal", "StatelessRandomUniformV2", "StatelessRandomNormalV2",
        "StatelessTruncatedNormalV2", "StatelessRandomUniformInt", "StatelessRandomUniformIntV2",
        "StatelessRandomUniformFullInt", "StatelessRandomUniformFullIntV2", "StatefulUniform",
        "StatefulStandardNormalV2", "StatefulTruncatedNormal", "StatefulUniformFullInt", "StatefulUniformInt")) {
      m.put(op, "dtype");
    }
    m.put("RandomUniformInt", "Tout");
    return Map.copyOf(m);
  }

  /** What {@code graph} and its function library declare. */
  public static DeclaredMemory of(GraphDef graph) {
    Accumulator acc = new Accumulator();
    acc.addAll(graph.getNodeList(), "");
    Set<String> seen = new HashSet<>();
    for (FunctionDef f : graph.getLibrary().getFunctionList()) {
      String name = f.getSignature().getName();
      acc.addAll(f.getNodeDefList(), (seen.add(name) ? name : name + " (duplicate)") + "/");
    }
    return new DeclaredMemory(acc.total, acc.largestOp, acc.largestNode, acc.largestBytes);
  }

  /** Whether the total is over {@code budgetBytes}. */
  public boolean exceeds(long budgetBytes) {
    return totalBytes > budgetBytes;
  }

  /** "1.5 GiB (largest: Fill 'big' 1.5 GiB)". */
  public String describe() {
    return Bytes.format(totalBytes) + (largestBytes > 0
        ? " (largest: " + largestOp + " '" + largestNode + "' " + Bytes.format(largestBytes) + ")" : "");
  }

  private static final class Accumulator {
    long total;
    long largestBytes;
    String largestOp = "";
    String largestNode = "";

    void addAll(List<NodeDef> nodes, String prefix) {
      Map<String, NodeDef> byName = new HashMap<>();
      nodes.forEach(n -> byName.put(n.getName(), n));
      for (NodeDef n : nodes) {
        long bytes = declaredBytes(n, byName);
        total = saturatingAdd(total, bytes);
        if (bytes > largestBytes) {
          largestBytes = bytes;
          largestOp = n.getOp();
          largestNode = prefix + n.getName();
        }
      }
    }
  }

  /** What one node declares, given the other nodes of its graph or function (to read constant shapes). */
  static long declaredBytes(NodeDef node, Map<String, NodeDef> scope) {
    Map<String, AttrValue> attrs = node.getAttrMap();
    switch (node.getOp()) {
      case "Const", "HostConst" -> {
        AttrValue value = attrs.get("value");
        return value == null ? 0 : tensorBytes(value.getTensor());
      }
      case "VariableV2", "Variable", "VarHandleOp" -> {
        AttrValue shape = attrs.get("shape");
        AttrValue dtype = attrs.get("dtype");
        return shape == null || dtype == null ? 0 : bytes(elements(shape.getShape()), dtype.getType());
      }
      case "BroadcastTo" -> {
        return shapedBy(node, 1, "T", scope);
      }
      default -> {
        String dtypeAttr = SHAPED_BY_INPUT.get(node.getOp());
        return dtypeAttr == null ? 0 : shapedBy(node, 0, dtypeAttr, scope);
      }
    }
  }

  private static long shapedBy(NodeDef node, int input, String dtypeAttr, Map<String, NodeDef> scope) {
    AttrValue dtype = node.getAttrMap().get(dtypeAttr);
    if (dtype == null || node.getInputCount() <= input) {
      return 0;
    }
    return constantInts(node.getInput(input), scope).map(dims -> {
      double n = 1;
      for (long d : dims) {
        n *= Math.max(d, 0);
      }
      return bytes(n, dtype.getType());
    }).orElse(0L);
  }

  /** Ops that pass a shape on unchanged: a model may not hide a constant shape behind them. */
  private static final java.util.Set<String> PASS_THROUGH = java.util.Set.of("Identity", "Snapshot", "StopGradient",
      "Cast", "EnsureShape", "CheckNumerics");

  /**
   * The integer values of an input that is a constant: a {@code Const} (int32 or int64), possibly behind
   * identities and casts, or a {@code Pack} of such scalars. Anything computed from the graph's inputs is unknown.
   */
  static Optional<long[]> constantInts(String input, Map<String, NodeDef> scope) {
    NodeDef producer = scope.get(nodeOf(input));
    for (int hops = 0; producer != null && PASS_THROUGH.contains(producer.getOp()) && hops < 16; hops++) {
      producer = producer.getInputCount() == 0 ? null : scope.get(nodeOf(producer.getInput(0)));
    }
    if (producer == null) {
      return Optional.empty();
    }
    if (producer.getOp().equals("Pack")) {
      long[] values = new long[Math.min(producer.getInputCount(), 64)];
      for (int i = 0; i < values.length; i++) {
        Optional<long[]> v = constantInts(producer.getInput(i), scope);
        if (v.isEmpty() || v.get().length != 1) {
          return Optional.empty();
        }
        values[i] = v.get()[0];
      }
      return Optional.of(values);
    }
    if (!producer.getOp().equals("Const") || !producer.containsAttr("value")) {
      return Optional.empty();
    }
    return constValues(producer.getAttrMap().get("value").getTensor());
  }

  private static Optional<long[]> constValues(TensorProto t) {
    int count = (int) Math.min(elements(t.getTensorShape()), 64);
    long[] values = new long[count];
    if (t.getDtype() == DataType.DT_INT32) {
      if (!t.getTensorContent().isEmpty()) {
        ByteBuffer b = t.getTensorContent().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count && b.remaining() >= 4; i++) {
          values[i] = b.getInt();
        }
      } else if (t.getIntValCount() > 0) {
        for (int i = 0; i < count; i++) {
          values[i] = t.getIntVal(Math.min(i, t.getIntValCount() - 1));
        }
      }
      return Optional.of(values);
    }
    if (t.getDtype() == DataType.DT_INT64) {
      if (!t.getTensorContent().isEmpty()) {
        ByteBuffer b = t.getTensorContent().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count && b.remaining() >= 8; i++) {
          values[i] = b.getLong();
        }
      } else if (t.getInt64ValCount() > 0) {
        for (int i = 0; i < count; i++) {
          values[i] = t.getInt64Val(Math.min(i, t.getInt64ValCount() - 1));
        }
      }
      return Optional.of(values);
    }
    return Optional.empty();
  }

  private static String nodeOf(String input) {
    String name = input.startsWith("^") ? input.substring(1) : input;
    int colon = name.indexOf(':');
    return colon < 0 ? name : name.substring(0, colon);
  }

  /** What a TensorProto expands to: its declared shape times its element size (strings: their bytes too). */
  static long tensorBytes(TensorProto t) {
    long bytes = bytes(elements(t.getTensorShape()), t.getDtype());
    if (t.getDtype() == DataType.DT_STRING) {
      for (var s : t.getStringValList()) {
        bytes = saturatingAdd(bytes, s.size());
      }
    }
    return bytes;
  }

  /** The number of elements of a shape, as a double (it may not fit a long); unknown dimensions count as 0. */
  static double elements(TensorShapeProto shape) {
    if (shape.getUnknownRank()) {
      return 0;
    }
    double n = 1;
    for (TensorShapeProto.Dim d : shape.getDimList()) {
      n *= Math.max(d.getSize(), 0);
    }
    return n;
  }

  private static long bytes(double elements, DataType dtype) {
    double b = elements * elementSize(dtype);
    return b >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) b;
  }

  /** Bytes per element; a reference type counts as its base type, a string as TensorFlow's 24-byte tstring. */
  static int elementSize(DataType dtype) {
    int number = dtype.getNumber();
    DataType base = number > 100 ? DataType.forNumber(number - 100) : dtype;
    if (base == null) {
      return 8;
    }
    return switch (base) {
      case DT_BOOL, DT_INT8, DT_UINT8, DT_QINT8, DT_QUINT8, DT_FLOAT8_E5M2, DT_FLOAT8_E4M3FN -> 1;
      case DT_INT16, DT_UINT16, DT_QINT16, DT_QUINT16, DT_HALF, DT_BFLOAT16 -> 2;
      case DT_FLOAT, DT_INT32, DT_UINT32, DT_QINT32 -> 4;
      case DT_DOUBLE, DT_INT64, DT_UINT64, DT_COMPLEX64 -> 8;
      case DT_COMPLEX128 -> 16;
      case DT_STRING -> 24;
      default -> 8;
    };
  }

  private static long saturatingAdd(long a, long b) {
    long s = a + b;
    return s < 0 ? Long.MAX_VALUE : s;
  }
}
