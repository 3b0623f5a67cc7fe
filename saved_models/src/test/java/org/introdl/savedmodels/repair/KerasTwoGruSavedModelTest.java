package org.introdl.savedmodels.repair;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.introdl.core.io.Npy;
import org.introdl.core.safety.RunLimits;
import org.introdl.savedmodels.values.ArrayJson;
import org.introdl.savedmodels.Fixtures;
import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.SignatureRunner;
import org.introdl.savedmodels.values.TensorValue;
import org.introdl.savedmodels.checkpoint.TensorBundleIndex;
import org.introdl.savedmodels.checkpoint.TensorValues;
import org.junit.jupiter.api.Test;

/**
 * The Keras 2 (TF 2.15) GRU SavedModel in the shared fixtures: the layer is a CPU function that runs and a cuDNN
 * alternative (with its gradient functions) that nothing calls; TensorFlow's implementation selector only swaps the
 * latter in on a GPU. Run here on the CPU, {@code serving_default} must equal a plain Java GRU (Keras
 * {@code reset_after=True}) and the two dense layers, computed in doubles from the weights in {@code variables/}.
 */
class KerasTwoGruSavedModelTest {
  static final int BATCH = 3;
  static final int STEPS = 14;
  static final int FEATURES = 6;
  static final int UNITS = 64;
  static final double TOLERANCE = 1e-5;

  /** The model's weights, by the checkpoint keys Keras 2 gave them (the GRU cell's are the model's variables 0-2). */
  record Weights(double[][] kernel, double[][] recurrent, double[][] bias, double[][] hiddenKernel,
      double[] hiddenBias, double[][] outKernel, double[] outBias) {
    static Weights read(Path model) {
      TensorBundleIndex index = TensorBundleIndex.read(model.resolve("variables/variables.index"));
      return new Weights(matrix(index, "variables/0"), matrix(index, "variables/1"), matrix(index, "variables/2"),
          matrix(index, "layer_with_weights-1/kernel"), vector(index, "layer_with_weights-1/bias"),
          matrix(index, "layer_with_weights-2/kernel"), vector(index, "layer_with_weights-2/bias"));
    }
  }

  @Test
  void theCpuAlternativeRunsAndEqualsAPlainGru() {
    Path model = Fixtures.kerasGruTf215();
    Weights w = Weights.read(model);
    double[] x = inputs(new Random(215));
    // Run as a stranger's model: the scan passes it (the uncalled cuDNN alternative is a note, not a finding).
    SignatureRunner.ScriptOutcome run = SignatureRunner.run(new SignatureRunner.Script(model, "serve",
        List.of(new SignatureRunner.Call("serving_default", Map.of("input_2",
            ArrayJson.toJson(Npy.Array.of(toFloats(x), BATCH, STEPS, FEATURES)).toString()))),
        RunLimits.of(false)));
    assertEquals(List.of(), run.notes(), "nothing that runs needs a rewrite: the CPU alternative is what is called");
    Npy.Array out = ((TensorValue.Numbers) run.results().get(0).outputs().get("dense_3")).array();
    assertArrayEquals(new long[] {BATCH, 1}, out.shape());
    double[] want = forward(w, x, false);
    double worst = maxAbsDiff(want, out.toFloats());
    assertTrue(worst < TOLERANCE, "max abs diff " + worst + " vs the plain GRU " + java.util.Arrays.toString(want));
    // The reference can fail: Keras's update and reset gates read in the other order give other numbers.
    double swapped = maxAbsDiff(forward(w, x, true), out.toFloats());
    assertTrue(swapped > 100 * TOLERANCE, "a GRU with z and r swapped went unnoticed: " + swapped);
  }

  @Test
  void onlyTheCalledFunctionsAreRewrittenAndTheCudnnAlternativeIsNotCalled() {
    var graph = SavedModelDir.open(Fixtures.kerasGruTf215()).metaGraph("serve").getGraphDef();
    var called = CudnnRnnRewrite.calledFunctions(graph);
    var withCudnn = graph.getLibrary().getFunctionList().stream()
        .filter(f -> f.getNodeDefList().stream().anyMatch(n -> CudnnRnnRewrite.OPS.contains(n.getOp())))
        .map(f -> f.getSignature().getName()).toList();
    assertTrue(!withCudnn.isEmpty() && withCudnn.stream().noneMatch(called::contains), withCudnn.toString());
    assertTrue(called.stream().anyMatch(f -> f.contains("standard_gru")), called.toString());
  }

  /**
   * Keras's GRU with {@code reset_after=True}: gates z, r, h side by side in the kernel's columns; bias row 0 for
   * the input, row 1 for the state; {@code h~ = tanh(x Wh + bh + r (h Uh + b'h))}, {@code h' = z h + (1 - z) h~};
   * then {@code relu(h K1 + b1) K2 + b2}. {@code swapGates} reads z and r the other way round (the control).
   */
  static double[] forward(Weights w, double[] x, boolean swapGates) {
    int zGate = swapGates ? 1 : 0;
    int rGate = swapGates ? 0 : 1;
    double[] out = new double[BATCH];
    for (int b = 0; b < BATCH; b++) {
      double[] h = new double[UNITS];
      for (int t = 0; t < STEPS; t++) {
        double[] xg = new double[3 * UNITS];
        double[] hg = new double[3 * UNITS];
        for (int j = 0; j < 3 * UNITS; j++) {
          xg[j] = w.bias()[0][j];
          hg[j] = w.bias()[1][j];
          for (int i = 0; i < FEATURES; i++) {
            xg[j] += x[(b * STEPS + t) * FEATURES + i] * w.kernel()[i][j];
          }
          for (int i = 0; i < UNITS; i++) {
            hg[j] += h[i] * w.recurrent()[i][j];
          }
        }
        double[] next = new double[UNITS];
        for (int u = 0; u < UNITS; u++) {
          double z = sigmoid(xg[zGate * UNITS + u] + hg[zGate * UNITS + u]);
          double r = sigmoid(xg[rGate * UNITS + u] + hg[rGate * UNITS + u]);
          double candidate = Math.tanh(xg[2 * UNITS + u] + r * hg[2 * UNITS + u]);
          next[u] = z * h[u] + (1 - z) * candidate;
        }
        h = next;
      }
      double y = w.outBias()[0];
      for (int k = 0; k < w.hiddenBias().length; k++) {
        double hidden = w.hiddenBias()[k];
        for (int u = 0; u < UNITS; u++) {
          hidden += h[u] * w.hiddenKernel()[u][k];
        }
        y += Math.max(0, hidden) * w.outKernel()[k][0];
      }
      out[b] = y;
    }
    return out;
  }

  /** Windows of six features in [0, 1), as the model's scaled stock prices were. */
  private static double[] inputs(Random random) {
    double[] x = new double[BATCH * STEPS * FEATURES];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextDouble(); // exactly representable in float32, so both sides see the same input
    }
    return x;
  }

  private static double sigmoid(double v) {
    return 1 / (1 + Math.exp(-v));
  }

  private static double maxAbsDiff(double[] want, float[] got) {
    double worst = 0;
    for (int i = 0; i < want.length; i++) {
      worst = Math.max(worst, Math.abs(want[i] - got[i]));
    }
    return worst;
  }

  private static float[] toFloats(double[] values) {
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    return f;
  }

  private static double[] vector(TensorBundleIndex index, String layer) {
    return TensorValues.read(index, entry(index, layer)).toDoubles();
  }

  private static double[][] matrix(TensorBundleIndex index, String layer) {
    Npy.Array a = TensorValues.read(index, entry(index, layer));
    double[] flat = a.toDoubles();
    int rows = (int) a.shape()[0];
    int cols = (int) a.shape()[1];
    double[][] m = new double[rows][cols];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(flat, r * cols, m[r], 0, cols);
    }
    return m;
  }

  private static TensorBundleIndex.Entry entry(TensorBundleIndex index, String layer) {
    String key = layer + "/.ATTRIBUTES/VARIABLE_VALUE";
    return index.entries().stream().filter(e -> e.name().equals(key)).findFirst()
        .orElseThrow(() -> new AssertionError(key + " is not in the checkpoint"));
  }
}
