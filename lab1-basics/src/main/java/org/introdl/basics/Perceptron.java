package org.introdl.basics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Notebook section 1.3, a single perceptron: {@code out = sigmoid(x W + b)} with 2 inputs and 1 output, the weights
 * initialised to ones and the bias to zeros. {@code W} and {@code b} are variables: their initial values are ops
 * that the session runs once before the first fetch.
 */
public final class Perceptron {
  public static final int INPUT_NODES = 2;
  public static final int OUTPUT_NODES = 1;
  /** The notebook's input: one row. */
  public static final float[][] X = {{0.25f, 0.15f}};

  private Perceptron() {}

  /** One output row per input row; Python printed {@code output[0]}, i.e. {@code [0.59868765]}. */
  public record Result(float[][] x, float[][] out) {
    public List<String> lines() {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < x.length; i++) {
        lines.add("x = " + Arrays.toString(x[i]) + " -> " + Arrays.toString(out[i]));
      }
      return lines;
    }
  }

  /** Runs the perceptron on the rows of {@code x} (each of width {@value #INPUT_NODES}). */
  public static Result run(float[][] x) {
    for (float[] row : x) {
      if (row.length != INPUT_NODES) {
        throw new IllegalArgumentException("each row of x needs " + INPUT_NODES + " values, got " + row.length);
      }
    }
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> input =
          tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, INPUT_NODES)));
      Variable<TFloat32> weights =
          tf.withName("W").variable(tf.ones(tf.constant(new long[] {INPUT_NODES, OUTPUT_NODES}), TFloat32.class));
      Variable<TFloat32> bias = tf.withName("b").variable(tf.zeros(tf.constant(new long[] {OUTPUT_NODES}), TFloat32.class));
      Operand<TFloat32> z = tf.math.add(tf.linalg.matMul(input, weights), bias);
      Operand<TFloat32> out = tf.math.sigmoid(z);
      try (TFloat32 feed = TFloat32.tensorOf(StdArrays.ndCopyOf(x));
          org.tensorflow.Result fetched = session.runner().feed(input, feed).fetch(out).run()) {
        float[][] values = StdArrays.array2dCopyOf((TFloat32) fetched.get(0));
        return new Result(x, values);
      }
    }
  }
}
