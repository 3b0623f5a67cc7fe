package org.introdl.basics;

import java.util.List;
import java.util.Locale;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Notebook section 2.2, automatic differentiation: {@code f(x) = x*x + 3}, its first and second derivatives.
 *
 * <p>The notebook used eager gradients ({@code tfe.gradients_function}). TF Java cannot differentiate in eager mode
 * ("Gradients can be computed only in a graph execution environment"), so this builds the derivatives as graph ops
 * with {@code tf.gradients} and runs them in a session: the same mathematics, one step removed from the eager code.
 * The second derivative differentiates the first one's graph; it needs an explicit seed ({@code dy = 1}) because
 * TF Java's default seed op ({@code OnesLike}) has no gradient of its own.
 */
public final class AutomaticDifferentiation {
  /** The notebook's point. */
  public static final float X = 4f;
  public static final String NOTE =
      "(TF Java has no eager gradients: f, df and d2f are graph ops run in a session)";

  private AutomaticDifferentiation() {}

  /** f(x), f'(x) and f''(x), printed with two decimals as the notebook did. */
  public record Result(float x, float f, float df, float d2f) {
    public List<String> lines() {
      String at = format(x);
      return List.of(
          String.format(Locale.ROOT, "f(%s) = %.2f", at, f),
          String.format(Locale.ROOT, "df(%s) = %.2f", at, df),
          String.format(Locale.ROOT, "d2f(%s) = %.2f", at, d2f),
          NOTE);
    }

    private static String format(float v) {
      return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Float.toString(v);
    }
  }

  public static Result run(float x) {
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> input = tf.withName("x").placeholder(TFloat32.class);
      Operand<TFloat32> f = tf.math.add(tf.math.mul(input, input), tf.constant(3f));
      Output<TFloat32> df = derivative(tf, f, input);
      Output<TFloat32> d2f = derivative(tf, df, input);
      try (TFloat32 feed = TFloat32.scalarOf(x);
          org.tensorflow.Result r = session.runner().feed(input, feed).fetch(f).fetch(df).fetch(d2f).run()) {
        return new Result(x, value(r, 0), value(r, 1), value(r, 2));
      }
    }
  }

  /** d(y)/d(x) for scalar y, as a graph op seeded with a constant 1 so that it can itself be differentiated. */
  private static Output<TFloat32> derivative(Ops tf, Operand<TFloat32> y, Operand<TFloat32> x) {
    Gradients grads = tf.gradients(y, List.of(x), Gradients.dx(List.of(tf.constant(1f))));
    return grads.<TFloat32>dy(0);
  }

  private static float value(org.tensorflow.Result r, int i) {
    return ((TFloat32) r.get(i)).getFloat();
  }
}
