package org.introdl.music.model;

import org.introdl.core.tf.GraphVariables;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomStandardNormal;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The notebook's output layer and what it measures, cells 7, 9 and 10: {@code weights} [hidden, 78] and
 * {@code biases} [78] (standard normal, Python's {@code Variable} and {@code Variable_1}), the last LSTM output
 * through them, {@code prediction = softmax(logits)}, {@code loss_op} (mean softmax cross-entropy) and
 * {@code accuracy} (arg-max equal). The notebook's graph and every fast form of it use this one head.
 */
public final class OutputHead {
  /** The names Python gives the layer's variables (it creates them before the cell's). */
  public static final String WEIGHTS = "Variable";
  public static final String BIASES = "Variable_1";

  public final Output<TFloat32> weights;
  public final Output<TFloat32> biases;

  private OutputHead(Output<TFloat32> weights, Output<TFloat32> biases) {
    this.weights = weights;
    this.biases = biases;
  }

  /** Cell 7: the layer's variables, named {@code weightsName} and {@code biasesName}, drawn from {@code seed}. */
  public static OutputHead create(Ops tf, int hidden, int outputs, long seed, String weightsName, String biasesName) {
    Output<TFloat32> weights = GraphVariables.create(tf, weightsName, Shape.of(hidden, outputs), TFloat32.class,
        init -> init.random.randomStandardNormal(init.constant(new long[] {hidden, outputs}), TFloat32.class,
            RandomStandardNormal.seed(seed), RandomStandardNormal.seed2(1L)));
    Output<TFloat32> biases = GraphVariables.create(tf, biasesName, Shape.of(outputs), TFloat32.class,
        init -> init.random.randomStandardNormal(init.constant(new long[] {outputs}), TFloat32.class,
            RandomStandardNormal.seed(seed), RandomStandardNormal.seed2(2L)));
    return new OutputHead(weights, biases);
  }

  /** With Python's names. */
  public static OutputHead create(Ops tf, int hidden, int outputs, long seed) {
    return create(tf, hidden, outputs, seed, WEIGHTS, BIASES);
  }

  /**
   * The end of cell 8, {@code last_output @ weights + biases}; {@code named} is {@code tf} or {@code
   * tf.withName(...)}, which names the sum.
   */
  public static Operand<TFloat32> logits(Ops tf, Ops named, Operand<TFloat32> lastOutput, Operand<TFloat32> weights,
      Operand<TFloat32> biases) {
    return named.math.add(tf.linalg.matMul(lastOutput, weights), biases);
  }

  /** The next note's distribution after {@code lastOutput}, on variable reads {@code weights} and {@code biases}. */
  public static Operand<TFloat32> probabilities(Ops tf, Operand<TFloat32> lastOutput, Operand<TFloat32> weights,
      Operand<TFloat32> biases) {
    return tf.nn.softmax(logits(tf, tf, lastOutput, weights, biases));
  }

  /** What the notebook measures of its logits against the one-hot {@code labels} (cells 9 and 10). */
  public record Measures(Operand<TFloat32> prediction, Operand<TFloat32> loss, Operand<TFloat32> accuracy) {}

  /** {@code prediction}, {@code loss} and {@code accuracy}, named so. */
  public static Measures measure(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> labels) {
    Operand<TFloat32> prediction = tf.withName("prediction").nn.softmax(logits);
    Operand<TFloat32> loss = tf.withName("loss").math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, labels).loss(),
        tf.constant(0));
    Operand<TInt64> predicted = tf.math.argMax(prediction, tf.constant(1));
    Operand<TInt64> expected = tf.math.argMax(labels, tf.constant(1));
    Operand<TFloat32> accuracy = tf.withName("accuracy").math.mean(
        tf.dtypes.cast(tf.math.equal(predicted, expected), TFloat32.class), tf.constant(0));
    return new Measures(prediction, loss, accuracy);
  }
}
