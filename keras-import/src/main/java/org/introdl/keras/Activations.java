package org.introdl.keras;

import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Keras's activation functions, by the names a config uses, as TensorFlow ops. */
final class Activations {
  static final Set<String> NAMES = Set.of("linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu", "softplus",
      "softsign", "hard_sigmoid", "swish", "silu", "gelu", "leaky_relu", "relu6", "exponential", "hard_silu",
      "hard_swish", "mish", "log_softmax");

  private Activations() {}

  /**
   * Applies {@code name} to {@code x}. {@code kerasMajor} matters for one function: Keras 1 and 2 define
   * hard_sigmoid as clip(0.2 x + 0.5, 0, 1), Keras 3 as clip(x / 6 + 0.5, 0, 1).
   */
  static Operand<TFloat32> apply(Ops tf, String name, Operand<TFloat32> x, int kerasMajor) {
    return switch (name) {
      case "linear", "None" -> x;
      case "relu" -> tf.nn.relu(x);
      case "relu6" -> tf.nn.relu6(x);
      case "sigmoid" -> tf.math.sigmoid(x);
      case "tanh" -> tf.math.tanh(x);
      case "softmax" -> tf.nn.softmax(x);
      case "log_softmax" -> tf.nn.logSoftmax(x);
      case "elu" -> tf.nn.elu(x);
      case "selu" -> tf.nn.selu(x);
      case "softplus" -> tf.math.softplus(x);
      case "softsign" -> tf.nn.softsign(x);
      case "exponential" -> tf.math.exp(x);
      case "hard_sigmoid" -> hardSigmoid(tf, x, kerasMajor);
      case "swish", "silu" -> tf.math.mul(x, tf.math.sigmoid(x));
      case "hard_silu", "hard_swish" -> tf.math.mul(x, hardSigmoid(tf, x, 3));
      case "mish" -> tf.math.mul(x, tf.math.tanh(tf.math.softplus(x)));
      case "gelu" -> gelu(tf, x);
      case "leaky_relu" -> tf.nn.leakyRelu(x, org.tensorflow.op.nn.LeakyRelu.alpha(kerasMajor >= 3 ? 0.2f : 0.3f));
      default -> throw new IllegalArgumentException("unknown activation '" + name + "'");
    };
  }

  static Operand<TFloat32> hardSigmoid(Ops tf, Operand<TFloat32> x, int kerasMajor) {
    Operand<TFloat32> linear = kerasMajor >= 3
        ? tf.math.add(tf.math.div(x, tf.constant(6f)), tf.constant(0.5f))
        : tf.math.add(tf.math.mul(x, tf.constant(0.2f)), tf.constant(0.5f));
    return tf.math.minimum(tf.math.maximum(linear, tf.constant(0f)), tf.constant(1f));
  }

  /** The exact GELU, 0.5 x (1 + erf(x / sqrt 2)), Keras's default ({@code approximate=False}). */
  private static Operand<TFloat32> gelu(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> cdf = tf.math.mul(tf.constant(0.5f),
        tf.math.add(tf.constant(1f), tf.math.erf(tf.math.mul(x, tf.constant((float) (1 / Math.sqrt(2)))))));
    return tf.math.mul(x, cdf);
  }
}
