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
import org.introdl.savedmodels.testing.DoubleForward;
import org.introdl.savedmodels.testing.DoubleForward.Nd;
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
  record Weights(Nd kernel, Nd recurrent, Nd bias, Nd hiddenKernel, Nd hiddenBias, Nd outKernel, Nd outBias) {
    static Weights read(Path model) {
      TensorBundleIndex index = TensorBundleIndex.read(model.resolve("variables/variables.index"));
      return new Weights(array(index, "variables/0"), array(index, "variables/1"), array(index, "variables/2"),
          array(index, "layer_with_weights-1/kernel"), array(index, "layer_with_weights-1/bias"),
          array(index, "layer_with_weights-2/kernel"), array(index, "layer_with_weights-2/bias"));
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
   * Keras's GRU with {@code reset_after=True} (gates z, r, h side by side in the kernel's columns; bias row 0 for the
   * input, row 1 for the state), then {@code relu(h K1 + b1) K2 + b2}, from the plain double layers the Keras import
   * is checked against. {@code swapGates} reads z and r the other way round (the control).
   */
  static double[] forward(Weights w, double[] x, boolean swapGates) {
    var gru = new DoubleForward.Rnn("GRU", UNITS, "tanh", "sigmoid", false, false, true);
    Nd h = DoubleForward.rnn(gru, new Nd(x, BATCH, STEPS, FEATURES), gates(w.kernel(), swapGates),
        gates(w.recurrent(), swapGates), gates(w.bias(), swapGates), null);
    Nd hidden = DoubleForward.map(DoubleForward.dense(h, w.hiddenKernel(), w.hiddenBias()), v -> Math.max(0, v));
    return DoubleForward.dense(hidden, w.outKernel(), w.outBias()).v();
  }

  /** The z and r column blocks of a [rows, 3 * UNITS] GRU weight exchanged when {@code swap}. */
  private static Nd gates(Nd weights, boolean swap) {
    if (!swap) {
      return weights;
    }
    double[] v = weights.v().clone();
    for (int row = 0; row < v.length / (3 * UNITS); row++) {
      int at = row * 3 * UNITS;
      System.arraycopy(weights.v(), at + UNITS, v, at, UNITS);
      System.arraycopy(weights.v(), at, v, at + UNITS, UNITS);
    }
    return new Nd(v, weights.shape());
  }

  /** Windows of six features in [0, 1), as the model's scaled stock prices were. */
  private static double[] inputs(Random random) {
    double[] x = new double[BATCH * STEPS * FEATURES];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextDouble(); // exactly representable in float32, so both sides see the same input
    }
    return x;
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

  private static Nd array(TensorBundleIndex index, String layer) {
    Npy.Array a = TensorValues.read(index, entry(index, layer));
    return new Nd(a.toDoubles(), java.util.Arrays.stream(a.shape()).mapToInt(Math::toIntExact).toArray());
  }

  private static TensorBundleIndex.Entry entry(TensorBundleIndex index, String layer) {
    String key = layer + "/.ATTRIBUTES/VARIABLE_VALUE";
    return index.entries().stream().filter(e -> e.name().equals(key)).findFirst()
        .orElseThrow(() -> new AssertionError(key + " is not in the checkpoint"));
  }
}
