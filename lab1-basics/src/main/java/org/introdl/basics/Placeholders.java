package org.introdl.basics;

import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Notebook section 1.2, placeholders: the graph {@code e = (a + b) * (b - 1)} is built once with empty inputs, and
 * values are fed in only when a session runs it.
 */
public final class Placeholders {
  /** The notebook's feeds. */
  public static final float A = 2.0f;
  public static final float B = 4.0f;

  private Placeholders() {}

  /** {@code session.run([e])}: Python printed the list {@code [18.0]}. */
  public record Result(float a, float b, float e) {
    public List<String> lines() {
      return List.of("a = " + a + ", b = " + b + ": c = a + b, d = b - 1, e = c * d", "[" + e + "]");
    }
  }

  public static Result run(float a, float b) {
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> inA = tf.withName("a").placeholder(TFloat32.class);
      Placeholder<TFloat32> inB = tf.withName("b").placeholder(TFloat32.class);
      Operand<TFloat32> c = tf.math.add(inA, inB);
      Operand<TFloat32> d = tf.math.sub(inB, tf.constant(1f));
      Operand<TFloat32> e = tf.math.mul(c, d);
      try (TFloat32 feedA = TFloat32.scalarOf(a);
          TFloat32 feedB = TFloat32.scalarOf(b);
          org.tensorflow.Result fetched = session.runner().feed(inA, feedA).feed(inB, feedB).fetch(e).run()) {
        return new Result(a, b, ((TFloat32) fetched.get(0)).getFloat());
      }
    }
  }
}
