package org.introdl.basics;

import java.util.List;
import org.introdl.core.tf.PythonStyle;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Constant;
import org.tensorflow.op.math.Add;
import org.tensorflow.types.TInt32;

/**
 * Notebook section 1.1, "Building and executing a computation graph": two constants and their sum, named {@code c}.
 * Printing {@code c} shows a symbolic tensor, not a number: in graph mode nothing is computed until a session runs.
 */
public final class ComputationGraph {
  /** The notebook's inputs. */
  public static final int A = 15;
  public static final int B = 61;

  private ComputationGraph() {}

  /** What the cell shows: the symbolic tensor, then the value a session computes. */
  public record Result(String symbolic, int value) {
    public List<String> lines() {
      return List.of(symbolic, "session.run(c) = " + value);
    }
  }

  public static Result run(int a, int b) {
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Constant<TInt32> constA = tf.withName("a").constant(a);
      Constant<TInt32> constB = tf.withName("b").constant(b);
      Add<TInt32> c = tf.withName("c").math.add(constA, constB);
      try (org.tensorflow.Result fetched = session.runner().fetch(c).run()) {
        return new Result(PythonStyle.symbolic(c), ((TInt32) fetched.get(0)).getInt());
      }
    }
  }
}
