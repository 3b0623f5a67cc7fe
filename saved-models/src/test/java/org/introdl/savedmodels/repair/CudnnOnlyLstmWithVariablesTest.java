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
import org.introdl.savedmodels.values.ArrayJson;
import org.introdl.savedmodels.SignatureRunner;
import org.introdl.savedmodels.values.TensorValue;
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
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedConcreteFunction;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedObject;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedObjectGraph;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedUserObject;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedVariable;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject.ObjectReference;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;

/**
 * A Keras 3 LSTM as {@code tf.saved_model.save} writes it on a GPU machine: {@code CudnnRNNV3} alone inside the
 * serving function, its {@code params} packed (as Keras 3 packs them) from resource variables the function captures.
 * As Keras 3 writes every weight, the captured handles ({@code sequential/lstm/lstm_cell/...}) are not the ones the
 * restore function fills from {@code variables/} ({@code Variable}, {@code Variable_1}, ...); the object graph ties
 * both to the same object. TensorFlow's C++ loader then fails with "Could not find variable"; here the calls are
 * bound to the restored variables and the rewritten layer must equal a plain Java LSTM in doubles.
 */
class CudnnOnlyLstmWithVariablesTest {
  static final int BATCH = 3;
  static final int STEPS = 5;
  static final int INPUT = 4;
  static final int UNITS = 3;
  static final double TOLERANCE = 1e-5;
  static final String FUNCTION = "__inference_serving_default_4242";
  static final String RESTORE = "__inference__traced_restore_4300";

  @TempDir Path tmp;

  /** Keras-layout LSTM weights: kernel [I, 4H], recurrent kernel [H, 4H], bias [4H]; gates i, f, c, o. */
  record Lstm(float[][] kernel, float[][] recurrent, float[] bias) {
    static Lstm random(Random r) {
      return new Lstm(matrix(r, INPUT, 4 * UNITS), matrix(r, UNITS, 4 * UNITS), matrix(r, 1, 4 * UNITS)[0]);
    }
  }

  /** One weight as Keras 3 exports it: the captured handle's name, the object's path, its value. */
  record Weight(String captured, String path, Object value, long... shape) {
    String key() {
      return path + "/.ATTRIBUTES/VARIABLE_VALUE";
    }
  }

  @Test
  void aDenseLayerReadsTheRestoredVariableNotTheCapturedCopy() throws Exception {
    float[][] kernel = matrix(new Random(5), INPUT, UNITS);
    Path model = keras3Export(denseFunction(), List.of(new Weight("sequential/dense/kernel",
        "layer_with_weights-0/kernel", kernel, INPUT, UNITS)), -1, INPUT, tmp.resolve("dense"));
    float[][] x = matrix(new Random(6), 2, INPUT);
    // As TensorFlow's own loader leaves it: the captured copy was never restored.
    Exception unbound = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> {
      try (var bundle = org.tensorflow.SavedModelBundle.load(model.toString(), "serve");
          var in = TFloat32.tensorOf(org.tensorflow.ndarray.StdArrays.ndCopyOf(x));
          var r = bundle.session().runner().feed("serving_default_x", in).fetch("StatefulPartitionedCall").run()) {
        r.size();
      }
    });
    assertTrue(unbound.getMessage().contains("Could not find variable sequential/dense/kernel"),
        unbound.getMessage());

    SignatureRunner.ScriptOutcome run = SignatureRunner.run(new SignatureRunner.Script(model, "serve",
        List.of(new SignatureRunner.Call("serving_default", Map.of("x", ArrayJson.toJson(
            Npy.Array.of(flat(new float[][][] {x}), 2, INPUT)).toString()))), false));
    assertEquals(List.of("bound 1 captured variable that no restore op fills (sequential/dense/kernel) to the "
        + "variables the checkpoint restores for the same objects (as Keras 3's tf.saved_model.save writes them; "
        + "Python binds them the same way)"), run.notes());
    float[] y = ((TensorValue.Numbers) run.results().get(0).outputs().get("y")).array().toFloats();
    for (int b = 0; b < 2; b++) {
      for (int u = 0; u < UNITS; u++) {
        double want = 0;
        for (int i = 0; i < INPUT; i++) {
          want += (double) x[b][i] * kernel[i][u];
        }
        assertEquals(want, y[b * UNITS + u], 1e-6);
      }
    }
  }

  @Test
  void theRewrittenLstmComputesFromTheRestoredVariables() throws Exception {
    Random random = new Random(3);
    Lstm weights = Lstm.random(random);
    Lstm other = Lstm.random(random);
    float[][][] x = new float[BATCH][STEPS][];
    for (float[][] sequence : x) {
      for (int t = 0; t < STEPS; t++) {
        sequence[t] = matrix(random, 1, INPUT)[0];
      }
    }
    Path model = keras3Export(lstmFunction(), List.of(
        new Weight("sequential/lstm/lstm_cell/kernel", "layer_with_weights-0/cell/kernel", weights.kernel(), INPUT,
            4 * UNITS),
        new Weight("sequential/lstm/lstm_cell/recurrent_kernel", "layer_with_weights-0/cell/recurrent_kernel",
            weights.recurrent(), UNITS, 4 * UNITS),
        new Weight("sequential/lstm/lstm_cell/bias", "layer_with_weights-0/cell/bias", weights.bias(), 4 * UNITS)),
        STEPS, INPUT, tmp.resolve("keras3-lstm-gpu"));

    SignatureRunner.ScriptOutcome run = SignatureRunner.run(new SignatureRunner.Script(model, "serve",
        List.of(new SignatureRunner.Call("serving_default", Map.of("x", ArrayJson.toJson(
            Npy.Array.of(flat(x), BATCH, STEPS, INPUT)).toString()))), false));
    assertEquals(2, run.notes().size(), run.notes().toString());
    assertTrue(run.notes().get(0).startsWith("bound 3 captured variables that no restore op fills "
        + "(sequential/lstm/lstm_cell/kernel, sequential/lstm/lstm_cell/recurrent_kernel, "
        + "sequential/lstm/lstm_cell/bias)"), run.notes().get(0));
    assertTrue(run.notes().get(1).startsWith("rewrote CudnnRNNV3 'rnn' in function " + FUNCTION + " (lstm"),
        run.notes().get(1));
    Npy.Array h = ((TensorValue.Numbers) run.results().get(0).outputs().get("y")).array();
    assertArrayEquals(new long[] {BATCH, UNITS}, h.shape());
    double worst = maxAbsDiff(lastState(weights, x), h.toFloats());
    assertTrue(worst < TOLERANCE, "max abs diff vs the plain LSTM: " + worst);
    // The check can fail: the same LSTM with other weights is far off.
    double fromOther = maxAbsDiff(lastState(other, x), h.toFloats());
    assertTrue(fromOther > 100 * TOLERANCE, "other weights went unnoticed: " + fromOther);
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
   * A SavedModel laid out as Keras 3's {@code tf.saved_model.save} writes one: placeholder
   * {@code serving_default_x}; per weight a captured handle (the Keras name) and a restored one ({@code Variable},
   * {@code Variable_1}, ...); {@code StatefulPartitionedCall} of the serving function with x and the captured handles;
   * {@code StatefulPartitionedCall_1}, the saver's restore op, calling a restore function that assigns the restored
   * handles from {@code variables/}; an object graph whose variables are the weights' objects and whose serving
   * function's {@code bound_inputs} are those objects. Written by hand: TensorFlow Java cannot declare resource
   * arguments of a function, and no session here can run the cuDNN op.
   */
  static Path keras3Export(FunctionDef serving, List<Weight> weights, long steps, long features, Path dir)
      throws Exception {
    Files.createDirectories(dir.resolve("variables"));
    writeCheckpoint(weights, dir.resolve("variables/variables"));
    GraphDef.Builder graph = GraphDef.newBuilder();
    TensorShapeProto.Builder xShape = TensorShapeProto.newBuilder().addDim(dim(-1));
    if (steps > 0) {
      xShape.addDim(dim(steps));
    }
    xShape.addDim(dim(features));
    graph.addNode(NodeDef.newBuilder().setName("serving_default_x").setOp("Placeholder")
        .putAttr("dtype", type(DataType.DT_FLOAT)).putAttr("shape", AttrValue.newBuilder().setShape(xShape).build()));
    graph.addNode(NodeDef.newBuilder().setName("saver_filename").setOp("Placeholder")
        .putAttr("dtype", type(DataType.DT_STRING))
        .putAttr("shape", AttrValue.newBuilder().setShape(TensorShapeProto.getDefaultInstance()).build()));
    NodeDef.Builder call = call("StatefulPartitionedCall", FUNCTION, DataType.DT_FLOAT).addInput("serving_default_x");
    NodeDef.Builder restore = call("StatefulPartitionedCall_1", RESTORE, DataType.DT_STRING)
        .addInput("saver_filename");
    SavedObjectGraph.Builder objects = SavedObjectGraph.newBuilder();
    objects.addNodes(SavedObject.newBuilder().setUserObject(SavedUserObject.getDefaultInstance()));
    SavedConcreteFunction.Builder bound = SavedConcreteFunction.newBuilder();
    for (int i = 0; i < weights.size(); i++) {
      Weight w = weights.get(i);
      String restored = i == 0 ? "Variable" : "Variable_" + i;
      graph.addNode(handle(w.captured(), w.shape()));
      graph.addNode(handle(restored, w.shape()));
      call.addInput(w.captured());
      restore.addInput(restored);
      bound.addBoundInputs(objectFor(objects, w));
    }
    call.putAttr("Tin", types(DataType.DT_FLOAT, weights.size()));
    restore.putAttr("Tin", types(DataType.DT_STRING, weights.size()));
    graph.addNode(call).addNode(restore);
    graph.getLibraryBuilder().addFunction(serving).addFunction(restoreFunction(weights));
    objects.putConcreteFunctions(FUNCTION, bound.build());
    MetaGraphDef mg = MetaGraphDef.newBuilder()
        .setMetaInfoDef(MetaGraphDef.MetaInfoDef.newBuilder().addTags("serve"))
        .setGraphDef(graph)
        .setSaverDef(SaverDef.newBuilder().setFilenameTensorName("saver_filename:0")
            .setRestoreOpName("StatefulPartitionedCall_1").setVersion(SaverDef.CheckpointFormatVersion.V2))
        .setObjectGraphDef(objects)
        .putSignatureDef("serving_default", SignatureDef.newBuilder().setMethodName("tensorflow/serving/predict")
            .putInputs("x", TensorInfo.newBuilder().setName("serving_default_x:0").setDtype(DataType.DT_FLOAT)
                .setTensorShape(xShape).build())
            .putOutputs("y", info("StatefulPartitionedCall:0", -1, UNITS)).build())
        .build();
    Files.write(dir.resolve("saved_model.pb"),
        SavedModel.newBuilder().setSavedModelSchemaVersion(1).addMetaGraphs(mg).build().toByteArray());
    return dir;
  }

  /** The variable object at {@code w.path()} (user objects above it), its id in {@code objects}. */
  private static int objectFor(SavedObjectGraph.Builder objects, Weight w) {
    int parent = 0;
    String[] names = w.path().split("/");
    for (int i = 0; i < names.length; i++) {
      String name = names[i];
      var existing = objects.getNodes(parent).getChildrenList().stream()
          .filter(c -> c.getLocalName().equals(name)).findFirst();
      if (existing.isPresent()) {
        parent = existing.get().getNodeId();
        continue;
      }
      int id = objects.getNodesCount();
      objects.getNodesBuilder(parent).addChildren(ObjectReference.newBuilder().setNodeId(id).setLocalName(name));
      objects.addNodes(i < names.length - 1 ? SavedObject.newBuilder().setUserObject(SavedUserObject
          .getDefaultInstance()) : SavedObject.newBuilder().setVariable(SavedVariable.newBuilder()
          .setDtype(DataType.DT_FLOAT).setName(w.captured())));
      parent = id;
    }
    return parent;
  }

  /** The restore function: RestoreV2 of every key, each value assigned to its resource argument, in order. */
  private static FunctionDef restoreFunction(List<Weight> weights) {
    FunctionDef.Builder f = FunctionDef.newBuilder();
    OpDef.Builder sig = f.getSignatureBuilder().setName(RESTORE).setIsStateful(true)
        .addInputArg(OpDef.ArgDef.newBuilder().setName("file_prefix").setType(DataType.DT_STRING))
        .addOutputArg(OpDef.ArgDef.newBuilder().setName("identity").setType(DataType.DT_STRING));
    org.tensorflow.proto.TensorProto.Builder keys = org.tensorflow.proto.TensorProto.newBuilder()
        .setDtype(DataType.DT_STRING).setTensorShape(TensorShapeProto.newBuilder().addDim(dim(weights.size())));
    org.tensorflow.proto.TensorProto.Builder slices = keys.clone();
    AttrValue.ListValue.Builder dtypes = AttrValue.ListValue.newBuilder();
    for (Weight w : weights) {
      keys.addStringVal(com.google.protobuf.ByteString.copyFromUtf8(w.key()));
      slices.addStringVal(com.google.protobuf.ByteString.EMPTY);
      dtypes.addType(DataType.DT_FLOAT);
    }
    f.addNodeDef(constant("RestoreV2/tensor_names", keys)).addNodeDef(constant("RestoreV2/shape_and_slices", slices));
    f.addNodeDef(NodeDef.newBuilder().setName("RestoreV2").setOp("RestoreV2").addInput("file_prefix")
        .addInput("RestoreV2/tensor_names:output:0").addInput("RestoreV2/shape_and_slices:output:0")
        .putAttr("dtypes", AttrValue.newBuilder().setList(dtypes).build()));
    NodeDef.Builder done = NodeDef.newBuilder().setName("Identity_out").setOp("Identity").addInput("file_prefix")
        .putAttr("T", type(DataType.DT_STRING));
    for (int i = 0; i < weights.size(); i++) {
      sig.addInputArg(OpDef.ArgDef.newBuilder().setName("handle_" + i).setType(DataType.DT_RESOURCE));
      f.addNodeDef(NodeDef.newBuilder().setName("Identity_" + i).setOp("Identity").addInput("RestoreV2:tensors:" + i)
          .putAttr("T", type(DataType.DT_FLOAT)));
      f.addNodeDef(NodeDef.newBuilder().setName("AssignVariableOp_" + i).setOp("AssignVariableOp")
          .addInput("handle_" + i).addInput("Identity_" + i + ":output:0").putAttr("dtype", type(DataType.DT_FLOAT)));
      done.addInput("^AssignVariableOp_" + i);
      sig.addControlOutput("AssignVariableOp_" + i);
      f.putControlRet("AssignVariableOp_" + i, "AssignVariableOp_" + i);
    }
    return f.addNodeDef(done).putRet("identity", "Identity_out:output:0").build();
  }

  /** The serving function of a Dense layer without bias: y = x kernel, the kernel read from a resource argument. */
  static FunctionDef denseFunction() {
    try (ConcreteFunction built = ConcreteFunction.create(tf -> {
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, INPUT)));
      Placeholder<TFloat32> kernel = tf.placeholder(TFloat32.class);
      return Signature.builder().key("dense").input("x", x).input("kernel", kernel)
          .output("y", tf.linalg.matMul(x, kernel)).build();
    })) {
      return withResourceArguments(built.getFunctionDef(), 1);
    }
  }

  /**
   * The serving function of the LSTM: reads the three weights and packs cuDNN's params as Keras 3's
   * {@code _standardize_cudnn_weights} does (each gate's kernel and recurrent kernel transposed and flattened, then
   * zeros for the input biases and the bias for the recurrent ones), then {@code CudnnRNNV3} batch-major with full
   * lengths; returns the last state.
   */
  static FunctionDef lstmFunction() {
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
      return withResourceArguments(built.getFunctionDef(), 3);
    }
  }

  /** {@code f} named {@link #FUNCTION}, its arguments after the first resource handles read by ReadVariableOp. */
  private static FunctionDef withResourceArguments(FunctionDef f, int count) {
    FunctionDef.Builder out = f.toBuilder();
    out.getSignatureBuilder().setName(FUNCTION).setIsStateful(true);
    for (int i = 1; i <= count; i++) {
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
          .putAttr("dtype", type(DataType.DT_FLOAT)));
    }
    return out.clearArgAttr().build();
  }

  /** variables/ as Python writes it: every weight under its object's key. */
  private static void writeCheckpoint(List<Weight> weights, Path prefix) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      List<Operand<?>> values = new ArrayList<>();
      for (Weight w : weights) {
        values.add(w.value() instanceof float[][] m ? tf.constant(m) : tf.constant((float[]) w.value()));
      }
      var save = tf.train.save(tf.constant(prefix.toString()), strings(tf, weights.stream().map(Weight::key).toList()),
          strings(tf, weights.stream().map(w -> "").toList()), values);
      s.runner().addTarget(save).run();
    }
  }

  private static NodeDef handle(String name, long... shape) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (long d : shape) {
      s.addDim(dim(d));
    }
    return NodeDef.newBuilder().setName(name).setOp("VarHandleOp").putAttr("dtype", type(DataType.DT_FLOAT))
        .putAttr("shape", AttrValue.newBuilder().setShape(s).build())
        .putAttr("shared_name", AttrValue.newBuilder().setS(com.google.protobuf.ByteString.copyFromUtf8(name)).build())
        .build();
  }

  private static NodeDef.Builder call(String name, String function, DataType out) {
    return NodeDef.newBuilder().setName(name).setOp("StatefulPartitionedCall")
        .putAttr("Tout", AttrValue.newBuilder().setList(AttrValue.ListValue.newBuilder().addType(out)).build())
        .putAttr("f", AttrValue.newBuilder().setFunc(NameAttrList.newBuilder().setName(function)).build())
        .putAttr("config", AttrValue.newBuilder().setS(com.google.protobuf.ByteString.EMPTY).build())
        .putAttr("config_proto", AttrValue.newBuilder().setS(com.google.protobuf.ByteString.EMPTY).build())
        .putAttr("executor_type", AttrValue.newBuilder().setS(com.google.protobuf.ByteString.EMPTY).build());
  }

  private static NodeDef constant(String name, org.tensorflow.proto.TensorProto.Builder value) {
    return NodeDef.newBuilder().setName(name).setOp("Const").putAttr("dtype", type(value.getDtype()))
        .putAttr("value", AttrValue.newBuilder().setTensor(value).build()).build();
  }

  private static AttrValue types(DataType first, int resources) {
    AttrValue.ListValue.Builder list = AttrValue.ListValue.newBuilder().addType(first);
    for (int i = 0; i < resources; i++) {
      list.addType(DataType.DT_RESOURCE);
    }
    return AttrValue.newBuilder().setList(list).build();
  }

  private static AttrValue type(DataType t) {
    return AttrValue.newBuilder().setType(t).build();
  }

  private static TensorShapeProto.Dim dim(long size) {
    return TensorShapeProto.Dim.newBuilder().setSize(size).build();
  }

  private static Operand<TString> strings(Ops tf, List<String> values) {
    return tf.constant(org.tensorflow.ndarray.StdArrays.ndCopyOf(values.toArray(String[]::new)));
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
    float[] out = new float[x.length * x[0].length * x[0][0].length];
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
