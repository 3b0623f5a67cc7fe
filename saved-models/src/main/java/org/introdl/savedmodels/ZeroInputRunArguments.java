package org.introdl.savedmodels;

import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.values.Dtypes;
import org.introdl.savedmodels.values.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorShapeProto;

/**
 * The arguments of a {@code savedmodel run} that feeds a signature zeros of the right shape (unknown dimensions
 * as 1), for {@code show} to print: {@code --input 'x=[[0.0]]'}, or {@code --examples '[{"x": 0.0}]'} for a
 * regress/classify signature that parses {@code tf.Example} protos, with the features its graph parses. An input of
 * more than {@link #MAX_INLINE_VALUES} values is named as a {@code .npy} file instead ({@code --input 'x=@x.npy'}),
 * with a shell comment saying the file's dtype and shape: thousands of written-out zeros help nobody.
 */
final class ZeroInputRunArguments {
  /** The most values an input's zeros are written out for. */
  static final long MAX_INLINE_VALUES = 16;

  private ZeroInputRunArguments() {}

  static String arguments(SavedModelDir.Signature sig, GraphDef graph) {
    List<String> args = new ArrayList<>();
    if (!sig.key().equals(SavedModelDir.DEFAULT_SIGNATURE)) {
      args.add("--signature " + sig.key());
    }
    boolean examples = sig.inputs().size() == 1 && sig.inputs().values().iterator().next().isString()
        && (sig.methodName().endsWith("/regress") || sig.methodName().endsWith("/classify")
            || sig.key().startsWith("regress") || sig.key().startsWith("classify")
            || sig.inputs().values().iterator().next().tensorName().contains("example"));
    if (examples) {
      args.add("--examples '[" + exampleFeatures(graph).orElse("{}") + "]'");
      return String.join(" ", args);
    }
    List<String> files = new ArrayList<>();
    for (TensorSpec in : sig.inputs().values()) {
      long[] shape = fedShape(in);
      if (count(shape) <= MAX_INLINE_VALUES) {
        args.add("--input '" + in.key() + "=" + zeros(in, shape) + "'");
      } else {
        String file = in.key().replaceAll("[^A-Za-z0-9._-]", "_") + ".npy";
        args.add("--input '" + in.key() + "=@" + file + "'");
        files.add(file + ": " + in.dtypeName() + " " + TensorSpec.shapeText(shape));
      }
    }
    if (!files.isEmpty()) {
      args.add("# write " + String.join("; ", files));
    }
    return String.join(" ", args);
  }

  /** The shape fed: the signature's, unknown dimensions as 1 (a scalar for an unknown rank). */
  private static long[] fedShape(TensorSpec spec) {
    long[] shape = spec.shape() == null ? new long[0] : spec.shape().clone();
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shape[i] < 0 ? 1 : shape[i];
    }
    return shape;
  }

  /** The number of values, saturating (a model may declare any shape). */
  private static long count(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n = d != 0 && n > Long.MAX_VALUE / d ? Long.MAX_VALUE : n * d;
    }
    return n;
  }

  private static String zeros(TensorSpec spec, long[] shape) {
    String zero = spec.isString() ? "\"\"" : switch (Dtypes.base(spec.dtype())) {
      case DT_BOOL -> "false";
      case DT_FLOAT, DT_DOUBLE, DT_HALF, DT_BFLOAT16 -> "0.0";
      default -> "0";
    };
    return nested(shape, 0, zero);
  }

  private static String nested(long[] shape, int depth, String zero) {
    if (depth == shape.length) {
      return zero;
    }
    long n = shape[depth] < 0 ? 1 : shape[depth];
    List<String> items = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      items.add(nested(shape, depth + 1, zero));
    }
    return "[" + String.join(", ", items) + "]";
  }

  /** {@code {"x": 0.0, "x2": 0.0}}: the dense features a ParseExample node of the graph reads, as zeros. */
  private static Optional<String> exampleFeatures(GraphDef graph) {
    Optional<String> inGraph = exampleFeatures(graph.getNodeList());
    if (inGraph.isPresent()) {
      return inGraph;
    }
    return graph.getLibrary().getFunctionList().stream().map(f -> exampleFeatures(f.getNodeDefList()))
        .flatMap(Optional::stream).findFirst();
  }

  private static Optional<String> exampleFeatures(List<NodeDef> nodes) {
    Map<String, NodeDef> byName = new java.util.HashMap<>();
    nodes.forEach(n -> byName.put(n.getName(), n));
    for (NodeDef n : nodes) {
      List<String> keys = new ArrayList<>();
      if (n.getOp().equals("ParseExample")) {
        int sparse = (int) n.getAttrMap().getOrDefault("Nsparse", AttrValue.getDefaultInstance()).getI();
        int dense = (int) n.getAttrMap().getOrDefault("Ndense", AttrValue.getDefaultInstance()).getI();
        for (int i = 0; i < dense; i++) {
          constString(byName, n.getInput(2 + sparse + i)).ifPresent(keys::add);
        }
      } else if (n.getOp().equals("ParseExampleV2") && n.getInputCount() > 3) {
        NodeDef c = byName.get(n.getInput(3).split(":")[0]);
        if (c != null && c.getOp().equals("Const")) {
          c.getAttrMap().get("value").getTensor().getStringValList().forEach(s -> keys.add(s.toStringUtf8()));
        }
      } else {
        continue;
      }
      List<DataType> types = n.getAttrMap().getOrDefault("Tdense", AttrValue.getDefaultInstance()).getList()
          .getTypeList();
      List<TensorShapeProto> shapes = n.getAttrMap().getOrDefault("dense_shapes", AttrValue.getDefaultInstance())
          .getList().getShapeList();
      List<String> features = new ArrayList<>();
      for (int i = 0; i < keys.size(); i++) {
        String zero = i < types.size() && types.get(i) == DataType.DT_STRING ? "\"\""
            : i < types.size() && types.get(i) == DataType.DT_INT64 ? "0" : "0.0";
        long size = 1;
        if (i < shapes.size()) {
          for (TensorShapeProto.Dim d : shapes.get(i).getDimList()) {
            size *= Math.max(1, d.getSize());
          }
        }
        features.add("\"" + keys.get(i) + "\": " + (size == 1 ? zero : nested(new long[] {size}, 0, zero)));
      }
      if (!features.isEmpty()) {
        return Optional.of("{" + String.join(", ", features) + "}");
      }
    }
    return Optional.empty();
  }

  private static Optional<String> constString(Map<String, NodeDef> byName, String input) {
    NodeDef c = byName.get(input.split(":")[0]);
    if (c == null || !c.getOp().equals("Const") || c.getAttrMap().get("value") == null) {
      return Optional.empty();
    }
    var values = c.getAttrMap().get("value").getTensor().getStringValList();
    return values.size() == 1 ? Optional.of(values.get(0).toStringUtf8()) : Optional.empty();
  }
}
