package org.introdl.savedmodels.repair;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.introdl.core.io.Npy;
import org.introdl.savedmodels.ArrayJson;
import org.introdl.savedmodels.SignatureRunner;
import org.introdl.savedmodels.TensorValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NameAttrList;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SaverDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;

/**
 * A Keras 3 LSTM as {@code tf.saved_model.save} writes it on a GPU machine: {@code CudnnRNNV3} alone, inside the
 * serving function, its {@code params} packed (as Keras 3 packs them) from the values of resource variables the
 * function reads from handles the graph passes in, restored from {@code variables/}. The variables are named unlike
 * anything Keras would call them, and the graph also restores decoys under the names Keras would use
 * ({@code sequential/lstm/lstm_cell/...}) holding other weights: after the CPU rewrite the layer must compute from
 * exactly the variables the cuDNN op read, checked against a plain Java LSTM in doubles.
 */
class CudnnOnlyLstmWithVariablesTest {
  static final int BATCH = 3;
  static final int STEPS = 5;
  static final int INPUT = 4;
  static final int UNITS = 3;
  static final double TOLERANCE = 1e-5;
  static final String FUNCTION = "__inference_lstm_call_4242";
  /** The variables the cuDNN op reads: node name, shared (resource) name, checkpoint key. */
  static final List<String[]> WEIGHTS = List.of(
      new String[] {"encoder_7/w_in", "enc_w_in_0", "model/0/kernel"},
      new String[] {"encoder_7/w_state", "enc_w_state_0", "model/0/recurrent_kernel"},
      new String[] {"encoder_7/b", "enc_b_0", "model/0/bias"});
  /** Decoys under the names Keras gives an LSTM's weights, restored with other values; nothing reads them. */
  static final List<String[]> DECOYS = List.of(
      new String[] {"sequential/lstm/lstm_cell/kernel", "sequential/lstm/lstm_cell/kernel", "decoy/kernel"},
      new String[] {"sequential/lstm/lstm_cell/recurrent_kernel", "sequential/lstm/lstm_cell/recurrent_kernel",
          "decoy/recurrent_kernel"},
      new String[] {"sequential/lstm/lstm_cell/bias", "sequential/lstm/lstm_cell/bias", "decoy/bias"});

  @TempDir Path tmp;

  /** Keras-layout LSTM weights: kernel [I, 4H], recurrent kernel [H, 4H], bias [4H]; gates i, f, c, o. */
  record Lstm(float[][] kernel, float[][] recurrent, float[] bias) {
    static Lstm random(Random r) {
      return new Lstm(matrix(r, INPUT, 4 * UNITS), matrix(r, UNITS, 4 * UNITS), matrix(r, 1, 4 * UNITS)[0]);
    }

    List<float[][]> values() {
      return List.of(kernel, recurrent, new float[][] {bias});
    }
  }

  @Test
  void theRewrittenLayerComputesFromTheVariablesTheCudnnOpReads() throws Exception {
    Random random = new Random(3);
    Lstm weights = Lstm.random(random);
    Lstm decoy = Lstm.random(random);
    float[][][] x = new float[BATCH][STEPS][];
    for (float[][] sequence : x) {
      for (int t = 0; t < STEPS; t++) {
        sequence[t] = matrix(random, 1, INPUT)[0];
      }
    }
    Path model = keras3CudnnLstm(weights, decoy, tmp.resolve("keras3-lstm-gpu"));

    SignatureRunner.ScriptOutcome run = SignatureRunner.run(new SignatureRunner.Script(model, "serve",
        List.of(new SignatureRunner.Call("serving_default", Map.of("x", ArrayJson.toJson(
            Npy.Array.of(flat(x), BATCH, STEPS, INPUT)).toString()))), false));
    assertEquals(1, run.notes().size(), run.notes().toString());
    assertTrue(run.notes().get(0).startsWith("rewrote CudnnRNNV3 'rnn' in function " + FUNCTION + " (lstm"),
        run.notes().get(0));
    Npy.Array h = ((TensorValue.Numbers) run.results().get(0).outputs().get("h")).array();
    assertArrayEquals(new long[] {BATCH, UNITS}, h.shape());
    double worst = maxAbsDiff(lastState(weights, x), h.toFloats());
    assertTrue(worst < TOLERANCE, "max abs diff vs the plain LSTM: " + worst);
    // The check can fail: the same LSTM from the decoys' weights is far off.
    double fromDecoys = maxAbsDiff(lastState(decoy, x), h.toFloats());
    assertTrue(fromDecoys > 100 * TOLERANCE, "the decoy weights went unnoticed: " + fromDecoys);
  }

  /** Keras's LSTM in doubles, zero initial state: the last h of each sequence. */
  static double[] lastState(Lstm w, float[][][] x) {
    double[] out = new double[BATCH * UNITS];
    for (int b = 0; b < BATCH; b++) {
      double[] h = new double[UNITS];
      double[] c = new double[UNITS];
      for (int t = 0; t < STEPS; t++) {
        double[] z = new double[4 * UNITS];
        for (int j = 0; j < 4 * UNITS; j++) {
          z[j] = w.bias()[j];
          for (int i = 0; i < INPUT; i++) {
            z[j] += x[b][t][i] * w.kernel()[i][j];
          }
          for (int i = 0; i < UNITS; i++) {
            z[j] += h[i] * w.recurrent()[i][j];
          }
        }
        for (int u = 0; u < UNITS; u++) {
          double in = sigmoid(z[u]);
          double forget = sigmoid(z[UNITS + u]);
          double candidate = Math.tanh(z[2 * UNITS + u]);
          double output = sigmoid(z[3 * UNITS + u]);
          c[u] = forget * c[u] + in * candidate;
          h[u] = output * Math.tanh(c[u]);
        }
      }
      System.arraycopy(h, 0, out, b * UNITS, UNITS);
    }
    return out;
  }

  // ---- the model --------------------------------------------------------------------------------------------------

  /**
   * The SavedModel: placeholder x [-1, T, I]; six {@code VarHandleOp}s (the weights and the decoys) restored by a
   * TF1-style saver from {@code variables/}; a {@code StatefulPartitionedCall} of {@link #FUNCTION} with x and the
   * three weight handles, whose body reads them and feeds {@code CudnnRNNV3}. Written by hand: TensorFlow Java cannot
   * declare resource arguments of a function, and no session here can run the cuDNN op.
   */
  static Path keras3CudnnLstm(Lstm weights, Lstm decoy, Path dir) throws Exception {
    Files.createDirectories(dir.resolve("variables"));
    writeCheckpoint(weights, decoy, dir.resolve("variables/variables"));
    GraphDef.Builder graph;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, STEPS, INPUT)));
      List<String[]> all = new ArrayList<>(WEIGHTS);
      all.addAll(DECOYS);
      List<org.tensorflow.Output<?>> handles = new ArrayList<>();
      List<long[]> shapes = List.of(new long[] {INPUT, 4 * UNITS}, new long[] {UNITS, 4 * UNITS},
          new long[] {4 * UNITS});
      for (int i = 0; i < all.size(); i++) {
        handles.add(g.opBuilder("VarHandleOp", all.get(i)[0], g.baseScope()).setAttr("dtype", DataType.DT_FLOAT)
            .setAttr("shape", Shape.of(shapes.get(i % 3))).setAttr("shared_name", all.get(i)[1]).build().output(0));
      }
      Ops save = tf.withSubScope("save");
      var prefix = save.withName("Const").placeholderWithDefault(tf.constant("model"), Shape.scalar());
      var restored = save.withName("RestoreV2").train.restore(prefix,
          strings(tf, all.stream().map(v -> v[2]).toList()),
          strings(tf, all.stream().map(v -> "").toList()),
          all.stream().<Class<? extends org.tensorflow.types.family.TType>>map(v -> TFloat32.class).toList());
      List<org.tensorflow.op.Op> assigns = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        assigns.add(save.withName("Assign_" + i).assignVariableOp(handles.get(i), restored.tensors().get(i)));
      }
      save.withControlDependencies(assigns).withName("restore_all").noOp();
      graph = g.toGraphDef().toBuilder();
    }
    graph.addNode(NodeDef.newBuilder().setName("StatefulPartitionedCall").setOp("StatefulPartitionedCall")
        .addInput("x").addAllInput(WEIGHTS.stream().map(v -> v[0]).toList())
        .putAttr("Tin", types(DataType.DT_FLOAT, DataType.DT_RESOURCE, DataType.DT_RESOURCE, DataType.DT_RESOURCE))
        .putAttr("Tout", types(DataType.DT_FLOAT))
        .putAttr("f", AttrValue.newBuilder().setFunc(NameAttrList.newBuilder().setName(FUNCTION)).build())
        .putAttr("config", AttrValue.newBuilder().setS(com.google.protobuf.ByteString.EMPTY).build())
        .putAttr("config_proto", AttrValue.newBuilder().setS(com.google.protobuf.ByteString.EMPTY).build())
        .putAttr("executor_type", AttrValue.newBuilder().setS(com.google.protobuf.ByteString.EMPTY).build()));
    graph.getLibraryBuilder().addFunction(servingFunction());
    MetaGraphDef mg = MetaGraphDef.newBuilder()
        .setMetaInfoDef(MetaGraphDef.MetaInfoDef.newBuilder().addTags("serve"))
        .setGraphDef(graph)
        .setSaverDef(SaverDef.newBuilder().setFilenameTensorName("save/Const:0")
            .setRestoreOpName("save/restore_all").setVersion(SaverDef.CheckpointFormatVersion.V2))
        .putSignatureDef("serving_default", SignatureDef.newBuilder().setMethodName("tensorflow/serving/predict")
            .putInputs("x", info("x:0", -1, STEPS, INPUT))
            .putOutputs("h", info("StatefulPartitionedCall:0", -1, UNITS)).build())
        .build();
    Files.write(dir.resolve("saved_model.pb"),
        SavedModel.newBuilder().setSavedModelSchemaVersion(1).addMetaGraphs(mg).build().toByteArray());
    return dir;
  }

  /**
   * The serving function: reads the three weight handles and packs cuDNN's params as Keras 3's
   * {@code _standardize_cudnn_weights} does (each gate's kernel and recurrent kernel transposed and flattened, then
   * zeros for the input biases and the bias for the recurrent ones), then {@code CudnnRNNV3} batch-major with full
   * lengths; returns the last state. Built with float arguments, whose three weight arguments then become resource
   * handles read by {@code ReadVariableOp}.
   */
  static FunctionDef servingFunction() {
    FunctionDef f;
    try (ConcreteFunction built = ConcreteFunction.create(tf -> {
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, STEPS, INPUT)));
      Placeholder<TFloat32> kernel = tf.placeholder(TFloat32.class);
      Placeholder<TFloat32> recurrent = tf.placeholder(TFloat32.class);
      Placeholder<TFloat32> bias = tf.placeholder(TFloat32.class);
      List<Operand<TFloat32>> parts = new ArrayList<>();
      for (Operand<TFloat32> w : List.of(kernel, recurrent)) {
        for (Operand<TFloat32> gate : tf.split(tf.constant(1), w, 4L).output()) {
          parts.add(tf.reshape(tf.linalg.transpose(gate, tf.constant(new int[] {1, 0})), tf.constant(new int[] {-1})));
        }
      }
      parts.addAll(tf.split(tf.constant(0), tf.concat(List.of(tf.zerosLike(bias), bias), tf.constant(0)), 8L)
          .output());
      Operand<TFloat32> params = tf.concat(parts, tf.constant(0));
      Operand<TInt32> batch = tf.gather(tf.shape(x), tf.constant(0), tf.constant(0));
      Operand<TFloat32> zeros = tf.fill(tf.stack(List.of(batch, tf.constant(1), tf.constant(UNITS))),
          tf.constant(0f));
      var rnn = tf.scope().env().opBuilder("CudnnRNNV3", "rnn", tf.scope()).addInput(x.asOutput())
          .addInput(zeros.asOutput()).addInput(zeros.asOutput()).addInput(params.asOutput())
          .addInput(tf.fill(tf.expandDims(batch, tf.constant(0)), tf.constant(STEPS)).asOutput())
          .setAttr("rnn_mode", "lstm").setAttr("time_major", false).setAttr("is_training", true).build();
      Operand<TFloat32> h = tf.squeeze(rnn.<TFloat32>output(1), Squeeze.axis(List.of(1L)));
      return Signature.builder().key("lstm").input("x", x).input("kernel", kernel).input("recurrent", recurrent)
          .input("bias", bias).output("h", tf.identity(h)).build();
    })) {
      f = built.getFunctionDef();
    }
    FunctionDef.Builder out = f.toBuilder();
    out.getSignatureBuilder().setName(FUNCTION).setIsStateful(true);
    for (int i = 1; i <= 3; i++) {
      OpDef.ArgDef.Builder arg = out.getSignatureBuilder().getInputArgBuilder(i);
      String name = arg.getName();
      arg.setName(name + "_handle").setType(DataType.DT_RESOURCE);
      for (NodeDef.Builder n : out.getNodeDefBuilderList()) {
        for (int j = 0; j < n.getInputCount(); j++) {
          if (n.getInput(j).equals(name)) {
            n.setInput(j, name + "_read:value:0");
          }
        }
      }
      out.addNodeDef(NodeDef.newBuilder().setName(name + "_read").setOp("ReadVariableOp").addInput(name + "_handle")
          .putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build()));
    }
    out.clearArgAttr();
    return out.build();
  }

  /** variables/ as Python writes it: every weight and decoy under its checkpoint key. */
  private static void writeCheckpoint(Lstm weights, Lstm decoy, Path prefix) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      List<Operand<?>> values = new ArrayList<>();
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        for (var pair : List.of(Map.entry(WEIGHTS.get(i)[2], weights), Map.entry(DECOYS.get(i)[2], decoy))) {
          float[][] v = pair.getValue().values().get(i);
          keys.add(pair.getKey());
          values.add(i == 2 ? tf.constant(v[0]) : tf.constant(v));
        }
      }
      var save = tf.train.save(tf.constant(prefix.toString()), strings(tf, keys),
          strings(tf, keys.stream().map(k -> "").toList()), values);
      s.runner().addTarget(save).run();
    }
  }

  private static Operand<TString> strings(Ops tf, List<String> values) {
    return tf.constant(org.tensorflow.ndarray.StdArrays.ndCopyOf(values.toArray(String[]::new)));
  }

  private static AttrValue types(DataType... types) {
    AttrValue.ListValue.Builder list = AttrValue.ListValue.newBuilder();
    for (DataType t : types) {
      list.addType(t);
    }
    return AttrValue.newBuilder().setList(list).build();
  }

  private static TensorInfo info(String name, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    return TensorInfo.newBuilder().setName(name).setDtype(DataType.DT_FLOAT).setTensorShape(shape).build();
  }

  private static float[][] matrix(Random r, int rows, int cols) {
    float[][] m = new float[rows][cols];
    for (float[] row : m) {
      for (int j = 0; j < cols; j++) {
        row[j] = (float) (r.nextDouble() - 0.5);
      }
    }
    return m;
  }

  private static float[] flat(float[][][] x) {
    float[] out = new float[BATCH * STEPS * INPUT];
    int k = 0;
    for (float[][] sequence : x) {
      for (float[] step : sequence) {
        for (float v : step) {
          out[k++] = v;
        }
      }
    }
    return out;
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
}
