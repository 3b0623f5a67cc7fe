package org.introdl.savedmodels.repair;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.introdl.core.io.Npy;
import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.SignatureRunner;
import org.introdl.savedmodels.values.TensorValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.types.TFloat32;

/**
 * cuDNN recurrent layers with known weights, checked after the CPU rewrite against the same layer written with plain
 * TensorFlow ops (unrolled, one sequence at a time, each only as long as its length) from Keras-layout weights. The
 * cuDNN model is the same weights packed into cuDNN's flat params buffer here, in the test; the rewrite must undo
 * exactly that packing, gate order included.
 */
class CudnnRnnRewriteTest {
  static final int BATCH = 3;
  static final int STEPS = 5;
  static final int INPUT = 4;
  static final int UNITS = 3;
  static final double TOLERANCE = 1e-5;


  @TempDir Path tmp;

  /** One cuDNN node: op, mode, directions, layers, layout, sequence lengths (null: full), inside a function. */
  record Case(String op, String mode, int directions, int layers, boolean timeMajor, int[] lengths,
      boolean inFunction) {
    int gates() {
      return mode.equals("lstm") ? 4 : 3;
    }

    @Override
    public String toString() {
      return op + " " + mode + " x" + directions + " " + layers + "L " + (timeMajor ? "time-major" : "batch-major")
          + (lengths == null ? "" : " lengths") + (inFunction ? " in a function" : "");
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        // As Keras 3 exports them: V3, batch-major, lengths, inside the serving function.
        new Case("CudnnRNNV3", "lstm", 1, 1, false, new int[] {5, 3, 1}, true),
        new Case("CudnnRNNV3", "gru", 1, 1, false, new int[] {5, 2, 4}, true),
        // As TF1's CudnnLSTM / CudnnGRU write them: time-major, no lengths, in the graph.
        new Case("CudnnRNN", "lstm", 2, 1, true, null, false),
        new Case("CudnnRNNV2", "gru", 2, 1, true, null, false),
        new Case("CudnnRNNV3", "lstm", 2, 1, true, new int[] {2, 5, 4}, false),
        new Case("CudnnRNNV3", "gru", 2, 1, false, new int[] {1, 5, 3}, true),
        new Case("CudnnRNN", "lstm", 2, 2, true, null, false),
        new Case("CudnnRNN", "gru", 1, 2, true, null, false));
  }

  /** Keras-layout weights of one pseudo-layer: kernel [in, gH], recurrent [H, gH], input and recurrent biases. */
  record Weights(float[][] kernel, float[][] recurrent, float[] inputBias, float[] recurrentBias) {}

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rewrittenLayerEqualsThePlainTfLayer(Case c) throws Exception {
    Random random = new Random(c.toString().hashCode());
    float[][][] x = random3(random, BATCH, STEPS, INPUT); // [B, T, I]
    int pseudoLayers = c.layers() * c.directions();
    float[][][] h0 = random3(random, pseudoLayers, BATCH, UNITS);
    float[][][] c0 = random3(random, pseudoLayers, BATCH, UNITS);
    List<Weights> weights = new ArrayList<>();
    for (int pl = 0; pl < pseudoLayers; pl++) {
      int in = pl < c.directions() ? INPUT : UNITS * c.directions();
      int gh = c.gates() * UNITS;
      weights.add(new Weights(random2(random, in, gh), random2(random, UNITS, gh), random1(random, gh),
          random1(random, gh)));
    }
    int[] lengths = c.lengths() == null ? new int[] {STEPS, STEPS, STEPS} : c.lengths();

    Reference expected = reference(c, x, h0, c0, weights, lengths);
    Path model = cudnnModel(c, x, h0, c0, pack(c, weights, cudnnGates(c)), tmp.resolve("cudnn"));

    // As it is, TensorFlow cannot run it here (TF1 graphs fail to load, functions fail when called).
    Exception noKernel = assertThrows(Exception.class, () -> {
      try (SavedModelBundle raw = SavedModelBundle.load(model.toString(), "serve");
          Tensor in = tensor(inputLayout(c, x));
          Result r = raw.session().runner().feed("x", in).fetch(raw.metaGraphDef().getSignatureDefMap()
              .get("serving_default").getOutputsMap().get("output").getName()).run()) {
        r.size();
      }
    });
    assertTrue(noKernel.getMessage().contains("No OpKernel was registered to support Op '" + c.op() + "'"),
        noKernel.getMessage());

    Map<String, String> inputs = Map.of("x", org.introdl.savedmodels.values.ArrayJson.toJson(
        Npy.Array.of(flat(inputLayout(c, x)), shapeOf(inputLayout(c, x)))).toString());
    SignatureRunner.ScriptOutcome run = SignatureRunner.run(new SignatureRunner.Script(model, "serve",
        List.of(new SignatureRunner.Call("serving_default", inputs)), false));
    assertEquals(1, run.notes().size(), run.notes().toString());
    assertTrue(run.notes().get(0).startsWith("rewrote " + c.op()), run.notes().get(0));
    Map<String, TensorValue> out = run.results().get(0).outputs();
    assertClose(expected.output(c), out.get("output"), "output");
    assertClose(expected.stateLayout(c, expected.h()), out.get("output_h"), "output_h");
    if (c.mode().equals("lstm")) {
      assertClose(expected.stateLayout(c, expected.c()), out.get("output_c"), "output_c");
    }
  }

  /** The check can fail: the same weights packed in another gate order give other numbers (by far more than 1e-5). */
  @ParameterizedTest
  @MethodSource("wrongGateOrders")
  void weightsPackedInAnotherGateOrderDoNotPass(Case c, int[] wrongOrder) throws Exception {
    Random random = new Random(7);
    float[][][] x = random3(random, BATCH, STEPS, INPUT);
    float[][][] zeros = new float[1][BATCH][UNITS];
    int gh = c.gates() * UNITS;
    List<Weights> weights = List.of(new Weights(random2(random, INPUT, gh), random2(random, UNITS, gh),
        random1(random, gh), random1(random, gh)));
    Reference expected = reference(c, x, zeros, zeros, weights, new int[] {STEPS, STEPS, STEPS});
    Path model = cudnnModel(c, x, zeros, zeros, pack(c, weights, wrongOrder), tmp.resolve("wrong"));
    Map<String, String> inputs = Map.of("x", org.introdl.savedmodels.values.ArrayJson.toJson(
        Npy.Array.of(flat(inputLayout(c, x)), shapeOf(inputLayout(c, x)))).toString());
    float[] got = ((TensorValue.Numbers) SignatureRunner.run(new SignatureRunner.Script(model, "serve",
        List.of(new SignatureRunner.Call("serving_default", inputs)), false)).results().get(0).outputs()
        .get("output")).array().toFloats();
    float[] want = flat(expected.output(c));
    double worst = 0;
    for (int i = 0; i < want.length; i++) {
      worst = Math.max(worst, Math.abs(want[i] - got[i]));
    }
    assertTrue(worst > 100 * TOLERANCE, "a wrong gate order went unnoticed: max error " + worst);
  }

  static Stream<org.junit.jupiter.params.provider.Arguments> wrongGateOrders() {
    Case lstm = new Case("CudnnRNNV3", "lstm", 1, 1, false, null, false);
    Case gru = new Case("CudnnRNNV3", "gru", 1, 1, false, null, false);
    return Stream.of(
        org.junit.jupiter.params.provider.Arguments.of(lstm, new int[] {0, 2, 1, 3}), // TF1 BasicLSTMCell's i, c, f, o
        org.junit.jupiter.params.provider.Arguments.of(gru, new int[] {0, 1, 2})); // Keras's z, r, h unswapped
  }

  @Test
  void showSaysThatRunWillRewriteIt() throws Exception {
    Case c = new Case("CudnnRNNV3", "gru", 2, 1, false, new int[] {5, 5, 5}, false);
    Path model = cudnnModel(c, new float[BATCH][STEPS][INPUT], new float[2][BATCH][UNITS], new float[2][BATCH][UNITS],
        new float[2 * (3 * UNITS * (INPUT + UNITS) + 6 * UNITS)], tmp.resolve("gru"));
    org.introdl.savedmodels.CliRun show = org.introdl.savedmodels.CliRun.run(
        new org.introdl.savedmodels.cli.SavedModelCommand(), "show", model.toString()).assertOk();
    assertTrue(show.out().contains("  warning: run and convert: rewrite CudnnRNNV3 'rnn' in the graph (gru, "
        + "bidirectional, 1 layer) into CPU ops with the same weights\n"), show.out());
  }

  @Test
  void aNodeThatCannotBeRewrittenIsLeftWithOneLineSayingWhy() throws Exception {
    Case c = new Case("CudnnRNN", "lstm", 1, 1, true, null, false);
    Path model = cudnnModel(c, new float[BATCH][STEPS][INPUT], new float[1][BATCH][UNITS], new float[1][BATCH][UNITS],
        new float[4 * UNITS * (INPUT + UNITS) + 8 * UNITS], tmp.resolve("skip-input"));
    var mg = SavedModelDir.open(model).metaGraph("serve");
    var graph = mg.getGraphDef().toBuilder();
    for (var node : graph.getNodeBuilderList()) {
      if (node.getOp().equals("CudnnRNN")) {
        node.putAttr("input_mode", org.tensorflow.proto.AttrValue.newBuilder()
            .setS(com.google.protobuf.ByteString.copyFromUtf8("skip_input")).build());
      }
    }
    CudnnRnnRewrite.Result r = CudnnRnnRewrite.rewrite(mg.toBuilder().setGraphDef(graph).build());
    String why = "cannot rewrite CudnnRNN 'rnn' in the graph for the CPU: input_mode 'skip_input' (only linear_input "
        + "is rewritten); export the model on a CPU, or run it on a GPU (build with -Pgpu)";
    assertEquals(List.of(why), r.notes());

    org.introdl.savedmodels.HandMadeModels.editSignatures(model, m -> m.toBuilder().setGraphDef(graph).build());
    String zeros = org.introdl.savedmodels.values.ArrayJson.toJson(Npy.Array.of(new float[STEPS * BATCH * INPUT], STEPS,
        BATCH, INPUT)).toString();
    org.introdl.savedmodels.CliRun.run(new org.introdl.savedmodels.cli.SavedModelCommand(), "run", model.toString(),
        "--input", "x=" + zeros).assertOneLineError(1, model + ": " + why);
  }

  // ---- the reference: plain TF ops, Keras layout, one sequence at a time --------------------------------------

  /** Outputs [B][T][D*H] and final states [L*D][B][H], time order as the sequences run. */
  record Reference(float[][][] out, float[][][] h, float[][][] c) {
    float[][][] output(Case k) {
      return k.timeMajor() ? swap01(out) : out;
    }

    float[][][] stateLayout(Case k, float[][][] state) {
      return k.timeMajor() ? state : swap01(state);
    }
  }

  private static Reference reference(Case c, float[][][] x, float[][][] h0, float[][][] c0, List<Weights> weights,
      int[] lengths) {
    int d = c.directions();
    float[][][] out = new float[BATCH][STEPS][UNITS * d];
    float[][][] hEnd = new float[c.layers() * d][BATCH][UNITS];
    float[][][] cEnd = new float[c.layers() * d][BATCH][UNITS];
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      List<Operand<TFloat32>> fetch = new ArrayList<>();
      List<float[]> into = new ArrayList<>();
      for (int b = 0; b < BATCH; b++) {
        int len = lengths[b];
        List<Operand<TFloat32>> layerIn = new ArrayList<>();
        for (int t = 0; t < len; t++) {
          layerIn.add(tf.constant(new float[][] {x[b][t]}));
        }
        for (int layer = 0; layer < c.layers(); layer++) {
          List<List<Operand<TFloat32>>> perDirection = new ArrayList<>();
          for (int dir = 0; dir < d; dir++) {
            int pl = layer * d + dir;
            Weights w = weights.get(pl);
            Operand<TFloat32> h = tf.constant(new float[][] {h0[pl][b]});
            Operand<TFloat32> cs = tf.constant(new float[][] {c0[pl][b]});
            List<Operand<TFloat32>> outs = new ArrayList<>();
            for (int i = 0; i < len; i++) {
              int t = dir == 0 ? i : len - 1 - i;
              Operand<TFloat32>[] next = cell(tf, c.mode(), w, layerIn.get(t), h, cs);
              h = next[0];
              cs = next[1];
              outs.add(h);
            }
            if (dir == 1) {
              java.util.Collections.reverse(outs);
            }
            perDirection.add(outs);
            fetch.add(tf.identity(h));
            into.add(hEnd[pl][b]);
            fetch.add(tf.identity(cs));
            into.add(cEnd[pl][b]);
          }
          List<Operand<TFloat32>> next = new ArrayList<>();
          for (int t = 0; t < len; t++) {
            List<Operand<TFloat32>> parts = new ArrayList<>();
            for (List<Operand<TFloat32>> dirOuts : perDirection) {
              parts.add(dirOuts.get(t));
            }
            next.add(parts.size() == 1 ? parts.get(0) : tf.concat(parts, tf.constant(1)));
          }
          layerIn = next;
        }
        for (int t = 0; t < len; t++) {
          fetch.add(tf.identity(layerIn.get(t)));
          into.add(out[b][t]); // steps past the length stay zero, as cuDNN writes them
        }
      }
      Session.Runner runner = s.runner();
      fetch.forEach(runner::fetch);
      try (Result r = runner.run()) {
        for (int i = 0; i < fetch.size(); i++) {
          float[] row = StdArrays.array2dCopyOf((TFloat32) r.get(i))[0];
          System.arraycopy(row, 0, into.get(i), 0, row.length);
        }
      }
    }
    return new Reference(out, hEnd, cEnd);
  }

  /** One step of a Keras LSTM (gates i, f, c, o) or GRU with reset_after (gates z, r, h). */
  @SuppressWarnings("unchecked")
  private static Operand<TFloat32>[] cell(Ops tf, String mode, Weights w, Operand<TFloat32> x, Operand<TFloat32> h,
      Operand<TFloat32> c) {
    Operand<TFloat32> xk = tf.math.add(tf.linalg.matMul(x, tf.constant(w.kernel())), tf.constant(w.inputBias()));
    Operand<TFloat32> hr = tf.math.add(tf.linalg.matMul(h, tf.constant(w.recurrent())),
        tf.constant(w.recurrentBias()));
    if (mode.equals("lstm")) {
      List<Operand<TFloat32>> g = List.copyOf(tf.split(tf.constant(1), tf.math.add(xk, hr), 4L).output());
      Operand<TFloat32> newC = tf.math.add(tf.math.mul(tf.math.sigmoid(g.get(1)), c),
          tf.math.mul(tf.math.sigmoid(g.get(0)), tf.math.tanh(g.get(2))));
      return new Operand[] {tf.math.mul(tf.math.sigmoid(g.get(3)), tf.math.tanh(newC)), newC};
    }
    List<Operand<TFloat32>> xg = List.copyOf(tf.split(tf.constant(1), xk, 3L).output());
    List<Operand<TFloat32>> hg = List.copyOf(tf.split(tf.constant(1), hr, 3L).output());
    Operand<TFloat32> z = tf.math.sigmoid(tf.math.add(xg.get(0), hg.get(0)));
    Operand<TFloat32> r = tf.math.sigmoid(tf.math.add(xg.get(1), hg.get(1)));
    Operand<TFloat32> candidate = tf.math.tanh(tf.math.add(xg.get(2), tf.math.mul(r, hg.get(2))));
    Operand<TFloat32> newH = tf.math.add(tf.math.mul(z, h), tf.math.mul(tf.math.sub(tf.onesLike(z), z), candidate));
    return new Operand[] {newH, c};
  }

  // ---- the cuDNN model ------------------------------------------------------------------------------------------

  /**
   * cuDNN's flat params: every pseudo-layer's weights (W per gate [H, in], then R per gate [H, H], row-major), then
   * every pseudo-layer's biases (bW per gate, then bR per gate). cuDNN's gates are LSTM i, f, c, o (Keras's order)
   * and GRU r, z, h (Keras: z, r, h, so the first two swap).
   */
  static float[] pack(Case c, List<Weights> weights, int[] kerasGate) {
    List<Float> weightPart = new ArrayList<>();
    List<Float> biasPart = new ArrayList<>();
    for (Weights w : weights) {
      int in = w.kernel().length;
      for (int gate : kerasGate) {
        for (int u = 0; u < UNITS; u++) {
          for (int i = 0; i < in; i++) {
            weightPart.add(w.kernel()[i][gate * UNITS + u]);
          }
        }
      }
      for (int gate : kerasGate) {
        for (int u = 0; u < UNITS; u++) {
          for (int j = 0; j < UNITS; j++) {
            weightPart.add(w.recurrent()[j][gate * UNITS + u]);
          }
        }
      }
      for (int gate : kerasGate) {
        for (int u = 0; u < UNITS; u++) {
          biasPart.add(w.inputBias()[gate * UNITS + u]);
        }
      }
      for (int gate : kerasGate) {
        for (int u = 0; u < UNITS; u++) {
          biasPart.add(w.recurrentBias()[gate * UNITS + u]);
        }
      }
    }
    weightPart.addAll(biasPart);
    float[] params = new float[weightPart.size()];
    for (int i = 0; i < params.length; i++) {
      params[i] = weightPart.get(i);
    }
    return params;
  }

  /** For each cuDNN gate, the Keras gate it is: LSTM i, f, c, o in both; GRU cuDNN r, z, h from Keras z, r, h. */
  static int[] cudnnGates(Case c) {
    return c.mode().equals("lstm") ? new int[] {0, 1, 2, 3} : new int[] {1, 0, 2};
  }

  /** A SavedModel: x (the op's input layout) -> output, output_h, output_c of one cuDNN node. */
  static Path cudnnModel(Case c, float[][][] x, float[][][] h0, float[][][] c0, float[] params, Path dir)
      throws Exception {
    float[][][] hIn = c.timeMajor() ? h0 : swap01(h0);
    float[][][] cIn = c.timeMajor() ? c0 : swap01(c0);
    long[] xShape = shapeOf(inputLayout(c, x));
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> input = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(xShape)));
      Map<String, Operand<?>> outputs;
      if (c.inFunction()) {
        try (ConcreteFunction f = ConcreteFunction.create(ftf -> {
          Placeholder<TFloat32> fx = ftf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(xShape)));
          Map<String, Operand<?>> o = cudnnNode(ftf, c, fx, hIn, cIn, params);
          Signature.Builder sb = Signature.builder().key("serve_rnn").input("x", fx);
          o.forEach(sb::output);
          return sb.build();
        })) {
          outputs = f.call(tf, Map.of("x", input));
        }
      } else {
        outputs = cudnnNode(tf, c, input, hIn, cIn, params);
      }
      // Written by hand: no session can even start on a graph holding an op without a CPU kernel, so TensorFlow
      // Java's exporter cannot write it (and a model without variables needs no checkpoint).
      SignatureDef.Builder sig = SignatureDef.newBuilder().setMethodName("tensorflow/serving/predict")
          .putInputs("x", info("x:0", input.shape()));
      outputs.forEach((k, v) -> sig.putOutputs(k, info(v.asOutput().op().name() + ":" + v.asOutput().index(),
          v.shape())));
      MetaGraphDef mg = MetaGraphDef.newBuilder().setMetaInfoDef(MetaGraphDef.MetaInfoDef.newBuilder()
          .addTags("serve")).setGraphDef(g.toGraphDef()).putSignatureDef("serving_default", sig.build()).build();
      java.nio.file.Files.createDirectories(dir);
      java.nio.file.Files.write(dir.resolve("saved_model.pb"),
          SavedModel.newBuilder().setSavedModelSchemaVersion(1).addMetaGraphs(mg).build().toByteArray());
    }
    return dir;
  }

  private static TensorInfo info(String name, Shape shape) {
    var proto = org.tensorflow.proto.TensorShapeProto.newBuilder();
    if (shape.isUnknown()) {
      proto.setUnknownRank(true);
    } else {
      for (long d : shape.asArray()) {
        proto.addDim(org.tensorflow.proto.TensorShapeProto.Dim.newBuilder().setSize(d));
      }
    }
    return TensorInfo.newBuilder().setName(name).setDtype(DataType.DT_FLOAT).setTensorShape(proto).build();
  }

  private static Map<String, Operand<?>> cudnnNode(Ops tf, Case c, Operand<TFloat32> x, float[][][] h0,
      float[][][] c0, float[] params) {
    var b = tf.scope().env().opBuilder(c.op(), "rnn", tf.scope())
        .addInput(x.asOutput()).addInput(tf.constant(h0).asOutput())
        .addInput((c.mode().equals("lstm") ? tf.constant(c0) : tf.constant(0f)).asOutput())
        .addInput(tf.constant(params).asOutput());
    if (c.op().equals("CudnnRNNV3")) {
      b.addInput(tf.constant(c.lengths() == null ? new int[] {STEPS, STEPS, STEPS} : c.lengths()).asOutput());
      b.setAttr("time_major", c.timeMajor());
    }
    b.setAttr("rnn_mode", c.mode()).setAttr("direction", c.directions() == 2 ? "bidirectional" : "unidirectional")
        .setAttr("is_training", false);
    var op = b.build();
    Map<String, Operand<?>> outputs = new LinkedHashMap<>();
    outputs.put("output", tf.identity(op.<TFloat32>output(0)));
    outputs.put("output_h", tf.identity(op.<TFloat32>output(1)));
    if (c.mode().equals("lstm")) {
      outputs.put("output_c", tf.identity(op.<TFloat32>output(2)));
    }
    return outputs;
  }

  // ---- arrays -----------------------------------------------------------------------------------------------

  static float[][][] inputLayout(Case c, float[][][] x) {
    return c.timeMajor() ? swap01(x) : x;
  }

  static float[][][] swap01(float[][][] a) {
    float[][][] out = new float[a[0].length][a.length][];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        out[j][i] = a[i][j].clone();
      }
    }
    return out;
  }

  private static void assertClose(float[][][] expected, TensorValue actual, String name) {
    Npy.Array a = ((TensorValue.Numbers) actual).array();
    assertArrayEquals(shapeOf(expected), a.shape(), name + " shape");
    float[] got = a.toFloats();
    float[] want = flat(expected);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], TOLERANCE, name + " at flat index " + i);
    }
  }

  static long[] shapeOf(float[][][] a) {
    return new long[] {a.length, a[0].length, a[0][0].length};
  }

  static float[] flat(float[][][] a) {
    float[] out = new float[a.length * a[0].length * a[0][0].length];
    int k = 0;
    for (float[][] m : a) {
      for (float[] row : m) {
        for (float v : row) {
          out[k++] = v;
        }
      }
    }
    return out;
  }

  private static Tensor tensor(float[][][] a) {
    return TFloat32.tensorOf(StdArrays.ndCopyOf(a));
  }

  private static float[] random1(Random r, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (r.nextDouble() - 0.5);
    }
    return out;
  }

  private static float[][] random2(Random r, int n, int m) {
    float[][] out = new float[n][];
    for (int i = 0; i < n; i++) {
      out[i] = random1(r, m);
    }
    return out;
  }

  private static float[][][] random3(Random r, int n, int m, int k) {
    float[][][] out = new float[n][][];
    for (int i = 0; i < n; i++) {
      out[i] = random2(r, m, k);
    }
    return out;
  }
}
