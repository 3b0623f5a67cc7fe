package org.introdl.core.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class ConvolutionTest {
  private static final double TOLERANCE = 1e-4;

  /** Image [n, h, w, c], kernel [k, k, c, c'], strides, padding: small enough for a plain-Java reference. */
  private record Case(int n, int size, int in, int out, int k, int stride, String padding) {}

  private static final List<Case> CASES = List.of(new Case(2, 9, 3, 4, 3, 1, "SAME"),
      new Case(1, 12, 2, 5, 5, 1, "SAME"), new Case(2, 10, 3, 2, 3, 2, "VALID"), new Case(1, 11, 4, 3, 3, 2, "SAME"));

  @Test
  void bothKernelsEqualAPlainJavaConvolutionInDouble() {
    for (Case c : CASES) {
      float[] x = random(c.n() * c.size() * c.size() * c.in(), 1);
      float[] w = random(c.k() * c.k() * c.in() * c.out(), 2);
      double[] expected = reference(c, x, w);
      for (Convolution.Kernel kernel : Convolution.Kernel.values()) {
        float[][] got = run(c, x, w, kernel);
        assertEquals(expected.length, got[0].length, c + " " + kernel + ": output size");
        for (int i = 0; i < expected.length; i++) {
          assertEquals(expected[i], got[0][i], TOLERANCE, c + " " + kernel + ": output " + i);
        }
      }
    }
  }

  /** The gradient registered for op Conv gives what TF's own gradient of Conv2D gives, for input and kernel. */
  @Test
  void convGradientEqualsConv2dGradient() {
    for (Case c : CASES) {
      float[] x = random(c.n() * c.size() * c.size() * c.in(), 3);
      float[] w = random(c.k() * c.k() * c.in() * c.out(), 4);
      float[][] conv2d = run(c, x, w, Convolution.Kernel.CONV2D);
      float[][] conv = run(c, x, w, Convolution.Kernel.CONV);
      double largest = 0;
      for (int part = 1; part <= 2; part++) {
        for (int i = 0; i < conv2d[part].length; i++) {
          assertEquals(conv2d[part][i], conv[part][i], TOLERANCE, c + (part == 1 ? " dx " : " dkernel ") + i);
          largest = Math.max(largest, Math.abs(conv2d[part][i]));
        }
      }
      assertTrue(largest > 0.1, c + ": the gradients are not all tiny");
    }
  }

  /** Output, d(loss)/dx and d(loss)/dkernel for loss = sum(output * weights), weights a fixed ramp. */
  private static float[][] run(Case c, float[] x, float[] w, Convolution.Kernel kernel) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var xIn = tf.placeholder(TFloat32.class);
      var wIn = tf.placeholder(TFloat32.class);
      Operand<TFloat32> xs = tf.reshape(xIn, tf.constant(new long[] {c.n(), c.size(), c.size(), c.in()}));
      Operand<TFloat32> ws = tf.reshape(wIn, tf.constant(new long[] {c.k(), c.k(), c.in(), c.out()}));
      long s = c.stride();
      Operand<TFloat32> y = Convolution.conv2d(tf, xs, ws, List.of(1L, s, s, 1L), c.padding(), kernel);
      Operand<TFloat32> ramp = tf.math.mul(tf.dtypes.cast(tf.range(tf.constant(0), tf.size(y), tf.constant(1)),
          TFloat32.class), tf.constant(0.01f));
      Operand<TFloat32> loss = tf.reduceSum(tf.math.mul(tf.reshape(y, tf.constant(new long[] {-1})), ramp),
          tf.constant(0));
      var grads = tf.gradients(loss, List.of(xs, ws));
      try (Session session = new Session(g);
          TFloat32 xt = TFloat32.tensorOf(Shape.of(x.length), DataBuffers.of(x, true, false));
          TFloat32 wt = TFloat32.tensorOf(Shape.of(w.length), DataBuffers.of(w, true, false));
          Result r = session.runner().feed(xIn, xt).feed(wIn, wt).fetch(y).fetch(grads.dy(0)).fetch(grads.dy(1))
              .run()) {
        return new float[][] {floats(r.get(0)), floats(r.get(1)), floats(r.get(2))};
      }
    }
  }

  /** Cross-correlation as TF defines it (SAME pads total max(0, (out-1)*s + k - in), the smaller half first). */
  private static double[] reference(Case c, float[] x, float[] w) {
    int n = c.n();
    int size = c.size();
    int k = c.k();
    int s = c.stride();
    int outSize = "SAME".equals(c.padding()) ? (size + s - 1) / s : (size - k) / s + 1;
    int padBefore = "SAME".equals(c.padding()) ? Math.max(0, (outSize - 1) * s + k - size) / 2 : 0;
    double[] y = new double[n * outSize * outSize * c.out()];
    for (int b = 0; b < n; b++) {
      for (int oy = 0; oy < outSize; oy++) {
        for (int ox = 0; ox < outSize; ox++) {
          for (int co = 0; co < c.out(); co++) {
            double sum = 0;
            for (int ky = 0; ky < k; ky++) {
              for (int kx = 0; kx < k; kx++) {
                int iy = oy * s + ky - padBefore;
                int ix = ox * s + kx - padBefore;
                if (iy < 0 || ix < 0 || iy >= size || ix >= size) {
                  continue;
                }
                for (int ci = 0; ci < c.in(); ci++) {
                  sum += (double) x[((b * size + iy) * size + ix) * c.in() + ci]
                      * w[((ky * k + kx) * c.in() + ci) * c.out() + co];
                }
              }
            }
            y[((b * outSize + oy) * outSize + ox) * c.out() + co] = sum;
          }
        }
      }
    }
    return y;
  }

  private static float[] random(int count, long seed) {
    Random r = new Random(seed);
    float[] v = new float[count];
    for (int i = 0; i < count; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  private static float[] floats(org.tensorflow.Tensor t) {
    float[] out = new float[(int) t.size()];
    t.asRawTensor().data().asFloats().read(out);
    return out;
  }
}
