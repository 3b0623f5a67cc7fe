package org.introdl.keras;

import static org.introdl.keras.KerasFixtures.array;
import static org.introdl.keras.KerasFixtures.assertClose;
import static org.introdl.savedmodels.testing.DoubleForward.Nd;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.nio.file.Path;
import java.util.Map;
import org.introdl.core.io.Npy;
import org.introdl.savedmodels.testing.DoubleForward;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keras 1 layouts the shared files lack, in legacy HDF5 files written here: a GRU stored per gate
 * ({@code W_z, U_z, b_z, W_r, ...}) and a Theano-ordered ({@code dim_ordering "th"}) Convolution2D whose kernel is
 * stored (filters, channels, rows, cols) and whose data is channels-first.
 */
class KerasOneFilesTest {
  @TempDir Path tmp;

  private static Path write(Path file, String config, Map<String, Map<String, Object>> layers) {
    try (WritableHdfFile h5 = HdfFile.write(file)) {
      h5.putAttribute("model_config", config);
      h5.putAttribute("keras_version", "1.2.2");
      WritableGroup weights = h5.putGroup("model_weights");
      weights.putAttribute("layer_names", layers.keySet().toArray(String[]::new));
      layers.forEach((layer, datasets) -> {
        WritableGroup g = weights.putGroup(layer);
        if (!datasets.isEmpty()) {
          g.putAttribute("weight_names", datasets.keySet().toArray(String[]::new));
          datasets.forEach(g::putDataset);
        }
      });
    }
    return file;
  }

  private static float[][] matrix(float[] v, int rows, int cols) {
    float[][] m = new float[rows][cols];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(v, r * cols, m[r], 0, cols);
    }
    return m;
  }

  @Test
  void keras1GruWithPerGateWeights() {
    int in = 2;
    int u = 3;
    String[] gates = {"z", "r", "h"};
    float[][] w = new float[3][];
    float[][] uu = new float[3][];
    float[][] b = new float[3][];
    Map<String, Object> datasets = new java.util.LinkedHashMap<>();
    for (int g = 0; g < 3; g++) {
      w[g] = DoubleForward.uniform(10 + g, in * u, -1, 1);
      uu[g] = DoubleForward.uniform(20 + g, u * u, -1, 1);
      b[g] = DoubleForward.uniform(30 + g, u, -1, 1);
      datasets.put("gru_1_W_" + gates[g] + ":0", matrix(w[g], in, u));
      datasets.put("gru_1_U_" + gates[g] + ":0", matrix(uu[g], u, u));
      datasets.put("gru_1_b_" + gates[g] + ":0", b[g]);
    }
    String config = "{\"class_name\": \"Sequential\", \"config\": [{\"class_name\": \"GRU\", \"config\": {\"name\":"
        + " \"gru_1\", \"output_dim\": 3, \"activation\": \"tanh\", \"inner_activation\": \"hard_sigmoid\","
        + " \"return_sequences\": false, \"go_backwards\": false, \"stateful\": false,"
        + " \"batch_input_shape\": [null, 4, 2], \"input_dtype\": \"float32\"}}]}";
    Path file = write(tmp.resolve("gru.h5"), config, Map.of("gru_1", datasets));
    float[] x = DoubleForward.uniform(40, 2 * 4 * in, -1, 1);
    Npy.Array out = KerasFixtures.predict(KerasSource.of(file), Npy.Array.of(x, 2, 4, in));
    Nd kernel = fuse(w, in, u);
    Nd recurrent = fuse(uu, u, u);
    Nd bias = fuse(b, 1, u).reshape(3 * u);
    Nd y = DoubleForward.rnn(new DoubleForward.Rnn("GRU", u, "tanh", "hard_sigmoid", false, false, false),
        Nd.of(x, 2, 4, in), kernel, recurrent, bias, null);
    assertClose(array(y), out, 1e-5, "keras 1 gru");
  }

  /** Per-gate [rows, u] blocks side by side: [rows, 3u] in z, r, h order. */
  private static Nd fuse(float[][] parts, int rows, int u) {
    double[] out = new double[rows * parts.length * u];
    for (int g = 0; g < parts.length; g++) {
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < u; j++) {
          out[r * parts.length * u + g * u + j] = parts[g][r * u + j];
        }
      }
    }
    return new Nd(out, rows, parts.length * u);
  }

  @Test
  void keras1TheanoOrderedConvolution() {
    int filters = 2;
    int channels = 3;
    float[] oihw = DoubleForward.uniform(50, filters * channels * 2 * 2, -1, 1);
    float[] bias = DoubleForward.uniform(51, filters, -1, 1);
    float[][][][] kernel = new float[filters][channels][2][2];
    double[] hwio = new double[2 * 2 * channels * filters];
    for (int o = 0; o < filters; o++) {
      for (int i = 0; i < channels; i++) {
        for (int r = 0; r < 2; r++) {
          for (int c = 0; c < 2; c++) {
            float v = oihw[((o * channels + i) * 2 + r) * 2 + c];
            kernel[o][i][r][c] = v;
            hwio[((r * 2 + c) * channels + i) * filters + o] = v;
          }
        }
      }
    }
    String config = "{\"class_name\": \"Sequential\", \"config\": [{\"class_name\": \"Convolution2D\", \"config\":"
        + " {\"name\": \"conv_1\", \"nb_filter\": 2, \"nb_row\": 2, \"nb_col\": 2, \"dim_ordering\": \"th\","
        + " \"border_mode\": \"valid\", \"subsample\": [1, 1], \"activation\": \"linear\", \"bias\": true,"
        + " \"batch_input_shape\": [null, 3, 4, 4]}}]}";
    Map<String, Object> datasets = new java.util.LinkedHashMap<>();
    datasets.put("conv_1_W:0", kernel);
    datasets.put("conv_1_b:0", bias);
    Path file = write(tmp.resolve("conv.h5"), config, Map.of("conv_1", datasets));
    float[] nchw = DoubleForward.uniform(52, channels * 16, -1, 1);
    float[] nhwc = new float[nchw.length];
    for (int c = 0; c < channels; c++) {
      for (int p = 0; p < 16; p++) {
        nhwc[p * channels + c] = nchw[c * 16 + p];
      }
    }
    Npy.Array out = KerasFixtures.predict(KerasSource.of(file), Npy.Array.of(nchw, 1, channels, 4, 4));
    Nd y = DoubleForward.conv2d(Nd.of(nhwc, 1, 4, 4, channels), new Nd(hwio, 2, 2, channels, filters),
        Nd.of(bias, filters), 1, false);
    double[] nchwOut = new double[filters * 9];
    for (int o = 0; o < filters; o++) {
      for (int p = 0; p < 9; p++) {
        nchwOut[o * 9 + p] = y.v()[p * filters + o];
      }
    }
    assertClose(array(new Nd(nchwOut, 1, filters, 3, 3)), out, 1e-5, "keras 1 th convolution");
  }
}
