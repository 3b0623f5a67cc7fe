package org.introdl.keras;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Convolution, pooling and padding layers, 1-D and 2-D. TensorFlow's CPU kernels take channels-last data only, so
 * a channels-first layer transposes its input to NHWC and its output back. A 1-D layer is its 2-D twin on a
 * height of 1. Kernels trained by Theano are flipped (Theano convolves, TensorFlow correlates).
 */
final class Convolutions {
  private Convolutions() {}

  static Operand<TFloat32> convolution(LayerCall call) {
    Ops tf = call.tf;
    String c = call.layer.className();
    boolean oneD = c.contains("1D");
    boolean depthwise = c.equals("DepthwiseConv2D");
    boolean separable = c.equals("SeparableConv2D");
    boolean channelsFirst = call.config.channelsFirst();
    int n = oneD ? 1 : 2;
    int[] strides = call.config.strides(n);
    int[] dilation = call.config.dilation(n);
    String padding = call.config.padding();
    if (call.config.integer("groups", 1) != 1) {
      throw call.error("uses grouped convolution (groups=" + call.config.integer("groups", 1)
          + "), which this importer does not build");
    }
    boolean bias = call.config.useBias();
    int kernels = separable ? 2 : 1;
    call.expectWeights(kernels + (bias ? 1 : 0));
    Operand<TFloat32> x = toChannelsLast(tf, call.input(), channelsFirst);
    if (oneD && padding.equals("causal")) {
      int left = dilation[0] * (call.weight(0).dim(0) - 1);
      x = tf.pad(x, tf.constant(new int[][] {{0, 0}, {left, 0}, {0, 0}}), tf.constant(0f));
      padding = "valid";
    }
    if (oneD) {
      x = tf.expandDims(x, tf.constant(1));
    }
    List<Long> strides4 = List.of(1L, oneD ? 1L : strides[0], (long) strides[oneD ? 0 : 1], 1L);
    List<Long> dilations4 = List.of(1L, oneD ? 1L : dilation[0], (long) dilation[oneD ? 0 : 1], 1L);
    String tfPadding = padding.toUpperCase(java.util.Locale.ROOT);
    if (!tfPadding.equals("VALID") && !tfPadding.equals("SAME")) {
      throw call.error("uses padding '" + padding + "'");
    }
    Operand<TFloat32> y;
    if (depthwise || separable) {
      Operand<TFloat32> dk = call.variable("depthwise_kernel",
          kernel(call, call.weight(0), oneD));
      y = tf.nn.depthwiseConv2dNative(x, dk, strides4, tfPadding,
          org.tensorflow.op.nn.DepthwiseConv2dNative.dilations(dilations4));
      if (separable) {
        Operand<TFloat32> pk = call.variable("pointwise_kernel", call.weight(1));
        y = tf.nn.conv2d(y, pk, List.of(1L, 1L, 1L, 1L), "VALID");
      }
    } else {
      Operand<TFloat32> k = call.variable("kernel", kernel(call, call.weight(0), oneD));
      y = tf.nn.conv2d(x, k, strides4, tfPadding, org.tensorflow.op.nn.Conv2d.dilations(dilations4));
    }
    if (bias) {
      y = tf.nn.biasAdd(y, call.variable("bias", call.weight(kernels)));
    }
    if (oneD) {
      y = tf.squeeze(y, org.tensorflow.op.core.Squeeze.axis(List.of(1L)));
    }
    y = Layers.activation(call, call.config.activation("activation", "linear"), y);
    return toChannelsFirst(tf, y, channelsFirst);
  }

  /**
   * Conv2DTranspose (the gradient of a convolution with respect to its input): kernel [rows, cols, out, in], output
   * (in - 1) * stride + kernel rows for valid padding, in * stride for same. Dilation and output_padding are refused.
   */
  static Operand<TFloat32> transposed(LayerCall call) {
    Ops tf = call.tf;
    boolean channelsFirst = call.config.channelsFirst();
    int[] strides = call.config.strides(2);
    String padding = call.config.padding().toUpperCase(java.util.Locale.ROOT);
    int[] dilation = call.config.dilation(2);
    com.fasterxml.jackson.databind.JsonNode outputPadding = call.config.json().get("output_padding");
    if (dilation[0] != 1 || dilation[1] != 1 || (outputPadding != null && !outputPadding.isNull())) {
      throw call.error("uses dilation or output_padding, which this importer does not build for Conv2DTranspose");
    }
    boolean bias = call.config.useBias();
    call.expectWeights(bias ? 2 : 1);
    WeightArray k = call.weight(0);
    Operand<TFloat32> x = toChannelsLast(tf, call.input(), channelsFirst);
    long h = call.dim(x, 1, "height");
    long w = call.dim(x, 2, "width");
    long outH = padding.equals("SAME") ? h * strides[0] : (h - 1) * strides[0] + k.dim(0);
    long outW = padding.equals("SAME") ? w * strides[1] : (w - 1) * strides[1] + k.dim(1);
    Operand<org.tensorflow.types.TInt32> batch = tf.slice(tf.shape(x), tf.constant(new int[] {0}),
        tf.constant(new int[] {1}));
    Operand<org.tensorflow.types.TInt32> outShape = tf.concat(List.of(batch,
        tf.constant(new int[] {(int) outH, (int) outW, k.dim(2)})), tf.constant(0));
    Operand<TFloat32> y = tf.nn.conv2dBackpropInput(outShape, call.variable("kernel", k), x,
        List.of(1L, (long) strides[0], (long) strides[1], 1L), padding);
    if (bias) {
      y = tf.nn.biasAdd(y, call.variable("bias", call.weight(1)));
    }
    y = Layers.activation(call, call.config.activation("activation", "linear"), y);
    return toChannelsFirst(tf, y, channelsFirst);
  }

  /**
   * The kernel in TensorFlow's layout [rows, cols, in, out]. Keras 1 with {@code dim_ordering "th"} stored
   * [out, in, rows, cols]; Theano-trained kernels are flipped in both spatial axes; 1-D kernels get a row axis.
   */
  private static WeightArray kernel(LayerCall call, WeightArray w, boolean oneD) {
    WeightArray k = w;
    if (call.kerasMajor == 1 && call.config.channelsFirst() && k.rank() == 4) {
      k = k.transpose(2, 3, 1, 0);
    }
    if ("theano".equals(call.backend)) {
      k = k.flipSpatial(oneD ? 1 : 2);
    }
    if (oneD && k.rank() == 3) {
      k = k.reshape(1, k.dim(0), k.dim(1), k.dim(2));
    }
    return k;
  }

  static Operand<TFloat32> pooling(LayerCall call) {
    Ops tf = call.tf;
    String c = call.layer.className();
    boolean oneD = c.contains("1D");
    boolean max = c.startsWith("Max");
    boolean channelsFirst = call.config.channelsFirst();
    int n = oneD ? 1 : 2;
    int[] pool = call.config.has("pool_size") ? call.config.ints("pool_size", n, 2)
        : call.config.ints("pool_length", n, 2);
    int[] strides = call.config.has("strides") && !call.config.json().get("strides").isNull()
        ? call.config.ints("strides", n, 1) : call.config.has("stride") ? call.config.ints("stride", n, 1) : pool;
    String padding = call.config.padding().toUpperCase(java.util.Locale.ROOT);
    Operand<TFloat32> x = toChannelsLast(tf, call.input(), channelsFirst);
    if (oneD) {
      x = tf.expandDims(x, tf.constant(1));
    }
    List<Long> k4 = List.of(1L, oneD ? 1L : pool[0], (long) pool[oneD ? 0 : 1], 1L);
    List<Long> s4 = List.of(1L, oneD ? 1L : strides[0], (long) strides[oneD ? 0 : 1], 1L);
    Operand<TFloat32> y = max
        ? tf.nn.maxPool(x, tf.constant(k4.stream().mapToInt(Long::intValue).toArray()),
            tf.constant(s4.stream().mapToInt(Long::intValue).toArray()), padding)
        : tf.nn.avgPool(x, k4, s4, padding);
    if (oneD) {
      y = tf.squeeze(y, org.tensorflow.op.core.Squeeze.axis(List.of(1L)));
    }
    return toChannelsFirst(tf, y, channelsFirst);
  }

  static Operand<TFloat32> globalPooling(LayerCall call) {
    Ops tf = call.tf;
    String c = call.layer.className();
    boolean oneD = c.contains("1D");
    boolean channelsFirst = call.config.channelsFirst();
    int[] axes = oneD ? (channelsFirst ? new int[] {2} : new int[] {1})
        : (channelsFirst ? new int[] {2, 3} : new int[] {1, 2});
    boolean keep = call.config.bool("keepdims", false);
    Operand<TFloat32> x = call.input();
    return c.contains("Max")
        ? tf.max(x, tf.constant(axes), org.tensorflow.op.core.Max.keepDims(keep))
        : tf.math.mean(x, tf.constant(axes), org.tensorflow.op.math.Mean.keepDims(keep));
  }

  static Operand<TFloat32> zeroPadding(LayerCall call) {
    Ops tf = call.tf;
    boolean oneD = call.layer.className().contains("1D");
    com.fasterxml.jackson.databind.JsonNode p = call.config.json().get("padding");
    int[][] pads;
    if (oneD) {
      int[] lr = p == null ? new int[] {1, 1} : p.isNumber() ? new int[] {p.asInt(), p.asInt()}
          : new int[] {p.get(0).asInt(), p.get(1).asInt()};
      pads = call.config.channelsFirst() ? new int[][] {{0, 0}, {0, 0}, lr} : new int[][] {{0, 0}, lr, {0, 0}};
    } else {
      int[] rows;
      int[] cols;
      if (p == null || p.isNumber()) {
        int v = p == null ? 1 : p.asInt();
        rows = new int[] {v, v};
        cols = new int[] {v, v};
      } else if (p.get(0).isNumber()) {
        rows = new int[] {p.get(0).asInt(), p.get(0).asInt()};
        cols = new int[] {p.get(1).asInt(), p.get(1).asInt()};
      } else {
        rows = new int[] {p.get(0).get(0).asInt(), p.get(0).get(1).asInt()};
        cols = new int[] {p.get(1).get(0).asInt(), p.get(1).get(1).asInt()};
      }
      pads = call.config.channelsFirst() ? new int[][] {{0, 0}, {0, 0}, rows, cols}
          : new int[][] {{0, 0}, rows, cols, {0, 0}};
    }
    return tf.pad(call.input(), tf.constant(pads), tf.constant(0f));
  }

  /** Nearest-neighbour up-sampling: each row (and column) repeated {@code size} times, by tiling. */
  static Operand<TFloat32> upSampling(LayerCall call) {
    Ops tf = call.tf;
    boolean oneD = call.layer.className().contains("1D");
    if (!call.config.string("interpolation", "nearest").equals("nearest")) {
      throw call.error("uses " + call.config.string("interpolation", "") + " interpolation; only nearest is imported");
    }
    boolean channelsFirst = call.config.channelsFirst();
    Operand<TFloat32> x = toChannelsLast(tf, call.input(), channelsFirst);
    int[] size = oneD ? new int[] {1, call.config.integer("size", 2)} : call.config.ints("size", 2, 2);
    if (oneD) {
      x = tf.expandDims(x, tf.constant(1));
    }
    long h = call.dim(x, 1, "height");
    long w = call.dim(x, 2, "width");
    long c = call.dim(x, 3, "number of channels");
    // [n, h, w, c] -> [n, h, 1, w, 1, c] -> tiled [n, h, sh, w, sw, c] -> [n, h*sh, w*sw, c]
    Operand<TFloat32> y = tf.reshape(x, tf.constant(new long[] {-1, h, 1, w, 1, c}));
    y = tf.tile(y, tf.constant(new int[] {1, 1, size[0], 1, size[1], 1}));
    y = tf.reshape(y, tf.constant(new long[] {-1, h * size[0], w * size[1], c}));
    if (oneD) {
      y = tf.squeeze(y, org.tensorflow.op.core.Squeeze.axis(List.of(1L)));
    }
    return toChannelsFirst(tf, y, channelsFirst);
  }

  /** Cropping: a slice that drops the given rows (and columns) at each end. */
  static Operand<TFloat32> cropping(LayerCall call) {
    Ops tf = call.tf;
    boolean oneD = call.layer.className().contains("1D");
    boolean channelsFirst = call.config.channelsFirst();
    Operand<TFloat32> x = toChannelsLast(tf, call.input(), channelsFirst);
    com.fasterxml.jackson.databind.JsonNode p = call.config.json().get("cropping");
    int[][] crops = oneD ? new int[][] {pair(p, 1)} : p != null && p.isArray() && p.size() == 2
        ? new int[][] {pair(p.get(0), 0), pair(p.get(1), 0)} : new int[][] {pair(p, 0), pair(p, 0)};
    int rank = x.shape().numDimensions();
    long[] begin = new long[rank];
    long[] size = new long[rank];
    java.util.Arrays.fill(size, -1);
    for (int a = 0; a < crops.length; a++) {
      long d = call.dim(x, a + 1, "size to crop");
      begin[a + 1] = crops[a][0];
      size[a + 1] = d - crops[a][0] - crops[a][1];
      if (size[a + 1] <= 0) {
        throw call.error("crops away the whole axis " + (a + 1) + " of size " + d);
      }
    }
    return toChannelsFirst(tf, tf.slice(x, tf.constant(begin), tf.constant(size)), channelsFirst);
  }

  /** A crop for one axis: an int (both ends) or a pair; {@code fallback} when absent. */
  private static int[] pair(com.fasterxml.jackson.databind.JsonNode p, int fallback) {
    if (p == null || p.isNull()) {
      return new int[] {fallback, fallback};
    }
    return p.isNumber() ? new int[] {p.asInt(), p.asInt()} : new int[] {p.get(0).asInt(), p.get(1).asInt()};
  }

  private static Operand<TFloat32> toChannelsLast(Ops tf, Operand<TFloat32> x, boolean channelsFirst) {
    if (!channelsFirst) {
      return x;
    }
    int rank = x.shape().numDimensions();
    return tf.linalg.transpose(x, tf.constant(rank == 3 ? new int[] {0, 2, 1} : new int[] {0, 2, 3, 1}));
  }

  private static Operand<TFloat32> toChannelsFirst(Ops tf, Operand<TFloat32> x, boolean channelsFirst) {
    if (!channelsFirst) {
      return x;
    }
    int rank = x.shape().numDimensions();
    return tf.linalg.transpose(x, tf.constant(rank == 3 ? new int[] {0, 2, 1} : new int[] {0, 3, 1, 2}));
  }
}
