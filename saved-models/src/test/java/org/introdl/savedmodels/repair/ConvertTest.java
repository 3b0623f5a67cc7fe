package org.introdl.savedmodels.repair;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.introdl.savedmodels.CliRun;
import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.cli.SavedModelCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.types.TFloat32;

/** {@code savedmodel convert}: the repaired copy loads and runs in stock TensorFlow, with no repair at load time. */
class ConvertTest {
  @TempDir Path tmp;

  @Test
  void aKerasStyleCudnnLstmConvertsToAModelStockTensorFlowRunsOnTheCpu() throws Exception {
    CudnnRnnRewriteTest.Case c = new CudnnRnnRewriteTest.Case("CudnnRNNV3", "lstm", 1, 1, false,
        new int[] {5, 4, 2}, true);
    Random random = new Random(3);
    int gh = 4 * CudnnRnnRewriteTest.UNITS;
    float[][][] x = random(random, CudnnRnnRewriteTest.BATCH, CudnnRnnRewriteTest.STEPS, CudnnRnnRewriteTest.INPUT);
    float[][][] zeros = new float[1][CudnnRnnRewriteTest.BATCH][CudnnRnnRewriteTest.UNITS];
    List<CudnnRnnRewriteTest.Weights> weights = List.of(new CudnnRnnRewriteTest.Weights(
        random(random, 1, CudnnRnnRewriteTest.INPUT, gh)[0], random(random, 1, CudnnRnnRewriteTest.UNITS, gh)[0],
        random(random, 1, 1, gh)[0][0], random(random, 1, 1, gh)[0][0]));
    Path model = CudnnRnnRewriteTest.cudnnModel(c, x, zeros, zeros,
        CudnnRnnRewriteTest.pack(c, weights, CudnnRnnRewriteTest.cudnnGates(c)), tmp.resolve("keras-gpu"));
    Path out = tmp.resolve("cpu");

    CliRun r = CliRun.run(new SavedModelCommand(), "convert", model.toString(), "--to", out.toString()).assertOk();
    assertTrue(r.out().contains("rewrote CudnnRNNV3 'rnn' in function"), r.out());
    assertTrue(r.out().endsWith("wrote SavedModel " + out + " (1 repair)\n"), r.out());
    assertFalse(CudnnRnnRewrite.holdsCudnnRnn(SavedModelDir.open(out).metaGraph("serve").getGraphDef()));

    float[][][] viaRun = runStock(out, x); // stock TensorFlow Java, no repair step in between
    float[][][] viaRewriteAtRun = runThroughRepair(model, x);
    for (int b = 0; b < x.length; b++) {
      for (int t = 0; t < x[0].length; t++) {
        assertArrayEquals(viaRewriteAtRun[b][t], viaRun[b][t], 0f);
      }
    }
    assertEquals(0f, viaRun[2][3][0], 0f, "past its length (2), a sequence outputs zeros");
  }

  @Test
  void aStaleSignatureIsDroppedAndTheRestIsKept() throws Exception {
    Path model = org.introdl.savedmodels.HandMadeModels.withDisagreeingSignature(tmp.resolve("stale"));
    Path out = tmp.resolve("fixed");
    CliRun.run(new SavedModelCommand(), "convert", model.toString(), "--to", out.toString()).assertOk();
    try (SavedModelBundle bundle = SavedModelBundle.load(out.toString(), "serve");
        Tensor in = TFloat32.vectorOf(1f, 2f);
        Result result = bundle.session().runner().feed("x:0", in).fetch("y:0").run()) {
      assertEquals(3f, ((TFloat32) result.get(0)).getFloat(0), 0f); // y = 2x + 1, its variable restored
      assertEquals(5f, ((TFloat32) result.get(0)).getFloat(1), 0f);
      assertEquals(List.of("serving_default"), List.copyOf(bundle.metaGraphDef().getSignatureDefMap().keySet()));
    }
    assertTrue(Files.isRegularFile(out.resolve("variables/variables.index")), "variables copied, not linked");
    assertFalse(Files.isSymbolicLink(out.resolve("variables")));
    CliRun.run(new SavedModelCommand(), "convert", model.toString(), "--to", out.toString())
        .assertOneLineError(1, "already exists");
  }

  private static float[][][] runStock(Path dir, float[][][] x) {
    try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), "serve");
        Tensor in = TFloat32.tensorOf(StdArrays.ndCopyOf(x));
        Result result = bundle.session().runner().feed("x:0", in).fetch(bundle.metaGraphDef()
            .getSignatureDefMap().get("serving_default").getOutputsMap().get("output").getName()).run()) {
      return StdArrays.array3dCopyOf((TFloat32) result.get(0));
    }
  }

  private static float[][][] runThroughRepair(Path dir, float[][][] x) {
    var outcome = org.introdl.savedmodels.SignatureRunner.run(new org.introdl.savedmodels.SignatureRunner.Script(dir,
        "serve", List.of(new org.introdl.savedmodels.SignatureRunner.Call("serving_default", Map.of("x",
            org.introdl.savedmodels.values.ArrayJson.toJson(org.introdl.core.io.Npy.Array.of(CudnnRnnRewriteTest.flat(x),
                CudnnRnnRewriteTest.shapeOf(x))).toString()))), false));
    float[] flat = ((org.introdl.savedmodels.values.TensorValue.Numbers) outcome.results().get(0).outputs().get("output"))
        .array().toFloats();
    float[][][] out = new float[x.length][x[0].length][CudnnRnnRewriteTest.UNITS];
    int k = 0;
    for (float[][] m : out) {
      for (float[] row : m) {
        for (int i = 0; i < row.length; i++) {
          row[i] = flat[k++];
        }
      }
    }
    return out;
  }

  private static float[][][] random(Random r, int n, int m, int k) {
    float[][][] out = new float[n][m][k];
    for (float[][] a : out) {
      for (float[] b : a) {
        for (int i = 0; i < k; i++) {
          b[i] = (float) (r.nextDouble() - 0.5);
        }
      }
    }
    return out;
  }
}
