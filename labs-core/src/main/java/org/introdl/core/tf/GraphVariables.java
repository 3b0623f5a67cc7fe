package org.introdl.core.tf;

import com.google.protobuf.ByteString;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.family.TType;

/**
 * Variables with any TF1 name, slashes included ({@code rnn/basic_lstm_cell/kernel/Adam}). TF Java's name scopes
 * refuse a slash in a name and rename a sub-scope that collides with an existing op ({@code kernel_1}), so a slot
 * named after its variable cannot be made through {@code Ops}. A one-node GraphDef import accepts any valid TF name;
 * the initializer is then registered like {@code tf.variable(init)} does, so a new Session runs it.
 */
public final class GraphVariables {
  private GraphVariables() {}

  /** A {@code VariableV2} named exactly {@code fullName}, initialised to {@code init} (built in the init scope). */
  public static <T extends TType> Output<T> create(Ops tf, String fullName, Shape shape, Class<T> type,
      java.util.function.Function<Ops, Operand<T>> init) {
    Graph graph = (Graph) tf.scope().env();
    if (graph.operation(fullName) != null) {
      throw new IllegalArgumentException("graph already has an op named " + fullName);
    }
    NodeDef node = NodeDef.newBuilder()
        .setName(fullName)
        .setOp("VariableV2")
        .putAttr("dtype", AttrValue.newBuilder().setType(dataType(tf, type)).build())
        .putAttr("shape", AttrValue.newBuilder().setShape(shapeProto(shape)).build())
        .putAttr("container", AttrValue.newBuilder().setS(ByteString.EMPTY).build())
        .putAttr("shared_name", AttrValue.newBuilder().setS(ByteString.EMPTY).build())
        .build();
    graph.importGraphDef(GraphDef.newBuilder().addNode(node).build());
    @SuppressWarnings("unchecked")
    Output<T> variable = (Output<T>) (Output<?>) graph.operation(fullName).output(0);
    Ops initScope = tf.withInitScope();
    initScope.assign(variable, init.apply(initScope));
    return variable;
  }

  private static DataType dataType(Ops tf, Class<? extends TType> type) {
    if (type == org.tensorflow.types.TFloat32.class) {
      return DataType.DT_FLOAT;
    }
    if (type == org.tensorflow.types.TFloat64.class) {
      return DataType.DT_DOUBLE;
    }
    if (type == org.tensorflow.types.TInt32.class) {
      return DataType.DT_INT32;
    }
    if (type == org.tensorflow.types.TInt64.class) {
      return DataType.DT_INT64;
    }
    throw new IllegalArgumentException("unsupported variable type " + type.getSimpleName());
  }

  private static TensorShapeProto shapeProto(Shape shape) {
    TensorShapeProto.Builder b = TensorShapeProto.newBuilder();
    for (int i = 0; i < shape.numDimensions(); i++) {
      b.addDim(TensorShapeProto.Dim.newBuilder().setSize(shape.get(i)));
    }
    return b.build();
  }
}
