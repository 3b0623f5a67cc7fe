package org.introdl.savedmodels.safety;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.introdl.core.safety.Bytes;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * The memory a model declares before it runs, read from its protos alone: the tensors its {@code Const} nodes hold
 * (strings repeated to their shape, as TensorFlow fills it), the tensors that {@code Fill}, {@code Empty},
 * {@code BroadcastTo} and the random ops make when their shape folds to a constant (integer arithmetic on
 * constants included), the slots of tensor lists and arrays reserved with a constant count, and its variables; the
 * caller adds what a checkpoint's index declares ({@link #plus}). A 1 KB {@code saved_model.pb} can declare a
 * constant of 10 GiB (a shape and one value to repeat); this total is what the memory budget is checked against,
 * before TensorFlow sees the model. Shapes known only at run time count as zero: the budget catches declared sizes,
 * the process limits the rest.
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

  /**
   * This and {@code bytes} more that {@code what} declares outside the graph (a checkpoint index's shapes: restoring
   * allocates each tensor as the index declares it, whatever the variable's shape).
   */
  public DeclaredMemory plus(String op, String what, long bytes) {
    long total = saturatingAdd(totalBytes, Math.max(bytes, 0));
    return bytes > largestBytes ? new DeclaredMemory(total, op, what, bytes)
        : new DeclaredMemory(total, largestOp, largestNode, largestBytes);
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
      case "TensorListReserve" -> {
        // num_elements slots, each a tensor of element_shape once set (when that shape is known).
        return reserved(node, 1, 0, "element_dtype", scope);
      }
      case "TensorArrayV3", "TensorArrayV2", "TensorArray" -> {
        return reserved(node, 0, -1, "dtype", scope);
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

  /** What a slot of a tensor list or array takes before anything is stored in it (a TensorFlow Tensor object). */
  private static final int EMPTY_SLOT_BYTES = 32;

  /**
   * A list or array of {@code count} slots (input {@code countInput}), each {@code EMPTY_SLOT_BYTES} plus, when the
   * element shape is a constant (input {@code shapeInput}, or the {@code element_shape} attribute when -1), its size.
   */
  private static long reserved(NodeDef node, int countInput, int shapeInput, String dtypeAttr,
      Map<String, NodeDef> scope) {
    if (node.getInputCount() <= countInput) {
      return 0;
    }
    Optional<long[]> count = constantInts(node.getInput(countInput), scope);
    if (count.isEmpty() || count.get().length != 1) {
      return 0;
    }
    double slots = Math.max(count.get()[0], 0);
    double elementBytes = 0;
    AttrValue dtype = node.getAttrMap().get(dtypeAttr);
    Optional<long[]> elementShape = shapeInput >= 0 && node.getInputCount() > shapeInput
        ? constantInts(node.getInput(shapeInput), scope) : Optional.empty();
    AttrValue shapeAttr = node.getAttrMap().get("element_shape");
    if (shapeInput < 0 && shapeAttr != null) {
      elementShape = Optional.of(shapeAttr.getShape().getDimList().stream().mapToLong(d -> d.getSize()).toArray());
    }
    if (dtype != null && elementShape.isPresent()) {
      double n = 1;
      for (long d : elementShape.get()) {
        n *= Math.max(d, 0);
      }
      elementBytes = n * elementSize(dtype.getType());
    }
    double b = slots * (EMPTY_SLOT_BYTES + elementBytes);
    return b >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) b;
  }

  /** Ops that pass a shape on unchanged: a model may not hide a constant shape behind them. */
  private static final java.util.Set<String> PASS_THROUGH = java.util.Set.of("Identity", "Snapshot", "StopGradient",
      "Cast", "EnsureShape", "CheckNumerics");

  /** At most this many values are folded (a shape has a few; more is not a shape). */
  private static final int MAX_FOLDED = 64;
  private static final int MAX_FOLD_DEPTH = 32;

  /**
   * The integer values of an input that TensorFlow would fold to a constant: a {@code Const} (int32 or int64)
   * behind identities and casts, or integer arithmetic on such constants ({@code Pack}, {@code ConcatV2},
   * {@code Add}, {@code Mul}, {@code Maximum}, ..., {@code Prod}, {@code Range}, {@code Tile}, {@code Fill}): a
   * model may not hide a constant shape behind a sum. Anything computed from the graph's inputs is unknown.
   */
  static Optional<long[]> constantInts(String input, Map<String, NodeDef> scope) {
    return fold(input, scope, 0);
  }

  private static Optional<long[]> fold(String input, Map<String, NodeDef> scope, int depth) {
    NodeDef found = input.startsWith("^") ? null : scope.get(GraphWalk.nodeName(input));
    for (int hops = 0; found != null && PASS_THROUGH.contains(found.getOp()) && hops < 16; hops++) {
      found = found.getInputCount() == 0 ? null : scope.get(GraphWalk.nodeName(found.getInput(0)));
    }
    NodeDef producer = found;
    if (producer == null || depth > MAX_FOLD_DEPTH) {
      return Optional.empty();
    }
    List<String> ins = producer.getInputList().stream().filter(in -> !in.startsWith("^")).toList();
    java.util.function.IntFunction<Optional<long[]>> arg = i -> i < ins.size() ? fold(ins.get(i), scope, depth + 1)
        : Optional.empty();
    switch (producer.getOp()) {
      case "Const" -> {
        return producer.containsAttr("value") ? constValues(producer.getAttrMap().get("value").getTensor())
            : Optional.empty();
      }
      case "Pack", "ConcatV2", "Concat" -> {
        int from = producer.getOp().equals("Concat") ? 1 : 0;
        int to = producer.getOp().equals("ConcatV2") ? ins.size() - 1 : ins.size();
        java.util.stream.LongStream.Builder all = java.util.stream.LongStream.builder();
        int n = 0;
        for (int i = from; i < to; i++) {
          Optional<long[]> v = arg.apply(i);
          if (v.isEmpty() || (n += v.get().length) > MAX_FOLDED) {
            return Optional.empty();
          }
          java.util.Arrays.stream(v.get()).forEach(all::add);
        }
        return Optional.of(all.build().toArray());
      }
      case "Add", "AddV2", "Sub", "Mul", "Maximum", "Minimum", "FloorDiv", "Div", "TruncateDiv", "FloorMod", "Pow" -> {
        Optional<long[]> a = arg.apply(0);
        Optional<long[]> b = arg.apply(1);
        return a.isEmpty() || b.isEmpty() ? Optional.empty() : elementwise(producer.getOp(), a.get(), b.get());
      }
      case "Neg", "Abs", "Square" -> {
        return arg.apply(0).map(v -> java.util.Arrays.stream(v).map(x -> switch (producer.getOp()) {
          case "Neg" -> -x;
          case "Abs" -> Math.abs(x);
          default -> saturate((double) x * x);
        }).toArray());
      }
      case "Reshape", "ExpandDims", "Squeeze" -> {
        return arg.apply(0);
      }
      case "Prod", "Sum", "Max", "Min" -> {
        return arg.apply(0).map(v -> new long[] {reduce(producer.getOp(), v)});
      }
      case "Tile", "Fill" -> {
        boolean tile = producer.getOp().equals("Tile");
        Optional<long[]> values = arg.apply(tile ? 0 : 1);
        Optional<long[]> times = arg.apply(tile ? 1 : 0);
        if (values.isEmpty() || times.isEmpty() || values.get().length == 0) {
          return Optional.empty();
        }
        long n = Math.max(reduce("Prod", times.get()), 0) * values.get().length;
        if (n > MAX_FOLDED) {
          return Optional.empty();
        }
        long[] out = new long[(int) n];
        for (int i = 0; i < n; i++) {
          out[i] = values.get()[i % values.get().length];
        }
        return Optional.of(out);
      }
      case "Range" -> {
        Optional<long[]> start = arg.apply(0);
        Optional<long[]> limit = arg.apply(1);
        Optional<long[]> delta = arg.apply(2);
        if (start.isEmpty() || limit.isEmpty() || delta.isEmpty() || delta.get().length != 1
            || delta.get()[0] == 0 || start.get().length != 1 || limit.get().length != 1) {
          return Optional.empty();
        }
        java.util.stream.LongStream.Builder out = java.util.stream.LongStream.builder();
        int n = 0;
        for (long x = start.get()[0]; delta.get()[0] > 0 ? x < limit.get()[0] : x > limit.get()[0];
            x += delta.get()[0]) {
          if (++n > MAX_FOLDED) {
            return Optional.empty();
          }
          out.add(x);
        }
        return Optional.of(out.build().toArray());
      }
      default -> {
        return Optional.empty();
      }
    }
  }

  /** A binary op on two integer vectors, one of them possibly of length 1 (broadcast). */
  private static Optional<long[]> elementwise(String op, long[] a, long[] b) {
    if (a.length != b.length && a.length != 1 && b.length != 1) {
      return Optional.empty();
    }
    long[] out = new long[Math.max(a.length, b.length)];
    for (int i = 0; i < out.length; i++) {
      long x = a[a.length == 1 ? 0 : i];
      long y = b[b.length == 1 ? 0 : i];
      out[i] = switch (op) {
        case "Add", "AddV2" -> saturate((double) x + y);
        case "Sub" -> saturate((double) x - y);
        case "Mul" -> saturate((double) x * y);
        case "Maximum" -> Math.max(x, y);
        case "Minimum" -> Math.min(x, y);
        case "Pow" -> saturate(Math.pow(x, y));
        case "FloorMod" -> y == 0 ? 0 : Math.floorMod(x, y);
        default -> y == 0 ? 0 : Math.floorDiv(x, y);
      };
    }
    return Optional.of(out);
  }

  private static long reduce(String op, long[] v) {
    double acc = op.equals("Prod") ? 1 : 0;
    for (int i = 0; i < v.length; i++) {
      acc = switch (op) {
        case "Prod" -> acc * v[i];
        case "Sum" -> acc + v[i];
        case "Max" -> i == 0 ? v[i] : Math.max(acc, v[i]);
        default -> i == 0 ? v[i] : Math.min(acc, v[i]);
      };
    }
    return saturate(acc);
  }

  private static long saturate(double x) {
    return x >= Long.MAX_VALUE ? Long.MAX_VALUE : x <= Long.MIN_VALUE ? Long.MIN_VALUE : (long) x;
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

  /**
   * What a TensorProto expands to: its declared shape times its element size; strings add their bytes, counted
   * as TensorFlow fills the shape (the last stored string repeated to every remaining element).
   */
  static long tensorBytes(TensorProto t) {
    long bytes = bytes(elements(t.getTensorShape()), t.getDtype());
    return t.getDtype() == DataType.DT_STRING ? saturatingAdd(bytes, TensorStrings.expandedBytes(t)) : bytes;
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
  public static int elementSize(DataType dtype) {
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
