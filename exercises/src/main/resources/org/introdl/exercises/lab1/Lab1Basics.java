import java.util.ArrayList;
import java.util.List;
import org.introdl.exercises.api.Derivatives;
import org.introdl.exercises.api.PlaceholderGraph;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Lab 1 Part 1: introduction to TensorFlow (MIT 6.S191, 2018), in TensorFlow Java.
 *
 * <p>Each task is one method. Replace its {@code throw new UnsupportedOperationException("TODO ...")} with your code,
 * then run {@code ./labs exercises check} from the repository. {@code ./labs exercises hint DIR TASK} gives a hint.
 */
public final class Lab1Basics {
  /** The perceptron's size, as in the notebook: two inputs, one output. */
  static final int N_INPUT_NODES = 2;
  static final int N_OUTPUT_NODES = 1;

  private Lab1Basics() {}

  /**
   * 1.2 Placeholders. "Now let's consider a slightly more complicated example: computing e = (a + b) * (b - 1).
   * This time the inputs are placeholders: a graph node that holds no value until a session runs the graph and a
   * value is fed in through feed_dict."
   *
   * <p>Build float placeholders {@code a} and {@code b}, then {@code c = a + b}, {@code d = b - 1} and
   * {@code e = c * d}, and return {@code new PlaceholderGraph(a, b, e)}. The grader feeds many values of a and b.
   */
  public static PlaceholderGraph placeholders(Ops tf) {
    Placeholder<TFloat32> a = tf.withName("a").placeholder(TFloat32.class);
    Placeholder<TFloat32> b = tf.withName("b").placeholder(TFloat32.class);
    Operand<TFloat32> c = tf.withName("c").math.add(a, b);
    Operand<TFloat32> d = tf.withName("d").math.sub(b, tf.constant(1f));
    Operand<TFloat32> e = tf.withName("e").math.mul(c, d);
    return new PlaceholderGraph(a, b, e);
  }

  /**
   * 1.3 Neural networks in TensorFlow: a single perceptron. "We define the weights W (initialised to ones) and the bias
   * b (initialised to zeros) as variables, then z = x W + b, and the output out = sigmoid(z)."
   *
   * <p>{@code x} has shape {@code [N, N_INPUT_NODES]}; return {@code out}, shape {@code [N, N_OUTPUT_NODES]}.
   * Variables: {@code tf.variable(initialValue)}; a new {@code Session} runs their initializers.
   */
  public static Operand<TFloat32> perceptron(Ops tf, Operand<TFloat32> x) {
    Variable<TFloat32> w =
        tf.withName("W").variable(tf.ones(tf.constant(new long[] {N_INPUT_NODES, N_OUTPUT_NODES}), TFloat32.class));
    Variable<TFloat32> b = tf.withName("b").variable(tf.zeros(tf.constant(new long[] {N_OUTPUT_NODES}), TFloat32.class));
    Operand<TFloat32> z = tf.math.add(tf.linalg.matMul(x, w), b);
    return tf.math.sigmoid(z);
  }

  /**
   * 2.2 Automatic differentiation. "Automatic differentiation is very useful when implementing many machine learning
   * algorithms such as backpropagation. We define f(x) = x^2 + 3, then its derivative df and the derivative of that,
   * d2f." The notebook printed f(4) = 19.00, df(4) = 8.00, d2f(4) = 2.00.
   *
   * <p>TF Java differentiates graphs: {@code tf.gradients(y, List.of(x), ...)}. Return {@code new Derivatives(f, df,
   * d2f)} as ops of {@code x}.
   */
  public static Derivatives derivatives(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> f = tf.math.add(tf.math.mul(x, x), tf.constant(3f));
    Operand<TFloat32> df = tf.gradients(f, List.of(x), Gradients.dx(List.of(tf.constant(1f)))).<TFloat32>dy(0);
    Operand<TFloat32> d2f = tf.gradients(df, List.of(x), Gradients.dx(List.of(tf.constant(1f)))).<TFloat32>dy(0);
    return new Derivatives(f, df, d2f);
  }

  /**
   * 2.3 Dynamic control flow. "Eager execution lets Python's own control flow depend on tensor values. Starting from
   * a = 12: while a is not 1, if a is even, a = a / 2, else a = 3a + 1; print a after each step." The notebook printed
   * 6, 3, 10, 5, 16, 8, 4, 2, 1.
   *
   * <p>{@code tf} is eager (made from an {@code EagerSession}): each op runs the moment it is made, and
   * {@code a.asTensor().getInt()} reads its value. Do the arithmetic and the tests with int32 ops of {@code tf}, and
   * return the values printed (every value after the start, down to and including 1).
   */
  public static List<Integer> collatz(Ops tf, int start) {
    List<Integer> printed = new ArrayList<>();
    Operand<TInt32> a = tf.constant(start);
    while (a.asTensor().getInt() != 1) {
      boolean even = tf.math.equal(tf.math.floorMod(a, tf.constant(2)), tf.constant(0)).asTensor().getBoolean();
      a = even ? tf.math.floorDiv(a, tf.constant(2)) : tf.math.add(tf.math.mul(a, tf.constant(3)), tf.constant(1));
      printed.add(a.asTensor().getInt());
    }
    return printed;
  }
}
