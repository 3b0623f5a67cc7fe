package org.introdl.savedmodels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * SavedModels with the quirks of old TF1 exports, built in Java: the graph with TensorFlow Java's exporter, then
 * the signatures written into {@code saved_model.pb} directly, because TensorFlow Java refuses to write these.
 */
public final class HandMadeModels {
  private HandMadeModels() {}

  /**
   * {@code serving_default}: y = 2x + 1 (float32 [-1]); plus {@code regress}, declared float32 on the string
   * placeholder {@code tf_example:0}, the way some TF1 exports disagree with their own graph.
   */
  public static Path withDisagreeingSignature(Path dir) throws IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class,
          Placeholder.shape(org.tensorflow.ndarray.Shape.of(-1)));
      tf.withName("tf_example").placeholder(TString.class);
      Variable<TFloat32> bias = tf.withName("bias").variable(tf.constant(1f));
      var y = tf.withName("y").math.add(tf.math.mul(x, tf.constant(2f)), bias);
      export(g, dir, Signature.builder().input("x", x).output("y", y).build());
    }
    return editSignatures(dir, mg -> mg.toBuilder().putSignatureDef("regress", SignatureDef.newBuilder()
        .setMethodName("tensorflow/serving/regress")
        .putInputs("inputs", info("tf_example:0", DataType.DT_FLOAT))
        .putOutputs("outputs", info("y:0", DataType.DT_FLOAT)).build()).build());
  }

  /**
   * A counter in a TF1 variable, with four signatures that return the variable itself (ref dtype):
   * {@code get}, {@code increment} (+1), {@code increment_by} (+n, a float32 scalar input) and {@code reset} (0).
   */
  public static Path counter(Path dir) throws IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> count = tf.withName("count").variable(tf.constant(0f));
      Placeholder<TFloat32> n = tf.withName("n").placeholder(TFloat32.class,
          Placeholder.shape(org.tensorflow.ndarray.Shape.scalar()));
      tf.withName("increment").assignAdd(count, tf.constant(1f));
      tf.withName("increment_by").assignAdd(count, n);
      tf.withName("reset").assign(count, tf.constant(0f));
      var read = tf.withName("read").identity(count);
      export(g, dir, Signature.builder().key("read").output("count", read).build());
    }
    return editSignatures(dir, mg -> mg.toBuilder().removeSignatureDef("read")
        .putSignatureDef("get", refSignature("count:0", null))
        .putSignatureDef("increment", refSignature("increment:0", null))
        .putSignatureDef("increment_by", refSignature("increment_by:0", "n:0"))
        .putSignatureDef("reset", refSignature("reset:0", null)).build());
  }

  /**
   * TF Serving's {@code saved_model_half_plus_three} as TF 1.0 exported it: y = 0.5 x + 3 on a {@code [-1, 1]}
   * placeholder, while {@code serving_default} declares {@code x} and {@code y} as scalars.
   */
  public static Path halfPlusThreeWithScalarSignature(Path dir) throws IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class,
          Placeholder.shape(org.tensorflow.ndarray.Shape.of(-1, 1)));
      Variable<TFloat32> a = tf.withName("a").variable(tf.constant(0.5f));
      Variable<TFloat32> b = tf.withName("b").variable(tf.constant(3f));
      var y = tf.withName("y").math.add(tf.math.mul(a, x), b);
      export(g, dir, Signature.builder().input("x", x).output("y", y).build());
    }
    TensorInfo scalar = TensorInfo.newBuilder().setDtype(DataType.DT_FLOAT)
        .setTensorShape(TensorShapeProto.getDefaultInstance()).build();
    return editSignatures(dir, mg -> mg.toBuilder().putSignatureDef("serving_default", SignatureDef.newBuilder()
        .setMethodName("tensorflow/serving/predict")
        .putInputs("x", scalar.toBuilder().setName("x:0").build())
        .putOutputs("y", scalar.toBuilder().setName("y:0").build()).build()).build());
  }

  /** {@code serving_default}: sum = a + b, both float32 [-1, 1]. */
  public static Path twoInputs(Path dir) throws IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var shape = Placeholder.shape(org.tensorflow.ndarray.Shape.of(-1, 1));
      Placeholder<TFloat32> a = tf.withName("a").placeholder(TFloat32.class, shape);
      Placeholder<TFloat32> b = tf.withName("b").placeholder(TFloat32.class, shape);
      Variable<TFloat32> zero = tf.withName("zero").variable(tf.constant(0f));
      var sum = tf.withName("sum").math.add(tf.math.add(a, b), zero);
      export(g, dir, Signature.builder().input("a", a).input("b", b).output("sum", sum).build());
    }
    return dir;
  }

  private static SignatureDef refSignature(String output, String input) {
    SignatureDef.Builder s = SignatureDef.newBuilder().setMethodName("tensorflow/serving/predict")
        .putOutputs("count", info(output, DataType.DT_FLOAT_REF));
    if (input != null) {
      s.putInputs("n", info(input, DataType.DT_FLOAT).toBuilder()
          .setTensorShape(TensorShapeProto.getDefaultInstance()).build());
    }
    return s.build();
  }

  static TensorInfo info(String name, DataType dtype) {
    return TensorInfo.newBuilder().setName(name).setDtype(dtype)
        .setTensorShape(TensorShapeProto.newBuilder().setUnknownRank(true)).build();
  }

  static void export(Graph g, Path dir, Signature signature) throws IOException {
    try (Session s = new Session(g)) {
      s.initialize();
      SavedModelBundle.exporter(dir.toString()).withSession(s).withSignature(signature).export();
    }
  }

  /** Rewrites the single MetaGraph of the SavedModel in {@code dir}. */
  public static Path editSignatures(Path dir, UnaryOperator<MetaGraphDef> edit) throws IOException {
    Path pb = dir.resolve("saved_model.pb");
    SavedModel model = SavedModel.parseFrom(Files.readAllBytes(pb));
    Files.write(pb, model.toBuilder().setMetaGraphs(0, edit.apply(model.getMetaGraphs(0))).build().toByteArray());
    return dir;
  }
}
