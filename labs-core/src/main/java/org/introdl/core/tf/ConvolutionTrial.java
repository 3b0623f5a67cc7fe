package org.introdl.core.tf;

import java.util.List;
import java.util.Random;
import org.introdl.core.tune.KernelChoices;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * One convolution layer, {@code relu(biasAdd(conv(x, kernel), bias))} on random inputs, in a graph of its own, ready
 * to be timed. The bias and ReLU are part of it because oneDNN's graph rewrite fuses them into {@code Conv2D} (and
 * not into {@code Conv}): timing the convolution alone would favour the wrong kernel. The session's threads are the
 * x-ray graphs' (intra-op = cores, inter-op = 1).
 */
public final class ConvolutionTrial implements KernelChoices.Trial {
  private final Graph graph;
  private final Session session;
  private final TFloat32 x;
  private final TFloat32 kernel;
  private final TFloat32 bias;
  private final Placeholder<TFloat32> xIn;
  private final Placeholder<TFloat32> kernelIn;
  private final Placeholder<TFloat32> biasIn;
  private final Operand<TFloat32> y;

  public ConvolutionTrial(ConvolutionPlan.Layer layer, int batch, Convolution.Kernel how) {
    graph = new Graph();
    Ops tf = Ops.create(graph);
    // Placeholders, not constants: the model's weights are variables, which no rewrite can pre-pack.
    xIn = tf.placeholder(TFloat32.class);
    kernelIn = tf.placeholder(TFloat32.class);
    biasIn = tf.placeholder(TFloat32.class);
    Operand<TFloat32> conv = Convolution.conv2d(tf, xIn, kernelIn, List.of(1L, 1L, 1L, 1L), "SAME", how);
    y = tf.nn.relu(tf.nn.biasAdd(conv, biasIn));
    int cores = Runtime.getRuntime().availableProcessors();
    session = new Session(graph, ConfigProto.newBuilder().setIntraOpParallelismThreads(cores)
        .setInterOpParallelismThreads(1).build());
    Random random = new Random(1);
    x = uniform(random, Shape.of(batch, layer.height(), layer.width(), layer.in()));
    kernel = uniform(random, Shape.of(layer.side(), layer.side(), layer.in(), layer.out()));
    bias = uniform(random, Shape.of(layer.out()));
  }

  @Override
  public double runMillis() {
    long start = System.nanoTime();
    session.runner().feed(xIn, x).feed(kernelIn, kernel).feed(biasIn, bias).addTarget(y).run().close();
    return (System.nanoTime() - start) / 1e6;
  }

  private static TFloat32 uniform(Random random, Shape shape) {
    float[] values = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextFloat() * 2 - 1;
    }
    return TFloat32.tensorOf(shape, DataBuffers.of(values, true, false));
  }

  @Override
  public void close() {
    x.close();
    kernel.close();
    bias.close();
    session.close();
    graph.close();
  }
}
