package org.introdl.keras;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The Keras layers this importer builds, each as the TensorFlow ops that compute its inference output. Every
 * class name a Keras version wrote is listed in {@link #SUPPORTED}; anything else is refused before a graph is
 * built, with the reason.
 */
final class Layers {
  /** What a layer call produced: its outputs and, for layers that carry Keras's mask, the mask of output 0. */
  record Built(List<Operand<TFloat32>> outputs, Operand<TBool> mask) {
    static Built of(Operand<TFloat32> output) {
      return new Built(List.of(output), null);
    }

    static Built of(Operand<TFloat32> output, Operand<TBool> mask) {
      return new Built(List.of(output), mask);
    }
  }

  /** Layers that only act in training: identity at inference. */
  static final Set<String> TRAINING_ONLY = Set.of("Dropout", "SpatialDropout1D", "SpatialDropout2D",
      "SpatialDropout3D", "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization");

  static final Set<String> SUPPORTED = Set.of("InputLayer", "Dense", "Activation", "LeakyReLU", "ReLU", "ELU",
      "Conv2DTranspose", "Convolution2DTranspose",
      "Softmax", "Flatten", "Reshape", "Permute", "RepeatVector", "Conv1D", "Conv2D", "Convolution1D",
      "Convolution2D", "DepthwiseConv2D", "SeparableConv2D", "MaxPooling1D", "MaxPooling2D", "MaxPool1D",
      "MaxPool2D", "AveragePooling1D", "AveragePooling2D", "AvgPool1D", "AvgPool2D", "GlobalAveragePooling1D",
      "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalAvgPool1D", "GlobalAvgPool2D",
      "GlobalMaxPool1D", "GlobalMaxPool2D", "ZeroPadding1D", "ZeroPadding2D", "BatchNormalization",
      "LayerNormalization", "Embedding", "Masking", "SimpleRNN", "LSTM", "GRU", "Bidirectional", "TimeDistributed",
      "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Identity",
      "Rescaling", "Normalization", "UpSampling1D", "UpSampling2D", "Cropping1D", "Cropping2D");

  private Layers() {}

  /** Why {@code layer} cannot be imported, if it cannot. Nested models are checked layer by layer elsewhere. */
  static Optional<String> whyUnsupported(KerasModel.Layer layer) {
    String c = layer.className();
    if (c == null) {
      return Optional.of("has no class_name");
    }
    if (c.equals("Lambda")) {
      return Optional.of("holds Python code (a serialised function), which Java will not run; that is also the"
          + " safe answer for a file from a stranger. Rewrite it as a built-in layer and save again");
    }
    if (layer.nested() != null || TRAINING_ONLY.contains(c)) {
      return Optional.empty();
    }
    String registered = KerasModel.text(layer.raw(), "registered_name");
    if (registered != null && registered.contains(">")) {
      return Optional.of("is the custom class '" + registered + "', whose Python code is not in the file");
    }
    if (c.equals("Merge")) {
      return Optional.of("is Keras 1's Merge layer (mode '" + layer.config().path("mode").asText("?")
          + "'), which this importer does not build");
    }
    if (!SUPPORTED.contains(c)) {
      return Optional.of("is not a layer this importer knows (it builds " + SUPPORTED.size()
          + " Keras layer classes; see docs/keras.md)");
    }
    if (c.equals("Activation") || c.equals("Dense") || c.startsWith("Conv") || c.equals("SimpleRNN")
        || c.equals("LSTM") || c.equals("GRU")) {
      LayerConfig cfg = new LayerConfig(layer.config(), layer.name());
      for (String key : new String[] {"activation", "recurrent_activation", "inner_activation"}) {
        String a = cfg.activation(key, "linear");
        if (!Activations.NAMES.contains(a)) {
          return Optional.of("uses the activation '" + a + "', which this importer does not know");
        }
      }
    }
    if (layer.config() != null && layer.config().path("stateful").asBoolean(false)) {
      return Optional.of("is stateful; only stateless recurrent layers are imported");
    }
    return Optional.empty();
  }

  static Built build(LayerCall call) {
    String c = call.layer.className();
    if (TRAINING_ONLY.contains(c) || c.equals("Identity")) {
      return Built.of(call.input(), call.inputMask());
    }
    return switch (c) {
      case "Dense" -> Built.of(dense(call), call.inputMask());
      case "Activation" -> Built.of(activation(call, call.config.activation("activation", "linear"),
          call.input()), call.inputMask());
      case "LeakyReLU" -> Built.of(call.tf.nn.leakyRelu(call.input(), org.tensorflow.op.nn.LeakyRelu.alpha(
          (float) call.config.number("negative_slope", call.config.number("alpha", 0.3)))), call.inputMask());
      case "ReLU" -> Built.of(relu(call), call.inputMask());
      case "ELU" -> Built.of(elu(call), call.inputMask());
      case "Softmax" -> Built.of(softmax(call.tf, call.input(), axis(call.config, -1)), call.inputMask());
      case "Flatten" -> Built.of(flatten(call));
      case "Reshape" -> Built.of(reshape(call));
      case "Permute" -> Built.of(permute(call));
      case "RepeatVector" -> Built.of(repeatVector(call));
      case "Conv1D", "Convolution1D", "Conv2D", "Convolution2D", "DepthwiseConv2D", "SeparableConv2D" ->
          Built.of(Convolutions.convolution(call));
      case "Conv2DTranspose", "Convolution2DTranspose" -> Built.of(Convolutions.transposed(call));
      case "MaxPooling1D", "MaxPool1D", "AveragePooling1D", "AvgPool1D", "MaxPooling2D", "MaxPool2D",
          "AveragePooling2D", "AvgPool2D" -> Built.of(Convolutions.pooling(call));
      case "GlobalAveragePooling1D", "GlobalAvgPool1D", "GlobalMaxPooling1D", "GlobalMaxPool1D",
          "GlobalAveragePooling2D", "GlobalAvgPool2D", "GlobalMaxPooling2D", "GlobalMaxPool2D" ->
          Built.of(Convolutions.globalPooling(call));
      case "ZeroPadding1D", "ZeroPadding2D" -> Built.of(Convolutions.zeroPadding(call));
      case "BatchNormalization" -> Built.of(batchNormalization(call), call.inputMask());
      case "LayerNormalization" -> Built.of(layerNormalization(call), call.inputMask());
      case "Embedding" -> embedding(call);
      case "Masking" -> masking(call);
      case "SimpleRNN", "LSTM", "GRU" -> Recurrent.build(call);
      case "Bidirectional" -> Recurrent.bidirectional(call);
      case "TimeDistributed" -> timeDistributed(call);
      case "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum" -> Built.of(merge(call));
      case "Concatenate" -> Built.of(concatenate(call));
      case "Rescaling" -> Built.of(call.tf.math.add(call.tf.math.mul(call.input(),
          call.tf.constant((float) call.config.number("scale", 1))), call.tf.constant((float) call.config.number(
          "offset", 0))), call.inputMask());
      case "Normalization" -> Built.of(normalization(call), call.inputMask());
      case "UpSampling1D", "UpSampling2D" -> Built.of(Convolutions.upSampling(call));
      case "Cropping1D", "Cropping2D" -> Built.of(Convolutions.cropping(call));
      default -> throw call.error("is not supported");
    };
  }

  static Operand<TFloat32> activation(LayerCall call, String name, Operand<TFloat32> x) {
    if (!Activations.NAMES.contains(name)) {
      throw call.error("uses the activation '" + name + "', which this importer does not know");
    }
    return Activations.apply(call.tf, name, x, call.kerasMajor);
  }

  /** y = activation(x . kernel + bias), over the last axis of an input of any rank. */
  static Operand<TFloat32> dense(LayerCall call) {
    boolean bias = call.config.useBias();
    call.expectWeights(bias ? 2 : 1);
    Operand<TFloat32> kernel = call.variable("kernel", call.weight(0));
    Operand<TFloat32> y = matMulLast(call.tf, call.input(), kernel, call.weight(0).dim(1));
    if (bias) {
      y = call.tf.math.add(y, call.variable("bias", call.weight(1)));
    }
    return activation(call, call.config.activation("activation", "linear"), y);
  }

  /** x . w over the last axis of x (a tensordot): rank-2 inputs are a plain MatMul. */
  static Operand<TFloat32> matMulLast(Ops tf, Operand<TFloat32> x, Operand<TFloat32> w, int units) {
    int rank = x.shape().numDimensions();
    if (rank == 2) {
      return tf.linalg.matMul(x, w);
    }
    long in = x.shape().get(rank - 1);
    Operand<TFloat32> flat = tf.reshape(x, tf.constant(new long[] {-1, in}));
    Operand<TFloat32> y = tf.linalg.matMul(flat, w);
    Operand<TInt32> leading = tf.slice(tf.shape(x), tf.constant(new int[] {0}), tf.constant(new int[] {rank - 1}));
    return tf.reshape(y, tf.concat(List.of(leading, tf.constant(new int[] {units})), tf.constant(0)));
  }

  private static Operand<TFloat32> relu(LayerCall call) {
    Ops tf = call.tf;
    Operand<TFloat32> x = call.input();
    double maxValue = call.config.number("max_value", Double.NaN);
    double slope = call.config.number("negative_slope", 0);
    double threshold = call.config.number("threshold", 0);
    Operand<TFloat32> y;
    if (threshold == 0 && slope == 0) {
      y = tf.nn.relu(x);
    } else {
      // x from the threshold up, slope * (x - threshold) below it.
      Operand<TFloat32> t = tf.constant((float) threshold);
      y = tf.select(tf.math.greaterEqual(x, t), x, tf.math.mul(tf.constant((float) slope), tf.math.sub(x, t)));
    }
    return Double.isNaN(maxValue) ? y : tf.math.minimum(y, tf.constant((float) maxValue));
  }

  private static Operand<TFloat32> elu(LayerCall call) {
    Ops tf = call.tf;
    Operand<TFloat32> x = call.input();
    float alpha = (float) call.config.number("alpha", 1.0);
    return tf.select(tf.math.greater(x, tf.constant(0f)), x,
        tf.math.mul(tf.constant(alpha), tf.math.sub(tf.math.exp(x), tf.constant(1f))));
  }

  static Operand<TFloat32> softmax(Ops tf, Operand<TFloat32> x, int axis) {
    int rank = x.shape().numDimensions();
    int a = axis < 0 ? rank + axis : axis;
    if (a == rank - 1) {
      return tf.nn.softmax(x);
    }
    int[] perm = new int[rank];
    for (int i = 0; i < rank; i++) {
      perm[i] = i;
    }
    perm[a] = rank - 1;
    perm[rank - 1] = a;
    Operand<TInt32> p = tf.constant(perm);
    return tf.linalg.transpose(tf.nn.softmax(tf.linalg.transpose(x, p)), p);
  }

  private static int axis(LayerConfig config, int fallback) {
    com.fasterxml.jackson.databind.JsonNode a = config.json().get("axis");
    if (a == null || a.isNull()) {
      return fallback;
    }
    return a.isArray() ? a.get(0).asInt() : a.asInt();
  }

  /** Keras flattens channels-first data in channels-last order, so the Dense after it sees the same order. */
  private static Operand<TFloat32> flatten(LayerCall call) {
    Ops tf = call.tf;
    Operand<TFloat32> x = call.input();
    int rank = x.shape().numDimensions();
    if (call.config.channelsFirst() && rank >= 3) {
      int[] perm = new int[rank];
      perm[0] = 0;
      for (int i = 1; i < rank - 1; i++) {
        perm[i] = i + 1;
      }
      perm[rank - 1] = 1;
      x = tf.linalg.transpose(x, tf.constant(perm));
    }
    long size = 1;
    for (int i = 1; i < rank; i++) {
      size *= call.dim(x, i, "shape to flatten");
    }
    return tf.reshape(x, tf.constant(new long[] {-1, size}));
  }

  private static Operand<TFloat32> reshape(LayerCall call) {
    int[] target = call.config.ints("target_shape", call.config.json().path("target_shape").size(), 0);
    long[] shape = new long[target.length + 1];
    shape[0] = -1;
    boolean inferred = false;
    for (int i = 0; i < target.length; i++) {
      shape[i + 1] = target[i];
      inferred |= target[i] == -1;
    }
    if (inferred) {
      // One -1 inside target_shape: the batch must then be given as it is, not inferred.
      Operand<TInt32> batch = call.tf.slice(call.tf.shape(call.input()), call.ints(0), call.ints(1));
      return call.tf.reshape(call.input(), call.tf.concat(List.of(batch, call.tf.constant(target)),
          call.tf.constant(0)));
    }
    return call.tf.reshape(call.input(), call.tf.constant(shape));
  }

  private static Operand<TFloat32> permute(LayerCall call) {
    int[] dims = call.config.ints("dims", call.config.json().path("dims").size(), 0);
    int[] perm = new int[dims.length + 1];
    for (int i = 0; i < dims.length; i++) {
      perm[i + 1] = dims[i];
    }
    return call.tf.linalg.transpose(call.input(), call.tf.constant(perm));
  }

  private static Operand<TFloat32> repeatVector(LayerCall call) {
    int n = call.config.integer("n", 1);
    Ops tf = call.tf;
    Operand<TFloat32> x = tf.expandDims(call.input(), tf.constant(1));
    return tf.tile(x, tf.constant(new int[] {1, n, 1}));
  }

  /** Inference batch normalisation: gamma * (x - moving_mean) / sqrt(moving_variance + epsilon) + beta. */
  private static Operand<TFloat32> batchNormalization(LayerCall call) {
    Ops tf = call.tf;
    boolean center = call.config.bool("center", true);
    boolean scale = call.config.bool("scale", true);
    call.expectWeights(2 + (center ? 1 : 0) + (scale ? 1 : 0));
    int i = 0;
    WeightArray gamma = scale ? call.weight(i++) : null;
    WeightArray beta = center ? call.weight(i++) : null;
    WeightArray mean = call.weight(i++);
    WeightArray variance = call.weight(i);
    Operand<TFloat32> x = call.input();
    int rank = x.shape().numDimensions();
    int axis = axis(call.config, -1);
    int a = axis < 0 ? rank + axis : axis;
    long[] bshape = new long[rank];
    Arrays.fill(bshape, 1);
    bshape[a] = mean.dim(0);
    Operand<TFloat32> eps = tf.constant((float) call.config.number("epsilon", 1e-3));
    Operand<TFloat32> inv = tf.math.rsqrt(tf.math.add(broadcastable(call, "moving_variance", variance, bshape),
        eps));
    if (gamma != null) {
      inv = tf.math.mul(inv, broadcastable(call, "gamma", gamma, bshape));
    }
    Operand<TFloat32> y = tf.math.mul(tf.math.sub(x, broadcastable(call, "moving_mean", mean, bshape)), inv);
    return beta == null ? y : tf.math.add(y, broadcastable(call, "beta", beta, bshape));
  }

  private static Operand<TFloat32> broadcastable(LayerCall call, String role, WeightArray w, long[] shape) {
    Operand<TFloat32> v = call.variable(role, w);
    return shape.length == 1 ? v : call.tf.reshape(v, call.tf.constant(shape));
  }

  private static Operand<TFloat32> layerNormalization(LayerCall call) {
    Ops tf = call.tf;
    Operand<TFloat32> x = call.input();
    int rank = x.shape().numDimensions();
    com.fasterxml.jackson.databind.JsonNode axisNode = call.config.json().get("axis");
    List<Integer> axes = new ArrayList<>();
    if (axisNode == null || axisNode.isNull()) {
      axes.add(rank - 1);
    } else if (axisNode.isArray()) {
      axisNode.forEach(n -> axes.add(n.asInt() < 0 ? rank + n.asInt() : n.asInt()));
    } else {
      axes.add(axisNode.asInt() < 0 ? rank + axisNode.asInt() : axisNode.asInt());
    }
    Operand<TInt32> ax = tf.constant(axes.stream().mapToInt(Integer::intValue).toArray());
    Operand<TFloat32> mean = tf.math.mean(x, ax, org.tensorflow.op.math.Mean.keepDims(true));
    Operand<TFloat32> centered = tf.math.sub(x, mean);
    Operand<TFloat32> variance = tf.math.mean(tf.math.square(centered), ax,
        org.tensorflow.op.math.Mean.keepDims(true));
    Operand<TFloat32> y = tf.math.mul(centered, tf.math.rsqrt(tf.math.add(variance,
        tf.constant((float) call.config.number("epsilon", 1e-3)))));
    boolean scale = call.config.bool("scale", true);
    boolean center = call.config.bool("center", true);
    call.expectWeights((scale ? 1 : 0) + (center ? 1 : 0));
    long[] bshape = new long[rank];
    Arrays.fill(bshape, 1);
    for (int a : axes) {
      bshape[a] = x.shape().get(a);
    }
    int i = 0;
    if (scale) {
      y = tf.math.mul(y, tf.reshape(call.variable("gamma", call.weight(i++)), tf.constant(bshape)));
    }
    if (center) {
      y = tf.math.add(y, tf.reshape(call.variable("beta", call.weight(i)), tf.constant(bshape)));
    }
    return y;
  }

  /**
   * Feature normalisation with adapted statistics: (x - mean) / max(sqrt(variance), 1e-7), over the last axis
   * (or its inverse with {@code invert}). The statistics are the layer's weights (mean, variance, count) or, when
   * given to the constructor, lists in its config.
   */
  private static Operand<TFloat32> normalization(LayerCall call) {
    Ops tf = call.tf;
    Operand<TFloat32> x = call.input();
    com.fasterxml.jackson.databind.JsonNode axis = call.config.json().get("axis");
    int rank = x.shape().numDimensions();
    boolean lastAxis = axis == null || axis.isNull() || (axis.isInt() && (axis.asInt() == -1
        || axis.asInt() == rank - 1)) || (axis.isArray() && axis.size() == 1 && (axis.get(0).asInt() == -1
        || axis.get(0).asInt() == rank - 1));
    if (!lastAxis) {
      throw call.error("normalises over axis " + axis + "; only the last axis is imported");
    }
    long features = call.dim(x, -1, "number of features");
    WeightArray mean;
    WeightArray variance;
    if (call.weights().size() >= 2) {
      mean = call.weight(0);
      variance = call.weight(1);
    } else {
      mean = fromConfig(call, "mean", features);
      variance = fromConfig(call, "variance", features);
    }
    Operand<TFloat32> m = tf.reshape(call.variable("mean", mean), tf.constant(new long[] {features}));
    Operand<TFloat32> sd = tf.math.maximum(tf.math.sqrt(tf.reshape(call.variable("variance", variance),
        tf.constant(new long[] {features}))), tf.constant(1e-7f));
    return call.config.bool("invert", false) ? tf.math.add(tf.math.mul(x, sd), m)
        : tf.math.div(tf.math.sub(x, m), sd);
  }

  private static WeightArray fromConfig(LayerCall call, String key, long features) {
    com.fasterxml.jackson.databind.JsonNode v = call.config.json().get(key);
    if (v == null || v.isNull()) {
      throw call.error("has neither adapted statistics in the file nor a '" + key + "' in its config");
    }
    float[] values = new float[(int) features];
    for (int i = 0; i < features; i++) {
      values[i] = (float) (v.isArray() ? v.get(Math.min(i, v.size() - 1)).asDouble() : v.asDouble());
    }
    return new WeightArray(key, new int[] {(int) features}, values);
  }

  /** A table lookup; with {@code mask_zero} the index 0 is padding and masks its step. */
  private static Built embedding(LayerCall call) {
    Ops tf = call.tf;
    call.expectWeights(1);
    Operand<TInt32> ids = tf.dtypes.cast(call.inputs.get(0), TInt32.class);
    Operand<TFloat32> table = call.variable("embeddings", call.weight(0));
    Operand<TFloat32> y = tf.gather(table, ids, tf.constant(0));
    Operand<TBool> mask = call.config.bool("mask_zero", false) ? tf.math.notEqual(ids, tf.constant(0)) : null;
    return Built.of(y, mask);
  }

  /** Zeroes the steps whose features all equal {@code mask_value}, and masks them for the layers after. */
  private static Built masking(LayerCall call) {
    Ops tf = call.tf;
    Operand<TFloat32> x = call.input();
    Operand<TFloat32> value = tf.constant((float) call.config.number("mask_value", 0.0));
    Operand<TBool> keep = tf.any(tf.math.notEqual(x, value), tf.constant(-1));
    Operand<TFloat32> y = tf.math.mul(x, tf.dtypes.cast(tf.expandDims(keep, tf.constant(-1)), TFloat32.class));
    return Built.of(y, keep);
  }

  /** The wrapped layer applied to each step: steps folded into the batch, the layer built once, unfolded. */
  private static Built timeDistributed(LayerCall call) {
    Ops tf = call.tf;
    Operand<TFloat32> x = call.input();
    int rank = x.shape().numDimensions();
    long steps = call.dim(x, 1, "number of steps");
    long[] folded = new long[rank - 1];
    folded[0] = -1;
    for (int i = 2; i < rank; i++) {
      folded[i - 1] = call.dim(x, i, "step shape");
    }
    Operand<TFloat32> inner = tf.reshape(x, tf.constant(folded));
    LayerCall innerCall = call.wrapped("layer", List.of(inner), List.of(), call.weights());
    Operand<TFloat32> y = build(innerCall).outputs().get(0);
    Shape ys = y.shape();
    long[] unfolded = new long[ys.numDimensions() + 1];
    unfolded[0] = -1;
    unfolded[1] = steps;
    for (int i = 1; i < ys.numDimensions(); i++) {
      unfolded[i + 1] = ys.get(i);
    }
    return Built.of(tf.reshape(y, tf.constant(unfolded)), call.inputMask());
  }

  private static Operand<TFloat32> merge(LayerCall call) {
    Ops tf = call.tf;
    List<Operand<TFloat32>> xs = new ArrayList<>();
    for (int i = 0; i < call.inputs.size(); i++) {
      xs.add(call.input(i));
    }
    if (xs.size() < 2 && !call.layer.className().equals("Add")) {
      throw call.error("needs at least two inputs");
    }
    Operand<TFloat32> y = xs.get(0);
    for (int i = 1; i < xs.size(); i++) {
      Operand<TFloat32> b = xs.get(i);
      y = switch (call.layer.className()) {
        case "Add", "Average" -> tf.math.add(y, b);
        case "Subtract" -> tf.math.sub(y, b);
        case "Multiply" -> tf.math.mul(y, b);
        case "Maximum" -> tf.math.maximum(y, b);
        case "Minimum" -> tf.math.minimum(y, b);
        default -> throw call.error("is not a merge layer");
      };
    }
    if (call.layer.className().equals("Subtract") && xs.size() != 2) {
      throw call.error("needs exactly two inputs");
    }
    return call.layer.className().equals("Average") ? tf.math.div(y, tf.constant((float) xs.size())) : y;
  }

  private static Operand<TFloat32> concatenate(LayerCall call) {
    List<Operand<TFloat32>> xs = new ArrayList<>();
    for (int i = 0; i < call.inputs.size(); i++) {
      xs.add(call.input(i));
    }
    int axis = axis(call.config, -1);
    if (axis == -1 && call.config.has("concat_axis")) {
      axis = call.config.integer("concat_axis", -1);
    }
    int rank = xs.get(0).shape().numDimensions();
    return call.tf.concat(xs, call.tf.constant(axis < 0 ? rank + axis : axis));
  }
}
