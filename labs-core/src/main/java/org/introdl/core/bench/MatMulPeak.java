package org.introdl.core.bench;

import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;

/**
 * This machine's practical float32 peak, as TensorFlow reaches it: one large square MatMul (2048^3 by default),
 * fed from tensors made once, run for its side effect only so that no output is copied back to Java.
 */
public final class MatMulPeak implements BenchWorkload {
  /** The start of this workload's row name in a bench table. */
  public static final String ROW_PREFIX = "peak: ";

  private final int n;
  private final Graph graph = new Graph();
  private final Session session;
  private final TFloat32 a;
  private final TFloat32 b;
  private final Placeholder<TFloat32> inA;
  private final Placeholder<TFloat32> inB;
  private final MatMul<TFloat32> product;

  public MatMulPeak(int n, org.tensorflow.proto.ConfigProto config) {
    this.n = n;
    Ops tf = Ops.create(graph);
    inA = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(n, n)));
    inB = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(n, n)));
    product = tf.linalg.matMul(inA, inB);
    session = config == null ? new Session(graph) : new Session(graph, config);
    a = random(n, 1);
    b = random(n, 2);
  }

  private static TFloat32 random(int n, long seed) {
    TFloat32 t = TFloat32.tensorOf(Shape.of(n, n));
    Random r = new Random(seed);
    float[] row = new float[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        row[j] = (float) r.nextGaussian();
      }
      t.set(org.tensorflow.ndarray.NdArrays.vectorOf(row), i);
    }
    return t;
  }

  @Override
  public String name() {
    return ROW_PREFIX + "float32 MatMul " + n + "^3";
  }

  @Override
  public double flopsPerRun() {
    return 2.0 * n * n * (double) n;
  }

  @Override
  public String baseline() {
    return null;
  }

  @Override
  public void run() {
    session.runner().feed(inA, a).feed(inB, b).addTarget(product).run().close();
  }

  @Override
  public void close() {
    a.close();
    b.close();
    session.close();
    graph.close();
  }
}
