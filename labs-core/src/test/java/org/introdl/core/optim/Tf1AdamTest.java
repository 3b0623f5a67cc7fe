package org.introdl.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import org.introdl.core.tf.GraphVariables;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class Tf1AdamTest {
  /** TF1's Adam in plain double: m, v, and lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t). */
  private static final class ReferenceAdam {
    final double lr = 0.1;
    final double b1 = 0.9;
    final double b2 = 0.999;
    final double eps = 1e-8;
    double[] m;
    double[] v;
    int t;

    ReferenceAdam(int n) {
      m = new double[n];
      v = new double[n];
    }

    void step(double[] x, double[] g) {
      t++;
      double lrT = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
      for (int i = 0; i < x.length; i++) {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        x[i] -= lrT * m[i] / (Math.sqrt(v[i]) + eps);
      }
    }
  }

  @Test
  void stepsEqualTf1FormulaInDoubleAndSlotsTakeSlashedNames() {
    // loss = sum((x - target)^2) over a variable named like a Keras layer's kernel.
    double[] x = {7.5, -2.0, 0.25, 3.0};
    double[] target = {1.0, 1.0, -1.0, 3.0};
    ReferenceAdam reference = new ReferenceAdam(x.length);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      float[] init = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        init[i] = (float) x[i];
      }
      Output<TFloat32> var = GraphVariables.create(tf, "dense/kernel", Shape.of(x.length), TFloat32.class,
          i -> i.constant(init));
      float[] tgt = new float[target.length];
      for (int i = 0; i < tgt.length; i++) {
        tgt[i] = (float) target[i];
      }
      Operand<TFloat32> diff = tf.math.sub(tf.identity(var), tf.constant(tgt));
      Operand<TFloat32> loss = tf.reduceSum(tf.math.mul(diff, diff), tf.constant(0));
      Tf1Adam.Update update = new Tf1Adam(0.1f).minimize(tf, loss, List.of(Tf1Adam.Trainable.of(var)));
      assertNotNull(g.operation("dense/kernel/Adam"));
      assertNotNull(g.operation("dense/kernel/Adam_1"));
      assertNotNull(g.operation("beta1_power"));
      try (Session s = new Session(g)) {
        for (int step = 1; step <= 5; step++) {
          double[] grad = new double[x.length];
          for (int i = 0; i < x.length; i++) {
            grad[i] = 2 * (x[i] - target[i]);
          }
          reference.step(x, grad);
          s.runner().addTarget(update.train()).run();
          try (Result r = s.runner().fetch(var).fetch("beta1_power").run()) {
            TFloat32 values = (TFloat32) r.get(0);
            for (int i = 0; i < x.length; i++) {
              assertEquals(x[i], values.getFloat(i), 1e-5, "step " + step + " element " + i);
            }
            assertEquals(Math.pow(0.9, step + 1), ((TFloat32) r.get(1)).getFloat(), 1e-6);
          }
        }
      }
    }
  }

  @Test
  void theFactsFileExampleIsReproducedEveryRun() {
    // v = 7.5, loss v^2, lr 0.1: TF1 gives 7.4, 7.300038, 7.200137 (the framework's Adam wanders run to run).
    for (int run = 0; run < 3; run++) {
      try (Graph g = new Graph()) {
        Ops tf = Ops.create(g);
        Output<TFloat32> v = GraphVariables.create(tf, "v", Shape.scalar(), TFloat32.class, i -> i.constant(7.5f));
        Operand<TFloat32> read = tf.identity(v);
        Tf1Adam.Update update = new Tf1Adam(0.1f).minimize(tf, tf.math.mul(read, read), List.of(Tf1Adam.Trainable.of(v)));
        try (Session s = new Session(g)) {
          double[] expected = {7.4, 7.300038, 7.200137};
          for (double e : expected) {
            s.runner().addTarget(update.train()).run();
            try (Result r = s.runner().fetch(v).run()) {
              assertEquals(e, ((TFloat32) r.get(0)).getFloat(), 3e-6);
            }
          }
        }
      }
    }
  }
}
