package org.introdl.core.tf;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;

/**
 * Glorot (Xavier) uniform as TF1's {@code glorot_uniform_initializer}, the default of {@code tf.get_variable}:
 * U(-limit, limit) with {@code limit = sqrt(6 / (fan_in + fan_out))}, the fans counting a convolution's receptive
 * field. Written from {@code randomUniform} because the framework's Glorot draws from [0, limit) with a wrong conv
 * scale.
 */
public final class GlorotUniform {
  private GlorotUniform() {}

  /** A seeded draw of {@code shape}; {@code seed2} tells apart the variables drawn from one graph seed. */
  public static Operand<TFloat32> of(Ops tf, Shape shape, long fanIn, long fanOut, long seed, long seed2) {
    float limit = limit(fanIn, fanOut);
    Operand<TFloat32> unit = tf.random.randomUniform(tf.constant(shape.asArray()), TFloat32.class,
        RandomUniform.seed(seed), RandomUniform.seed2(seed2));
    return tf.math.sub(tf.math.mul(unit, tf.constant(2 * limit)), tf.constant(limit));
  }

  /** {@code sqrt(6 / (fanIn + fanOut))}. */
  public static float limit(long fanIn, long fanOut) {
    return (float) Math.sqrt(6.0 / (fanIn + fanOut));
  }
}
