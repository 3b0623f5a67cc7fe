package org.introdl.keras;

import static org.introdl.keras.KerasFixtures.array;
import static org.introdl.keras.KerasFixtures.assertClose;
import static org.introdl.savedmodels.testing.DoubleForward.Nd;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.introdl.core.io.Npy;
import org.introdl.keras.KerasArchives.Var;
import org.introdl.savedmodels.testing.DoubleForward;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layers and topologies the shared files lack, on small Keras 3 archives written here (config by hand, weights
 * random), each checked against a plain-Java forward pass in double ({@link DoubleForward}).
 */
class KerasLayersTest {
  static final double TOLERANCE = 1e-5;
  @TempDir Path tmp;
  private long seed = 100;

  private Var random(int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return new Var(DoubleForward.uniform(seed++, n, -1, 1), shape);
  }

  private static Nd nd(Var v) {
    return Nd.of(v.values(), v.shape());
  }

  private static String sequential(String inputShape, String... layers) {
    return "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": [{\"class_name\": \"InputLayer\","
        + " \"config\": {\"batch_shape\": " + inputShape + ", \"name\": \"x\"}}, " + String.join(", ", layers) + "]}}";
  }

  private static String layer(String className, String config) {
    return "{\"class_name\": \"" + className + "\", \"config\": " + config + "}";
  }

  /** A Keras 3 functional layer called on {@code inputs} (each "layer" or "layer:node"). */
  private static String called(String className, String name, String config, String... inputs) {
    StringBuilder args = new StringBuilder();
    for (String in : inputs) {
      String[] p = in.split(":");
      args.append(args.length() == 0 ? "" : ", ").append("{\"class_name\": \"__keras_tensor__\", \"config\": ")
          .append("{\"keras_history\": [\"").append(p[0]).append("\", ").append(p.length > 1 ? p[1] : "0")
          .append(", 0]}}");
    }
    String argList = inputs.length > 1 ? "[[" + args + "]]" : "[" + args + "]";
    return "{\"class_name\": \"" + className + "\", \"name\": \"" + name + "\", \"config\": " + config
        + ", \"inbound_nodes\": [{\"args\": " + argList + ", \"kwargs\": {}}]}";
  }

  private Npy.Array run(String config, Map<String, List<Var>> vars, Map<String, Npy.Array> inputs) throws Exception {
    Path f = KerasArchives.write(tmp.resolve("m" + seed + ".keras"), config, vars);
    KerasRun.Outcome o = KerasRun.run(KerasSource.of(f), inputs);
    return o.outputs().values().iterator().next();
  }

  @Test
  void functionalModelWithTwoInputsASharedLayerAndMerges() throws Exception {
    Var k = random(3, 4);
    Var b = random(4);
    String input = "{\"class_name\": \"InputLayer\", \"name\": \"%s\", \"config\": {\"batch_shape\": [null, 3],"
        + " \"name\": \"%s\"}, \"inbound_nodes\": []}";
    String dense = "{\"name\": \"shared\", \"units\": 4, \"activation\": \"tanh\", \"use_bias\": true}";
    String sharedTwice = "{\"class_name\": \"Dense\", \"name\": \"shared\", \"config\": " + dense + ", \"inbound_nodes\": ["
        + "{\"args\": [{\"class_name\": \"__keras_tensor__\", \"config\": {\"keras_history\": [\"a\", 0, 0]}}],"
        + " \"kwargs\": {}}, {\"args\": [{\"class_name\": \"__keras_tensor__\", \"config\": {\"keras_history\":"
        + " [\"b\", 0, 0]}}], \"kwargs\": {}}]}";
    String config = "{\"class_name\": \"Functional\", \"config\": {\"name\": \"f\", \"layers\": ["
        + String.format(input, "a", "a") + ", " + String.format(input, "b", "b") + ", " + sharedTwice + ", "
        + called("Subtract", "sub", "{\"name\": \"sub\"}", "shared:0", "shared:1") + ", "
        + called("Multiply", "mul", "{\"name\": \"mul\"}", "shared:0", "shared:1") + ", "
        + called("Maximum", "max", "{\"name\": \"max\"}", "sub", "mul") + ", "
        + called("Average", "avg", "{\"name\": \"avg\"}", "sub", "mul", "max") + ", "
        + called("Concatenate", "cat", "{\"name\": \"cat\", \"axis\": -1}", "avg", "shared:1")
        + "], \"input_layers\": [[\"a\", 0, 0], [\"b\", 0, 0]], \"output_layers\": [[\"cat\", 0, 0]]}}";
    float[] a = DoubleForward.uniform(1, 6, -1, 1);
    float[] bIn = DoubleForward.uniform(2, 6, -1, 1);
    Npy.Array out = run(config, Map.of("layers/dense", List.of(k, b)), Map.of("a", Npy.Array.of(a, 2, 3), "b",
        Npy.Array.of(bIn, 2, 3)));
    Nd ya = DoubleForward.map(DoubleForward.dense(Nd.of(a, 2, 3), nd(k), nd(b)), Math::tanh);
    Nd yb = DoubleForward.map(DoubleForward.dense(Nd.of(bIn, 2, 3), nd(k), nd(b)), Math::tanh);
    double[] expected = new double[2 * 8];
    for (int r = 0; r < 2; r++) {
      for (int j = 0; j < 4; j++) {
        double sub = ya.v()[r * 4 + j] - yb.v()[r * 4 + j];
        double mul = ya.v()[r * 4 + j] * yb.v()[r * 4 + j];
        double max = Math.max(sub, mul);
        expected[r * 8 + j] = (sub + mul + max) / 3;
        expected[r * 8 + 4 + j] = yb.v()[r * 4 + j];
      }
    }
    assertClose(array(new Nd(expected, 2, 8)), out, TOLERANCE, "functional merges");
  }

  @Test
  void sequentialNestedInAFunctionalModel() throws Exception {
    Var k1 = random(3, 5);
    Var b1 = random(5);
    Var k2 = random(5, 2);
    String inner = "{\"class_name\": \"Sequential\", \"name\": \"block\", \"config\": {\"name\": \"block\", \"layers\": ["
        + "{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 3], \"name\": \"block_in\"}}, "
        + layer("Dense", "{\"name\": \"d1\", \"units\": 5, \"activation\": \"relu\"}") + ", "
        + layer("Dense", "{\"name\": \"d2\", \"units\": 2, \"use_bias\": false}") + "]}, \"inbound_nodes\": ["
        + "{\"args\": [{\"class_name\": \"__keras_tensor__\", \"config\": {\"keras_history\": [\"x\", 0, 0]}}],"
        + " \"kwargs\": {}}]}";
    String config = "{\"class_name\": \"Functional\", \"config\": {\"name\": \"f\", \"layers\": ["
        + "{\"class_name\": \"InputLayer\", \"name\": \"x\", \"config\": {\"batch_shape\": [null, 3], \"name\": \"x\"},"
        + " \"inbound_nodes\": []}, " + inner + ", "
        + called("Activation", "out", "{\"name\": \"out\", \"activation\": \"softmax\"}", "block")
        + "], \"input_layers\": [[\"x\", 0, 0]], \"output_layers\": [[\"out\", 0, 0]]}}";
    Map<String, List<Var>> vars = new LinkedHashMap<>();
    vars.put("layers/sequential/layers/dense", List.of(k1, b1));
    vars.put("layers/sequential/layers/dense_1", List.of(k2));
    float[] x = DoubleForward.uniform(3, 9, -1, 1);
    Npy.Array out = run(config, vars, Map.of("x", Npy.Array.of(x, 3, 3)));
    Nd h = DoubleForward.map(DoubleForward.dense(Nd.of(x, 3, 3), nd(k1), nd(b1)), v -> Math.max(0, v));
    assertClose(array(DoubleForward.softmax(DoubleForward.dense(h, nd(k2), null))), out, TOLERANCE, "nested");
  }

  @Test
  void gruWithResetBeforeTheProduct() throws Exception {
    Var k = random(3, 12);
    Var u = random(4, 12);
    Var b = random(12);
    String config = sequential("[null, 5, 3]", layer("GRU", "{\"name\": \"gru\", \"units\": 4, \"reset_after\": false,"
        + " \"return_sequences\": true}"));
    float[] x = DoubleForward.uniform(4, 2 * 5 * 3, -1, 1);
    Npy.Array out = run(config, Map.of("layers/gru/cell", List.of(k, u, b)), Map.of("x", Npy.Array.of(x, 2, 5, 3)));
    Nd y = DoubleForward.rnn(new DoubleForward.Rnn("GRU", 4, "tanh", "sigmoid", true, false, false),
        Nd.of(x, 2, 5, 3), nd(k), nd(u), nd(b), null);
    assertClose(array(y), out, TOLERANCE, "gru reset before");
  }

  @Test
  void simpleRnnBackwardsReturningSequences() throws Exception {
    Var k = random(2, 3);
    Var u = random(3, 3);
    Var b = random(3);
    String config = sequential("[null, 6, 2]", layer("SimpleRNN", "{\"name\": \"rnn\", \"units\": 3,"
        + " \"go_backwards\": true, \"return_sequences\": true, \"activation\": \"tanh\"}"));
    float[] x = DoubleForward.uniform(5, 6 * 2, -1, 1);
    Npy.Array out = run(config, Map.of("layers/simple_rnn/cell", List.of(k, u, b)),
        Map.of("x", Npy.Array.of(x, 1, 6, 2)));
    Nd y = DoubleForward.rnn(new DoubleForward.Rnn("SimpleRNN", 3, "tanh", "sigmoid", true, true, false),
        Nd.of(x, 1, 6, 2), nd(k), nd(u), nd(b), null);
    assertClose(array(y), out, TOLERANCE, "simple rnn backwards");
  }

  /** Bidirectional LSTM (concat): the backward half runs on reversed steps, its sequence reversed back. */
  @Test
  void bidirectionalLstmConcatenatesBothDirections() throws Exception {
    Var fk = random(2, 12);
    Var fu = random(3, 12);
    Var fb = random(12);
    Var bk = random(2, 12);
    Var bu = random(3, 12);
    Var bb = random(12);
    String lstm = "{\"class_name\": \"LSTM\", \"config\": {\"name\": \"%s\", \"units\": 3, \"return_sequences\": true,"
        + " \"go_backwards\": %s}}";
    String config = sequential("[null, 4, 2]", layer("Bidirectional", "{\"name\": \"bi\", \"merge_mode\": \"concat\","
        + " \"layer\": " + String.format(lstm, "forward_lstm", "false") + ", \"backward_layer\": "
        + String.format(lstm, "backward_lstm", "true") + "}"));
    Map<String, List<Var>> vars = new LinkedHashMap<>();
    vars.put("layers/bidirectional/forward_layer/cell", List.of(fk, fu, fb));
    vars.put("layers/bidirectional/backward_layer/cell", List.of(bk, bu, bb));
    float[] x = DoubleForward.uniform(6, 2 * 4 * 2, -1, 1);
    Npy.Array out = run(config, vars, Map.of("x", Npy.Array.of(x, 2, 4, 2)));
    Nd f = DoubleForward.rnn(new DoubleForward.Rnn("LSTM", 3, "tanh", "sigmoid", true, false, false),
        Nd.of(x, 2, 4, 2), nd(fk), nd(fu), nd(fb), null);
    Nd b = DoubleForward.rnn(new DoubleForward.Rnn("LSTM", 3, "tanh", "sigmoid", true, true, false),
        Nd.of(x, 2, 4, 2), nd(bk), nd(bu), nd(bb), null);
    double[] expected = new double[2 * 4 * 6];
    for (int n = 0; n < 2; n++) {
      for (int t = 0; t < 4; t++) {
        for (int j = 0; j < 3; j++) {
          expected[(n * 4 + t) * 6 + j] = f.v()[(n * 4 + t) * 3 + j];
          expected[(n * 4 + t) * 6 + 3 + j] = b.v()[(n * 4 + (3 - t)) * 3 + j];
        }
      }
    }
    assertClose(array(new Nd(expected, 2, 4, 6)), out, TOLERANCE, "bidirectional");
  }

  @Test
  void timeDistributedDenseAppliesToEachStep() throws Exception {
    Var k = random(3, 2);
    Var b = random(2);
    String config = sequential("[null, 4, 3]", layer("TimeDistributed", "{\"name\": \"td\", \"layer\": "
        + layer("Dense", "{\"name\": \"d\", \"units\": 2, \"activation\": \"sigmoid\"}") + "}"));
    float[] x = DoubleForward.uniform(7, 2 * 4 * 3, -1, 1);
    Npy.Array out = run(config, Map.of("layers/time_distributed/layer", List.of(k, b)),
        Map.of("x", Npy.Array.of(x, 2, 4, 3)));
    Nd y = DoubleForward.map(DoubleForward.dense(Nd.of(x, 2, 4, 3), nd(k), nd(b)), DoubleForward::sigmoid);
    assertClose(array(y), out, TOLERANCE, "time distributed");
  }

  /** Embedding with mask_zero: the padded steps (id 0) do not move the LSTM. */
  @Test
  void embeddingMaskZeroMasksTheLstm() throws Exception {
    Var table = random(5, 3);
    Var k = random(3, 8);
    Var u = random(2, 8);
    Var b = random(8);
    String config = sequential("[null, 4]", layer("Embedding", "{\"name\": \"e\", \"input_dim\": 5,"
        + " \"output_dim\": 3, \"mask_zero\": true}"), layer("LSTM", "{\"name\": \"l\", \"units\": 2}"));
    Map<String, List<Var>> vars = new LinkedHashMap<>();
    vars.put("layers/embedding", List.of(table));
    vars.put("layers/lstm/cell", List.of(k, u, b));
    float[] ids = {3, 1, 0, 0, 0, 2, 4, 0};
    Npy.Array out = run(config, vars, Map.of("x", Npy.Array.of(ids, 2, 4)));
    double[] e = new double[8 * 3];
    boolean[][] mask = new boolean[2][4];
    for (int i = 0; i < 8; i++) {
      for (int j = 0; j < 3; j++) {
        e[i * 3 + j] = table.values()[(int) ids[i] * 3 + j];
      }
      mask[i / 4][i % 4] = ids[i] != 0;
    }
    Nd y = DoubleForward.rnn(new DoubleForward.Rnn("LSTM", 2, "tanh", "sigmoid", false, false, false),
        new Nd(e, 2, 4, 3), nd(k), nd(u), nd(b), mask);
    assertClose(array(y), out, TOLERANCE, "embedding mask_zero");
  }

  /** Channels-first Conv2D (strided, same padding) then a channels-first Flatten: Keras flattens in HWC order. */
  @Test
  void channelsFirstConvolutionAndFlatten() throws Exception {
    Var k = random(3, 3, 2, 4);
    Var b = random(4);
    String config = sequential("[null, 2, 5, 5]", layer("Conv2D", "{\"name\": \"c\", \"filters\": 4,"
        + " \"kernel_size\": [3, 3], \"strides\": [2, 2], \"padding\": \"same\", \"data_format\": \"channels_first\","
        + " \"activation\": \"relu\"}"), layer("Flatten", "{\"name\": \"f\", \"data_format\": \"channels_first\"}"));
    float[] chw = DoubleForward.uniform(8, 2 * 2 * 5 * 5, -1, 1);
    float[] hwc = new float[chw.length];
    for (int n = 0; n < 2; n++) {
      for (int c = 0; c < 2; c++) {
        for (int p = 0; p < 25; p++) {
          hwc[(n * 25 + p) * 2 + c] = chw[(n * 2 + c) * 25 + p];
        }
      }
    }
    Npy.Array out = run(config, Map.of("layers/conv2d", List.of(k, b)), Map.of("x", Npy.Array.of(chw, 2, 2, 5, 5)));
    Nd y = DoubleForward.map(DoubleForward.conv2d(Nd.of(hwc, 2, 5, 5, 2), nd(k), nd(b), 2, true),
        v -> Math.max(0, v));
    assertClose(array(y.reshape(2, 3 * 3 * 4)), out, TOLERANCE, "channels_first conv");
  }

  /** Conv1D with causal padding is a Conv1D on the input padded left by (kernel - 1). */
  @Test
  void causalConv1dThenPooling() throws Exception {
    Var k = random(3, 2, 3);
    Var b = random(3);
    String config = sequential("[null, 6, 2]", layer("Conv1D", "{\"name\": \"c\", \"filters\": 3, \"kernel_size\": 3,"
        + " \"padding\": \"causal\"}"), layer("MaxPooling1D", "{\"name\": \"p\", \"pool_size\": 2}"),
        layer("GlobalAveragePooling1D", "{\"name\": \"g\"}"));
    float[] x = DoubleForward.uniform(9, 6 * 2, -1, 1);
    Npy.Array out = run(config, Map.of("layers/conv1d", List.of(k, b)), Map.of("x", Npy.Array.of(x, 1, 6, 2)));
    float[] padded = new float[8 * 2];
    System.arraycopy(x, 0, padded, 4, 12);
    Nd c = DoubleForward.conv2d(Nd.of(padded, 1, 1, 8, 2), nd(k).reshape(1, 3, 2, 3), nd(b), 1, false);
    double[] g = new double[3];
    for (int w = 0; w < 3; w++) {
      for (int ch = 0; ch < 3; ch++) {
        g[ch] += Math.max(c.v()[(2 * w) * 3 + ch], c.v()[(2 * w + 1) * 3 + ch]) / 3;
      }
    }
    assertClose(array(new Nd(g, 1, 3)), out, TOLERANCE, "causal conv1d");
  }

  /** DepthwiseConv2D is one filter per channel; SeparableConv2D adds a 1x1 pointwise convolution. */
  @Test
  void depthwiseAndSeparableConvolutions() throws Exception {
    Var dk = random(2, 2, 3, 1);
    Var db = random(3);
    Var sk = random(2, 2, 3, 1);
    Var pk = random(1, 1, 3, 2);
    Var sb = random(2);
    String config = sequential("[null, 4, 4, 3]",
        layer("DepthwiseConv2D", "{\"name\": \"dw\", \"kernel_size\": [2, 2], \"depth_multiplier\": 1}"),
        layer("SeparableConv2D", "{\"name\": \"sep\", \"filters\": 2, \"kernel_size\": [2, 2]}"));
    Map<String, List<Var>> vars = new LinkedHashMap<>();
    vars.put("layers/depthwise_conv2d", List.of(dk, db));
    vars.put("layers/separable_conv2d", List.of(sk, pk, sb));
    float[] x = DoubleForward.uniform(10, 4 * 4 * 3, -1, 1);
    Npy.Array out = run(config, vars, Map.of("x", Npy.Array.of(x, 1, 4, 4, 3)));
    Nd a = depthwise(Nd.of(x, 1, 4, 4, 3), nd(dk), nd(db));
    Nd s = DoubleForward.conv2d(depthwise(a, nd(sk), null), nd(pk), nd(sb), 1, false);
    assertClose(array(s), out, TOLERANCE, "depthwise + separable");
  }

  private static Nd depthwise(Nd x, Nd k, Nd b) {
    int h = x.size(1);
    int w = x.size(2);
    int c = x.size(3);
    int kh = k.size(0);
    int kw = k.size(1);
    int oh = h - kh + 1;
    int ow = w - kw + 1;
    double[] y = new double[oh * ow * c];
    for (int r = 0; r < oh; r++) {
      for (int col = 0; col < ow; col++) {
        for (int ch = 0; ch < c; ch++) {
          double s = b == null ? 0 : b.v()[ch];
          for (int dr = 0; dr < kh; dr++) {
            for (int dc = 0; dc < kw; dc++) {
              s += x.v()[((r + dr) * w + col + dc) * c + ch] * k.v()[(dr * kw + dc) * c + ch];
            }
          }
          y[(r * ow + col) * c + ch] = s;
        }
      }
    }
    return new Nd(y, 1, oh, ow, c);
  }

  /** LayerNormalization, Permute, RepeatVector, Reshape and Softmax over an inner axis. */
  @Test
  void normalisationAndShapeLayers() throws Exception {
    Var gamma = random(3);
    Var beta = random(3);
    String config = sequential("[null, 3]",
        layer("LayerNormalization", "{\"name\": \"ln\", \"axis\": [-1], \"epsilon\": 0.001}"),
        layer("RepeatVector", "{\"name\": \"rep\", \"n\": 2}"),
        layer("Permute", "{\"name\": \"perm\", \"dims\": [2, 1]}"),
        layer("Reshape", "{\"name\": \"r\", \"target_shape\": [2, 3]}"),
        layer("Softmax", "{\"name\": \"sm\", \"axis\": 1}"));
    float[] x = DoubleForward.uniform(11, 2 * 3, -2, 2);
    Npy.Array out = run(config, Map.of("layers/layer_normalization", List.of(gamma, beta)),
        Map.of("x", Npy.Array.of(x, 2, 3)));
    double[] expected = new double[2 * 2 * 3];
    for (int n = 0; n < 2; n++) {
      double mean = 0;
      double var = 0;
      for (int j = 0; j < 3; j++) {
        mean += x[n * 3 + j] / 3.0;
      }
      for (int j = 0; j < 3; j++) {
        var += Math.pow(x[n * 3 + j] - mean, 2) / 3.0;
      }
      double[] ln = new double[3];
      for (int j = 0; j < 3; j++) {
        ln[j] = (x[n * 3 + j] - mean) / Math.sqrt(var + 1e-3) * gamma.values()[j] + beta.values()[j];
      }
      // repeat -> [2, 3]; permute -> [3, 2] (p[j][t] = ln[j]); reshape -> [2, 3] of the flat [ln0, ln0, ln1, ...].
      double[] flat = {ln[0], ln[0], ln[1], ln[1], ln[2], ln[2]};
      // softmax over axis 1 of [n, 2, 3]: across the two rows, for each of the three columns.
      for (int j = 0; j < 3; j++) {
        double sum = Math.exp(flat[j]) + Math.exp(flat[3 + j]);
        for (int r = 0; r < 2; r++) {
          expected[(n * 2 + r) * 3 + j] = Math.exp(flat[r * 3 + j]) / sum;
        }
      }
    }
    assertClose(array(new Nd(expected, 2, 2, 3)), out, TOLERANCE, "layer norm and shapes");
  }

  /** Conv2DTranspose: each input pixel scatters kernel * value into a stride-spaced output window (valid). */
  @Test
  void transposedConvolutionScattersEachPixel() throws Exception {
    Var k = random(3, 2, 4, 2);
    Var b = random(4);
    String config = sequential("[null, 3, 2, 2]", layer("Conv2DTranspose", "{\"name\": \"up\", \"filters\": 4,"
        + " \"kernel_size\": [3, 2], \"strides\": [2, 2], \"padding\": \"valid\"}"));
    float[] x = DoubleForward.uniform(13, 2 * 3 * 2 * 2, -1, 1);
    Npy.Array out = run(config, Map.of("layers/conv2d_transpose", List.of(k, b)),
        Map.of("x", Npy.Array.of(x, 2, 3, 2, 2)));
    int oh = (3 - 1) * 2 + 3;
    int ow = (2 - 1) * 2 + 2;
    double[] y = new double[2 * oh * ow * 4];
    for (int n = 0; n < 2; n++) {
      for (int r = 0; r < oh; r++) {
        for (int c = 0; c < ow; c++) {
          for (int o = 0; o < 4; o++) {
            y[((n * oh + r) * ow + c) * 4 + o] = b.values()[o];
          }
        }
      }
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 2; c++) {
          for (int i = 0; i < 2; i++) {
            double v = x[((n * 3 + r) * 2 + c) * 2 + i];
            for (int dr = 0; dr < 3; dr++) {
              for (int dc = 0; dc < 2; dc++) {
                for (int o = 0; o < 4; o++) {
                  // kernel [rows, cols, out, in]
                  y[((n * oh + r * 2 + dr) * ow + c * 2 + dc) * 4 + o] += v * k.values()[((dr * 2 + dc) * 4 + o) * 2 + i];
                }
              }
            }
          }
        }
      }
    }
    assertClose(array(new Nd(y, 2, oh, ow, 4)), out, TOLERANCE, "conv2d transpose");
  }

  /** Preprocessing layers saved inside Keras 3 models: Rescaling, then Normalization with adapted statistics. */
  @Test
  void rescalingAndAdaptedNormalization() throws Exception {
    Var mean = new Var(new float[] {0.5f, -1f, 2f}, 3);
    Var variance = new Var(new float[] {4f, 0.25f, 0f}, 3);
    Var count = new Var(new float[] {100f}, 1);
    String config = sequential("[null, 3]", layer("Rescaling", "{\"name\": \"rs\", \"scale\": 0.5, \"offset\": 1.0}"),
        layer("Normalization", "{\"name\": \"norm\", \"axis\": -1}"));
    float[] x = {2f, 4f, 6f, -2f, 0f, 1f};
    Npy.Array out = run(config, Map.of("layers/normalization", List.of(mean, variance, count)),
        Map.of("x", Npy.Array.of(x, 2, 3)));
    double[] expected = new double[6];
    for (int i = 0; i < 6; i++) {
      double r = x[i] * 0.5 + 1;
      int j = i % 3;
      expected[i] = (r - mean.values()[j]) / Math.max(Math.sqrt(variance.values()[j]), 1e-7);
    }
    assertClose(array(new Nd(expected, 2, 3)), out, 1e-4, "rescaling + normalization");
  }

  /** UpSampling2D repeats rows and columns; Cropping2D then drops (top, bottom), (left, right). */
  @Test
  void upSamplingThenCropping() throws Exception {
    String config = sequential("[null, 3, 3, 2]", layer("UpSampling2D", "{\"name\": \"up\", \"size\": [2, 2]}"),
        layer("Cropping2D", "{\"name\": \"crop\", \"cropping\": [[1, 0], [0, 2]]}"));
    float[] x = DoubleForward.uniform(12, 3 * 3 * 2, -1, 1);
    Npy.Array out = run(config, Map.of(), Map.of("x", Npy.Array.of(x, 1, 3, 3, 2)));
    double[] expected = new double[5 * 4 * 2];
    for (int r = 0; r < 5; r++) {
      for (int c = 0; c < 4; c++) {
        for (int ch = 0; ch < 2; ch++) {
          expected[(r * 4 + c) * 2 + ch] = x[(((r + 1) / 2) * 3 + c / 2) * 2 + ch];
        }
      }
    }
    assertClose(array(new Nd(expected, 1, 5, 4, 2)), out, 0, "upsampling + cropping");
  }

  /** The activations by name, each against its formula (Keras 3's hard_sigmoid is x/6 + 1/2, clipped). */
  @Test
  void activationsFollowTheirFormulas() throws Exception {
    Map<String, java.util.function.DoubleUnaryOperator> formulas = new LinkedHashMap<>();
    formulas.put("selu", DoubleForward.activation("selu"));
    formulas.put("elu", DoubleForward.activation("elu"));
    formulas.put("softplus", DoubleForward.activation("softplus"));
    formulas.put("softsign", DoubleForward.activation("softsign"));
    formulas.put("swish", DoubleForward.activation("swish"));
    formulas.put("gelu", v -> 0.5 * v * (1 + erf(v / Math.sqrt(2))));
    formulas.put("hard_sigmoid", v -> Math.max(0, Math.min(1, v / 6 + 0.5)));
    formulas.put("leaky_relu", v -> v > 0 ? v : 0.2 * v);
    float[] x = {-3.5f, -1f, -0.25f, 0f, 0.3f, 1.5f, 4f};
    for (Map.Entry<String, java.util.function.DoubleUnaryOperator> e : formulas.entrySet()) {
      String config = sequential("[null, 7]", layer("Activation", "{\"name\": \"a\", \"activation\": \""
          + e.getKey() + "\"}"));
      Npy.Array out = run(config, Map.of(), Map.of("x", Npy.Array.of(x, 1, 7)));
      assertClose(array(DoubleForward.map(Nd.of(x, 1, 7), e.getValue())), out, 1e-6, e.getKey());
    }
  }

  /** erf by its series (|x| here is small): an independent value for the exact GELU. */
  private static double erf(double x) {
    double sum = 0;
    double term = x;
    for (int n = 0; n < 60; n++) {
      sum += term / (2 * n + 1);
      term *= -x * x / (n + 1);
    }
    return 2 / Math.sqrt(Math.PI) * sum;
  }
}
