package org.introdl.keras;

import static org.introdl.keras.KerasFixtures.array;
import static org.introdl.keras.KerasFixtures.assertClose;
import static org.introdl.savedmodels.testing.DoubleForward.Nd;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.introdl.core.io.Npy;
import org.introdl.savedmodels.testing.DoubleForward;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Keras 2 functional model in the legacy HDF5 layout, written here: two outputs, a layer shared by two calls,
 * and a Sequential nested as a layer (declaring no input shape of its own: it is called on a tensor) whose group
 * holds its layers' weights ({@code d1/kernel:0}, ...).
 */
class KerasLegacyTopologyTest {
  @TempDir Path tmp;

  private static final String CONFIG = """
      {"class_name": "Model", "config": {"name": "m", "layers": [
        {"name": "x", "class_name": "InputLayer", "config": {"batch_input_shape": [null, 3], "dtype": "float32",
          "name": "x"}, "inbound_nodes": []},
        {"name": "shared", "class_name": "Dense", "config": {"name": "shared", "units": 3, "activation": "relu",
          "use_bias": true}, "inbound_nodes": [[["x", 0, 0, {}]], [["block", 0, 0, {}]]]},
        {"name": "block", "class_name": "Sequential", "config": {"name": "block", "layers": [
            {"class_name": "Dense", "config": {"name": "d1", "units": 4, "activation": "tanh", "use_bias": true}},
            {"class_name": "Dense", "config": {"name": "d2", "units": 3, "activation": "linear", "use_bias": false}}]},
          "inbound_nodes": [[["shared", 0, 0, {}]]]},
        {"name": "sum", "class_name": "Add", "config": {"name": "sum"},
          "inbound_nodes": [[["shared", 1, 0, {}], ["x", 0, 0, {}]]]}],
       "input_layers": [["x", 0, 0]], "output_layers": [["sum", 0, 0], ["block", 0, 0]]}}""";

  @Test
  void functionalModelWithANestedSequentialAndASharedLayer() throws Exception {
    float[] sk = DoubleForward.uniform(1, 9, -1, 1);
    float[] sb = DoubleForward.uniform(2, 3, -1, 1);
    float[] k1 = DoubleForward.uniform(3, 12, -1, 1);
    float[] b1 = DoubleForward.uniform(4, 4, -1, 1);
    float[] k2 = DoubleForward.uniform(5, 12, -1, 1);
    Path file = tmp.resolve("model.h5");
    try (WritableHdfFile h5 = HdfFile.write(file)) {
      h5.putAttribute("model_config", CONFIG);
      h5.putAttribute("keras_version", "2.2.4");
      h5.putAttribute("backend", "tensorflow");
      WritableGroup weights = h5.putGroup("model_weights");
      weights.putAttribute("layer_names", new String[] {"x", "shared", "block", "sum"});
      weights.putGroup("x");
      weights.putGroup("sum");
      WritableGroup shared = weights.putGroup("shared");
      shared.putAttribute("weight_names", new String[] {"shared/kernel:0", "shared/bias:0"});
      WritableGroup sharedInner = shared.putGroup("shared");
      sharedInner.putDataset("kernel:0", matrix(sk, 3, 3));
      sharedInner.putDataset("bias:0", sb);
      WritableGroup block = weights.putGroup("block");
      block.putAttribute("weight_names", new String[] {"d1/kernel:0", "d1/bias:0", "d2/kernel:0"});
      WritableGroup d1 = block.putGroup("d1");
      d1.putDataset("kernel:0", matrix(k1, 3, 4));
      d1.putDataset("bias:0", b1);
      block.putGroup("d2").putDataset("kernel:0", matrix(k2, 4, 3));
    }
    float[] x = DoubleForward.uniform(6, 2 * 3, -1, 1);
    KerasRun.Outcome o = KerasRun.run(KerasSource.of(file), Map.of("x", Npy.Array.of(x, 2, 3)));
    assertEquals(List.of("sum", "block"), List.copyOf(o.outputs().keySet()));

    Nd relu1 = DoubleForward.map(DoubleForward.dense(Nd.of(x, 2, 3), Nd.of(sk, 3, 3), Nd.of(sb, 3)),
        v -> Math.max(0, v));
    Nd blockOut = DoubleForward.dense(DoubleForward.map(DoubleForward.dense(relu1, Nd.of(k1, 3, 4), Nd.of(b1, 4)),
        Math::tanh), Nd.of(k2, 4, 3), null);
    Nd relu2 = DoubleForward.map(DoubleForward.dense(blockOut, Nd.of(sk, 3, 3), Nd.of(sb, 3)), v -> Math.max(0, v));
    assertClose(array(DoubleForward.add(relu2, Nd.of(x, 2, 3))), o.outputs().get("sum"), 1e-5, "sum");
    assertClose(array(blockOut), o.outputs().get("block"), 1e-5, "block");

    KerasShow.Summary s = KerasShow.describe(KerasSource.of(file));
    assertEquals(9 + 3 + 12 + 4 + 12, s.totalParams());
  }

  private static float[][] matrix(float[] v, int rows, int cols) {
    float[][] m = new float[rows][cols];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(v, r * cols, m[r], 0, cols);
    }
    return m;
  }
}
