package org.introdl.savedmodels.testing;

import java.util.function.DoubleUnaryOperator;

/**
 * Keras layers written out in plain Java, in double precision, straight from Keras's documented formulas: the
 * independent computation the Keras import's graphs and the Keras-written SavedModels are checked against. Arrays
 * are row-major; images are NHWC.
 */
public final class DoubleForward {
  private DoubleForward() {}

  /** A row-major array of doubles and its shape. */
  public record Nd(double[] v, int... shape) {
    public static Nd of(float[] f, int... shape) {
      double[] d = new double[f.length];
      for (int i = 0; i < d.length; i++) {
        d[i] = f[i];
      }
      return new Nd(d, shape);
    }

    public int size(int axis) {
      return shape[axis];
    }

    public Nd reshape(int... s) {
      return new Nd(v, s);
    }

    public float[] floats() {
      float[] f = new float[v.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) v[i];
      }
      return f;
    }

    public long[] longShape() {
      return java.util.Arrays.stream(shape).asLongStream().toArray();
    }
  }

  public static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  /** Keras 1/2's hard_sigmoid. */
  static double hardSigmoid2(double x) {
    return Math.max(0, Math.min(1, 0.2 * x + 0.5));
  }

  public static DoubleUnaryOperator activation(String name) {
    return switch (name) {
      case "linear" -> x -> x;
      case "relu" -> x -> Math.max(0, x);
      case "tanh" -> Math::tanh;
      case "sigmoid" -> DoubleForward::sigmoid;
      case "hard_sigmoid" -> DoubleForward::hardSigmoid2;
      case "elu" -> x -> x > 0 ? x : Math.exp(x) - 1;
      case "softplus" -> x -> Math.log1p(Math.exp(x));
      case "softsign" -> x -> x / (1 + Math.abs(x));
      case "swish" -> x -> x * sigmoid(x);
      case "selu" -> x -> 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * (Math.exp(x) - 1));
      default -> throw new IllegalArgumentException(name);
    };
  }

  public static Nd map(Nd x, DoubleUnaryOperator f) {
    double[] out = new double[x.v.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = f.applyAsDouble(x.v[i]);
    }
    return new Nd(out, x.shape.clone());
  }

  /** Softmax over the last axis. */
  public static Nd softmax(Nd x) {
    int c = x.shape[x.shape.length - 1];
    double[] out = new double[x.v.length];
    for (int r = 0; r < x.v.length / c; r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < c; j++) {
        max = Math.max(max, x.v[r * c + j]);
      }
      double sum = 0;
      for (int j = 0; j < c; j++) {
        out[r * c + j] = Math.exp(x.v[r * c + j] - max);
        sum += out[r * c + j];
      }
      for (int j = 0; j < c; j++) {
        out[r * c + j] /= sum;
      }
    }
    return new Nd(out, x.shape.clone());
  }

  /** x [..., in] . w [in, out] + b over the last axis. */
  public static Nd dense(Nd x, Nd w, Nd b) {
    int in = w.shape[0];
    int out = w.shape[1];
    int rows = x.v.length / in;
    double[] y = new double[rows * out];
    for (int r = 0; r < rows; r++) {
      for (int o = 0; o < out; o++) {
        double s = b == null ? 0 : b.v[o];
        for (int i = 0; i < in; i++) {
          s += x.v[r * in + i] * w.v[i * out + o];
        }
        y[r * out + o] = s;
      }
    }
    int[] shape = x.shape.clone();
    shape[shape.length - 1] = out;
    return new Nd(y, shape);
  }

  /** NHWC convolution (cross-correlation, as TensorFlow and Keras compute it), kernel [kh, kw, in, out]. */
  public static Nd conv2d(Nd x, Nd k, Nd b, int stride, boolean same) {
    int n = x.shape[0];
    int h = x.shape[1];
    int w = x.shape[2];
    int c = x.shape[3];
    int kh = k.shape[0];
    int kw = k.shape[1];
    int f = k.shape[3];
    int oh = same ? (h + stride - 1) / stride : (h - kh) / stride + 1;
    int ow = same ? (w + stride - 1) / stride : (w - kw) / stride + 1;
    int padTop = same ? Math.max((oh - 1) * stride + kh - h, 0) / 2 : 0;
    int padLeft = same ? Math.max((ow - 1) * stride + kw - w, 0) / 2 : 0;
    double[] y = new double[n * oh * ow * f];
    for (int i = 0; i < n; i++) {
      for (int r = 0; r < oh; r++) {
        for (int col = 0; col < ow; col++) {
          for (int o = 0; o < f; o++) {
            double s = b == null ? 0 : b.v[o];
            for (int dr = 0; dr < kh; dr++) {
              int rr = r * stride + dr - padTop;
              if (rr < 0 || rr >= h) {
                continue;
              }
              for (int dc = 0; dc < kw; dc++) {
                int cc = col * stride + dc - padLeft;
                if (cc < 0 || cc >= w) {
                  continue;
                }
                for (int ch = 0; ch < c; ch++) {
                  s += x.v[((i * h + rr) * w + cc) * c + ch] * k.v[((dr * kw + dc) * c + ch) * f + o];
                }
              }
            }
            y[((i * oh + r) * ow + col) * f + o] = s;
          }
        }
      }
    }
    return new Nd(y, n, oh, ow, f);
  }

  /** Valid pooling, pool = stride. */
  public static Nd pool2d(Nd x, int size, boolean max) {
    int n = x.shape[0];
    int h = x.shape[1];
    int w = x.shape[2];
    int c = x.shape[3];
    int oh = h / size;
    int ow = w / size;
    double[] y = new double[n * oh * ow * c];
    for (int i = 0; i < n; i++) {
      for (int r = 0; r < oh; r++) {
        for (int col = 0; col < ow; col++) {
          for (int ch = 0; ch < c; ch++) {
            double acc = max ? Double.NEGATIVE_INFINITY : 0;
            for (int dr = 0; dr < size; dr++) {
              for (int dc = 0; dc < size; dc++) {
                double v = x.v[((i * h + r * size + dr) * w + col * size + dc) * c + ch];
                acc = max ? Math.max(acc, v) : acc + v;
              }
            }
            y[((i * oh + r) * ow + col) * c + ch] = max ? acc : acc / (size * size);
          }
        }
      }
    }
    return new Nd(y, n, oh, ow, c);
  }

  /** Inference batch normalisation over the last axis; weights gamma, beta, moving mean, moving variance. */
  public static Nd batchNorm(Nd x, Nd gamma, Nd beta, Nd mean, Nd var, double eps) {
    int c = mean.v.length;
    double[] y = new double[x.v.length];
    for (int i = 0; i < y.length; i++) {
      int ch = i % c;
      y[i] = gamma.v[ch] * (x.v[i] - mean.v[ch]) / Math.sqrt(var.v[ch] + eps) + beta.v[ch];
    }
    return new Nd(y, x.shape.clone());
  }

  public static Nd add(Nd a, Nd b) {
    double[] y = new double[a.v.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = a.v[i] + b.v[i];
    }
    return new Nd(y, a.shape.clone());
  }

  /** Recurrent layer options, as Keras's config names them. */
  public record Rnn(String kind, int units, String activation, String recurrentActivation, boolean returnSequences,
      boolean goBackwards, boolean resetAfter) {}

  /**
   * SimpleRNN, LSTM (gates i, f, c, o) or GRU (z, r, h) over x [n, t, f], step by step; {@code mask} [n][t] keeps
   * the previous state on false steps. Returns [n, units] or [n, t, units].
   */
  public static Nd rnn(Rnn o, Nd x, Nd kernel, Nd recurrent, Nd bias, boolean[][] mask) {
    int n = x.shape[0];
    int steps = x.shape[1];
    int feat = x.shape[2];
    int u = o.units();
    int g = o.kind().equals("LSTM") ? 4 : o.kind().equals("GRU") ? 3 : 1;
    DoubleUnaryOperator act = activation(o.activation());
    DoubleUnaryOperator gate = activation(o.recurrentActivation());
    double[] out = new double[o.returnSequences() ? n * steps * u : n * u];
    for (int b = 0; b < n; b++) {
      double[] h = new double[u];
      double[] c = new double[u];
      for (int s = 0; s < steps; s++) {
        int t = o.goBackwards() ? steps - 1 - s : s;
        double[] xz = new double[g * u];
        double[] hz = new double[g * u];
        for (int j = 0; j < g * u; j++) {
          double sx = bias == null ? 0 : bias.v[j];
          for (int i = 0; i < feat; i++) {
            sx += x.v[(b * steps + t) * feat + i] * kernel.v[i * g * u + j];
          }
          xz[j] = sx;
          double sh = o.resetAfter() && bias != null ? bias.v[g * u + j] : 0;
          for (int i = 0; i < u; i++) {
            sh += h[i] * recurrent.v[i * g * u + j];
          }
          hz[j] = sh;
        }
        double[] hNew = new double[u];
        double[] cNew = new double[u];
        for (int j = 0; j < u; j++) {
          switch (o.kind()) {
            case "LSTM" -> {
              double ig = gate.applyAsDouble(xz[j] + hz[j]);
              double fg = gate.applyAsDouble(xz[u + j] + hz[u + j]);
              double cc = act.applyAsDouble(xz[2 * u + j] + hz[2 * u + j]);
              double og = gate.applyAsDouble(xz[3 * u + j] + hz[3 * u + j]);
              cNew[j] = fg * c[j] + ig * cc;
              hNew[j] = og * act.applyAsDouble(cNew[j]);
            }
            case "GRU" -> {
              double z = gate.applyAsDouble(xz[j] + hz[j]);
              double r = gate.applyAsDouble(xz[u + j] + hz[u + j]);
              double cand;
              if (o.resetAfter()) {
                cand = act.applyAsDouble(xz[2 * u + j] + r * hz[2 * u + j]);
              } else {
                double rh = 0;
                for (int i = 0; i < u; i++) {
                  double ri = gate.applyAsDouble(xz[u + i] + hz[u + i]);
                  rh += ri * h[i] * recurrent.v[i * g * u + 2 * u + j];
                }
                cand = act.applyAsDouble(xz[2 * u + j] + rh);
              }
              hNew[j] = z * h[j] + (1 - z) * cand;
            }
            default -> hNew[j] = act.applyAsDouble(xz[j] + hz[j]);
          }
        }
        boolean keep = mask == null || mask[b][t];
        if (keep) {
          h = hNew;
          c = cNew;
        }
        if (o.returnSequences()) {
          System.arraycopy(h, 0, out, (b * steps + s) * u, u);
        }
      }
      if (!o.returnSequences()) {
        System.arraycopy(h, 0, out, b * u, u);
      }
    }
    return o.returnSequences() ? new Nd(out, n, steps, u) : new Nd(out, n, u);
  }

  /** Deterministic inputs in [lo, hi). */
  public static float[] uniform(long seed, int n, double lo, double hi) {
    java.util.Random r = new java.util.Random(seed);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (lo + (hi - lo) * r.nextDouble());
    }
    return out;
  }
}
