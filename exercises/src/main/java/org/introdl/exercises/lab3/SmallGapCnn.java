package org.introdl.exercises.lab3;

import java.util.ArrayList;
import java.util.List;
import org.introdl.core.tf.GraphVariables;
import org.introdl.exercises.api.XrayModel;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.nn.MaxPool;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;

/**
 * The lab's global-average-pooling CNN in miniature, for the CAM graders: four blocks of two summed 3x3 convolutions
 * and a 2x2 max pool ({@code skip1 .. skip4}), the mean over the last maps ({@code gap}) and a dense layer to two
 * classes, with TF1's layer names ({@code conv2d/kernel} ... {@code dense/kernel}, {@code dense/bias}, logits op
 * {@code dense/BiasAdd}). The channel counts differ per block so that a wrong layer shows in its shape.
 */
final class SmallGapCnn {
  static final int IMAGE_SIZE = 32;
  static final int[] CHANNELS = {3, 4, 5, 6};

  private SmallGapCnn() {}

  static XrayModel build(Graph graph, long seed) {
    Ops tf = Ops.create(graph);
    Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(-1, IMAGE_SIZE, IMAGE_SIZE, 1)));
    List<Operand<TFloat32>> skips = new ArrayList<>();
    Operand<TFloat32> in = x;
    long inChannels = 1;
    int conv = 0;
    for (int block = 0; block < CHANNELS.length; block++) {
      Operand<TFloat32> sum = null;
      for (int k = 0; k < 2; k++, conv++) {
        String scope = conv == 0 ? "conv2d" : "conv2d_" + conv;
        Output<TFloat32> kernel = variable(tf, scope + "/kernel", Shape.of(3, 3, inChannels, CHANNELS[block]),
            seed + conv, 0.5f);
        Output<TFloat32> bias = variable(tf, scope + "/bias", Shape.of(CHANNELS[block]), seed + 100 + conv, 0.1f);
        Operand<TFloat32> y = tf.nn.relu(tf.nn.biasAdd(tf.nn.conv2d(in, tf.identity(kernel),
            List.of(1L, 1L, 1L, 1L), "SAME"), tf.identity(bias)));
        sum = sum == null ? y : tf.math.add(sum, y);
      }
      in = tf.nn.maxPool(sum, tf.constant(new int[] {1, 2, 2, 1}), tf.constant(new int[] {1, 2, 2, 1}), "VALID",
          MaxPool.dataFormat("NHWC"));
      skips.add(in);
      inChannels = CHANNELS[block];
    }
    Operand<TFloat32> gap = tf.math.mean(skips.get(3), tf.constant(new int[] {1, 2}));
    Output<TFloat32> kernel = variable(tf, "dense/kernel", Shape.of(inChannels, 2), seed + 200, 1f);
    Output<TFloat32> bias = variable(tf, "dense/bias", Shape.of(2), seed + 201, 1f);
    Operand<TFloat32> logits = tf.withSubScope("dense").withName("BiasAdd").nn.biasAdd(
        tf.linalg.matMul(gap, tf.identity(kernel)), tf.identity(bias));
    return new XrayModel(graph, x, skips.get(0), skips.get(1), skips.get(2), skips.get(3), gap, logits);
  }

  private static Output<TFloat32> variable(Ops tf, String name, Shape shape, long seed, float range) {
    return GraphVariables.create(tf, name, shape, TFloat32.class,
        init -> init.math.mul(init.math.sub(init.random.randomUniform(init.constant(shape.asArray()), TFloat32.class,
            RandomUniform.seed(seed), RandomUniform.seed2(seed)), init.constant(0.5f)), init.constant(2 * range)));
  }
}
