package org.introdl.exercises.lab2;

/**
 * The notebook's network in plain Java doubles, the graders' independent reference: TF1's {@code BasicLSTMCell}
 * over the rows, then the dense layer. The switches build the classic mistakes the grader recognises.
 */
final class PlainLstm {
  /**
   * The cell as written, right or wrong: which output goes into the dense layer (the last or the first; h or the
   * state c), whether the forget bias is added, which of the four column blocks is read as which gate ({@code gates}
   * names the gate of block 0, 1, 2, 3: the notebook's is "ijfo"), and whether the input is [x, h] or [h, x].
   */
  record Variant(boolean lastOutput, float forgetBias, String gates, boolean stateFirst, boolean outputsState) {
    static final Variant NOTEBOOK = new Variant(true, 1f, "ijfo", false, false);
    static final Variant FIRST_OUTPUT = new Variant(false, 1f, "ijfo", false, false);
    static final Variant NO_FORGET_BIAS = new Variant(true, 0f, "ijfo", false, false);
    static final Variant STATE_FIRST = new Variant(true, 1f, "ijfo", true, false);
    static final Variant OUTPUTS_STATE = new Variant(true, 1f, "ijfo", false, true);

    static Variant gateOrder(String gates) {
      return new Variant(true, 1f, gates, false, false);
    }
  }

  private PlainLstm() {}

  /**
   * Logits {@code [batch][outputs]} for inputs {@code [batch][steps][inputs]}, a kernel {@code [inputs + hidden][4 *
   * hidden]} (columns i, j, f, o), its bias, the dense weights {@code [hidden][outputs]} and biases.
   */
  static double[][] logits(float[][][] x, float[][] kernel, float[] bias, float[][] weights, float[] biases,
      Variant variant) {
    int hidden = bias.length / 4;
    int outputs = biases.length;
    double[][] logits = new double[x.length][outputs];
    for (int n = 0; n < x.length; n++) {
      double[] c = new double[hidden];
      double[] h = new double[hidden];
      double[] chosen = null;
      for (float[] row : x[n]) {
        double[] in = new double[row.length + hidden];
        int xAt = variant.stateFirst() ? hidden : 0;
        for (int k = 0; k < row.length; k++) {
          in[xAt + k] = row[k];
        }
        System.arraycopy(h, 0, in, variant.stateFirst() ? 0 : row.length, hidden);
        double[] gates = new double[4 * hidden];
        for (int g = 0; g < 4 * hidden; g++) {
          double sum = bias[g];
          for (int k = 0; k < in.length; k++) {
            sum += in[k] * kernel[k][g];
          }
          gates[g] = sum;
        }
        int iAt = variant.gates().indexOf('i') * hidden;
        int jAt = variant.gates().indexOf('j') * hidden;
        int fAt = variant.gates().indexOf('f') * hidden;
        int oAt = variant.gates().indexOf('o') * hidden;
        for (int u = 0; u < hidden; u++) {
          double i = sigmoid(gates[iAt + u]);
          double j = Math.tanh(gates[jAt + u]);
          double f = sigmoid(gates[fAt + u] + variant.forgetBias());
          double o = sigmoid(gates[oAt + u]);
          c[u] = c[u] * f + i * j;
          h[u] = Math.tanh(c[u]) * o;
        }
        if (chosen == null || variant.lastOutput()) {
          chosen = (variant.outputsState() ? c : h).clone();
        }
      }
      for (int o = 0; o < outputs; o++) {
        double sum = biases[o];
        for (int u = 0; u < hidden; u++) {
          sum += chosen[u] * weights[u][o];
        }
        logits[n][o] = sum;
      }
    }
    return logits;
  }

  static double sigmoid(double v) {
    return 1 / (1 + Math.exp(-v));
  }

  /** Row-wise softmax. */
  static double[][] softmax(double[][] logits) {
    double[][] out = new double[logits.length][];
    for (int n = 0; n < logits.length; n++) {
      out[n] = softmax(logits[n]);
    }
    return out;
  }

  static double[] softmax(double[] row) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : row) {
      max = Math.max(max, v);
    }
    double sum = 0;
    double[] out = new double[row.length];
    for (int k = 0; k < row.length; k++) {
      out[k] = Math.exp(row[k] - max);
      sum += out[k];
    }
    for (int k = 0; k < row.length; k++) {
      out[k] /= sum;
    }
    return out;
  }
}
