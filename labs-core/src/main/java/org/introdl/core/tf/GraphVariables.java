package org.introdl.core.tf;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.family.TType;

/**
 * Variables with any TF1 name, slashes included ({@code rnn/basic_lstm_cell/kernel/Adam}). TF Java's name scopes
 * refuse a slash in a name and rename a sub-scope that collides with an existing op ({@code kernel_1}), so a slot
 * named after its variable cannot be made through {@code Ops}. The graph's own op builder takes any valid TF name
 * as it is (the C API checks it); the initializer is then registered like {@code tf.variable(init)} does, so a new
 * Session runs it. (Importing a one-node GraphDef also works, but costs a pass over the whole graph per variable:
 * over a second for an optimizer's slots on a 10,000-op training graph.)
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
    Operation op = graph.opBuilder("VariableV2", fullName, tf.scope())
        .setAttr("dtype", dataType(type))
        .setAttr("shape", shape)
        .setAttr("container", "")
        .setAttr("shared_name", "")
        .build();
    Output<T> variable = op.output(0);
    Ops initScope = tf.withInitScope();
    initScope.assign(variable, init.apply(initScope));
    return variable;
  }

  private static DataType dataType(Class<? extends TType> type) {
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
}
