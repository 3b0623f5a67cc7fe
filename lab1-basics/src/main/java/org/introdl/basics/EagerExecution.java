package org.introdl.basics;

import java.util.List;
import org.introdl.core.tf.PythonStyle;
import org.tensorflow.EagerSession;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;

/**
 * Notebook section 2.1, "How is eager execution different?": the same {@code add(1, 2)} is a symbolic tensor in
 * graph mode and the number 3 in eager mode, where each op runs as soon as it is called.
 */
public final class EagerExecution {
  /**
   * How many {@code Add} ops the notebook's default graph already held when it printed {@code tf.add(1, 2)}: its
   * output was {@code Add_3:0}. TF names repeated ops {@code Add}, {@code Add_1}, ..., in Java as in Python.
   */
  public static final int NOTEBOOK_PRIOR_ADDS = 3;

  private EagerExecution() {}

  /** The graph-mode tensor and the eager one, as Python printed them. */
  public record Result(String graphTensor, String eagerTensor, int eagerValue) {
    public List<String> lines() {
      return List.of("graph mode: " + graphTensor, "eager mode: " + eagerTensor);
    }
  }

  public static Result run(int priorAdds) {
    String symbolic;
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      for (int i = 0; i < priorAdds; i++) {
        tf.math.add(tf.constant(0), tf.constant(0));
      }
      symbolic = PythonStyle.symbolic(tf.math.add(tf.constant(1), tf.constant(2)));
    }
    try (EagerSession eager = EagerSession.create()) {
      Ops tf = Ops.create(eager);
      Operand<TInt32> sum = tf.math.add(tf.constant(1), tf.constant(2));
      int value = sum.asTensor().getInt();
      String shown = PythonStyle.eager(Integer.toString(value), sum.shape(), sum.asOutput().dataType());
      return new Result(symbolic, shown, value);
    }
  }
}
