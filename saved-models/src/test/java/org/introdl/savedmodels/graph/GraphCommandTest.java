package org.introdl.savedmodels.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.introdl.core.io.Npy;
import org.introdl.savedmodels.CliRun;
import org.introdl.savedmodels.Fixtures;
import org.introdl.savedmodels.values.TensorSpec;
import org.introdl.savedmodels.cli.GraphCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graph show/run} on the frozen LSTM, the linear-regression meta graph and the x-ray meta graph. */
class GraphCommandTest {
  @TempDir Path tmp;

  /** The README's outputs (numpy re-implementation, keep_prob 1.0) for the ramp 1..784. */
  private static final float[] RAMP_LOGITS = {2.8886368f, -0.26002476f, -2.258127f, 6.429122f, -0.64027953f,
      -3.3643663f, -7.451693f, 8.490967f, -6.879125f, 4.2324576f};
  private static final float[] RAMP_SCALED_LOGITS = {12.219732f, -1.0594386f, -5.9887576f, 4.421867f, -6.6017962f,
      -1.8270676f, -6.033214f, 1.1209356f, 1.6158699f, 4.249141f};
  private static final float[] ZERO_LOGITS = {2.1319842f, 0.39741081f, 2.5303667f, -3.6100883f, -3.5999622f,
      7.1842332f, -2.3966916f, -2.2982705f, -3.8367765f, -2.7516975f};

  @Test
  void frozenLstmShowsItsPlaceholdersAndSingleOutput() {
    GraphShow.Summary s = GraphShow.show(Fixtures.frozenLstm());
    assertEquals(529, s.nodes());
    assertEquals(List.of("X", "keep_prob"), s.placeholders().stream().map(TensorSpec::key).toList());
    assertArrayEquals(new long[] {-1, 784}, s.placeholders().get(0).shape());
    assertEquals(List.of("output"), s.outputs());
    assertTrue(s.variables().isEmpty());
    assertTrue(s.scan().isSafe());
  }

  @Test
  void frozenLstmGivesTheDocumentedLogits() throws Exception {
    float[] ramp = new float[784];
    float[] scaled = new float[784];
    for (int i = 0; i < 784; i++) {
      ramp[i] = i + 1;
      scaled[i] = (i + 1) / 784f;
    }
    Path x = tmp.resolve("x.npy");
    Npy.write(x, Npy.Array.of(concat(ramp, scaled, new float[784]), 3, 784));
    Npy.Array logits = GraphRunner.run(new GraphRunner.Request(Fixtures.frozenLstm(), List.of(),
        Map.of("X", "@" + x, "keep_prob", "1.0"), null, false)).outputs().get("output");
    assertArrayEquals(new long[] {3, 10}, logits.shape());
    assertArrayEquals(concat(RAMP_LOGITS, RAMP_SCALED_LOGITS, ZERO_LOGITS), logits.toFloats(), 1e-5f);
  }

  @Test
  void linearRegressionMetaGraphRestoresWAndB() {
    Path meta = Fixtures.linearRegression().resolveSibling("model.meta");
    CliRun r = CliRun.run(new GraphCommand(), "run", meta.toString(), "--checkpoint",
        Fixtures.linearRegression().toString(), "--input", "X=[-2.0, 0.0, 10.0]", "--output", "pred").assertOk();
    String[] lines = r.out().split("\n");
    assertEquals("pred: float32 [3]", lines[0]);
    String[] values = lines[1].replaceAll("[\\[\\]]", "").split(", ");
    float[] xs = {-2f, 0f, 10f};
    for (int i = 0; i < 3; i++) {
      assertEquals(Fixtures.LINEAR_W * xs[i] + Fixtures.LINEAR_B, Float.parseFloat(values[i]), 1e-6f);
    }
  }

  @Test
  void metaGraphShowListsVariablesAndTheSaver() {
    GraphShow.Summary s = GraphShow.show(Fixtures.xray().resolveSibling("model.ckpt.meta"));
    assertEquals("MetaGraphDef", s.kind());
    assertEquals(725, s.nodes());
    assertTrue(s.writtenBy().startsWith("TensorFlow 1.4.0-rc0"), s.writtenBy());
    assertEquals(36, s.variables().size());
    TensorSpec image = s.placeholders().get(0);
    assertEquals("Placeholder", image.key());
    assertArrayEquals(new long[] {-1, 256, 256, 1}, image.shape());
    assertEquals(36, s.scan().saverCheckpointOps(), "TF 1.4's saver: one RestoreV2 per variable, all validated");
    assertEquals(36, s.scan().opCounts().get("RestoreV2"));
    assertTrue(s.scan().isSafe(), s.scan().findings().toString());
    CliRun r = CliRun.run(new GraphCommand(), "show", Fixtures.xray() + ".meta").assertOk();
    assertTrue(r.out().contains("conv2d_7/kernel float32 [3, 3, 512, 512]"), r.out());
    assertTrue(r.out().contains("Placeholder float32 [-1, 256, 256, 1]"), r.out());
  }

  @Test
  void runProblemsAreOneLineErrors() {
    Path meta = Fixtures.linearRegression().resolveSibling("model.meta");
    CliRun.run(new GraphCommand(), "run", meta.toString(), "--input", "X=[1.0]", "--output", "pred")
        .assertOneLineError(1, "2 variables", "--checkpoint");
    CliRun.run(new GraphCommand(), "run", meta.toString(), "--input", "X=[1.0]")
        .assertOneLineError(1, "missing input Y", "it expects X (float32 unknown rank), Y");
    CliRun.run(new GraphCommand(), "run", meta.toString(), "--output", "pred", "--checkpoint",
        Fixtures.linearRegression().toString()).assertOneLineError(1, "missing input X");
    CliRun.run(new GraphCommand(), "run", Fixtures.frozenLstm().toString(), "--input", "X=[[1.0]]", "--input",
        "keep_prob=1.0").assertOneLineError(1, "shape [1, 1]", "X (float32 [-1, 784])");
    CliRun.run(new GraphCommand(), "run", Fixtures.frozenLstm().toString(), "--output", "nothing")
        .assertOneLineError(1, "no node 'nothing'");
    CliRun.run(new GraphCommand(), "run", Fixtures.frozenLstm().toString(), "--checkpoint",
        Fixtures.linearRegression().toString(), "--input", "X=@" + tmp.resolve("none.npy"), "--input",
        "keep_prob=1.0").assertOneLineError(1, "none.npy");
  }

  private static float[] concat(float[]... parts) {
    int n = 0;
    for (float[] p : parts) {
      n += p.length;
    }
    float[] out = new float[n];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
