package org.introdl.xray.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.introdl.core.tf.Convolution;
import org.introdl.core.tf.ConvolutionPlan;
import org.introdl.core.tf.GlorotUniform;
import org.introdl.xray.data.XrayDataset;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The lab's {@code PneumothoraxDetectionModel} ({@code lab2/util/models.py}), layer for layer:
 * per-image standardisation, four blocks {@code a = relu(conv(x)); b = relu(conv(a)); skip = maxpool2x2(a + b)} with
 * 5x5x64, 5x5x128, 3x3x256 and 3x3x512 kernels (SAME padding), global average pooling of the last skip, a dense
 * layer to 2 logits and a softmax. Variables carry the names TF 1.4's {@code tf.layers} gave them
 * ({@code conv2d/kernel}, {@code conv2d/bias}, {@code conv2d_1/kernel}, ..., {@code conv2d_7/bias},
 * {@code dense/kernel}, {@code dense/bias}), so a checkpoint written by the Python lab restores into it.
 */
public final class PneumothoraxDetectionModel {
  /** No pneumothorax / pneumothorax. */
  public static final int CLASSES = 2;
  /** (kernel side, filters) of the four blocks; each block has two convolutions. */
  static final int[][] BLOCKS = {{5, 64}, {5, 128}, {3, 256}, {3, 512}};

  private final Placeholder<TFloat32> images;
  private final Operand<TFloat32> standardized;
  private final List<Operand<TFloat32>> skips;
  private final Operand<TFloat32> globalAveragePool;
  private final Operand<TFloat32> logits;
  private final Operand<TFloat32> probabilities;
  private final Operand<TInt64> prediction;
  private final Map<String, Variable<TFloat32>> variables;
  private final int imageSize;

  private PneumothoraxDetectionModel(Builder b) {
    this.images = b.images;
    this.standardized = b.standardized;
    this.skips = Collections.unmodifiableList(b.skips);
    this.globalAveragePool = b.gap;
    this.logits = b.logits;
    this.probabilities = b.probabilities;
    this.prediction = b.prediction;
    this.variables = Collections.unmodifiableMap(b.variables);
    this.imageSize = b.imageSize;
  }

  /**
   * Builds the model for {@code imageSize} x {@code imageSize} x 1 images (values 0-255 or anything else: the
   * standardisation removes scale). Kernels start Glorot-uniform from {@code seed}, biases at zero, as in TF1. The
   * convolutions are {@code Conv2D}, as {@code tf.layers.conv2d} builds them.
   */
  public static PneumothoraxDetectionModel build(Ops tf, int imageSize, long seed) {
    return build(tf, imageSize, seed, ConvolutionPlan.fixed(Convolution.Kernel.CONV2D));
  }

  /**
   * As {@link #build(Ops, int, long)}, each convolution on the kernel {@code convolutions} picks for its shape (the
   * numbers are the same to float rounding, the speed is not).
   */
  public static PneumothoraxDetectionModel build(Ops tf, int imageSize, long seed, ConvolutionPlan convolutions) {
    if (imageSize < 16 || imageSize % 16 != 0) {
      throw new IllegalArgumentException("image size must be a multiple of 16 (four 2x2 pools), got " + imageSize);
    }
    Builder b = new Builder(tf, imageSize, seed, convolutions);
    b.images = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, imageSize, imageSize, 1)));
    b.standardized = perImageStandardization(tf, b.images);
    Operand<TFloat32> x = b.standardized;
    List<ConvolutionPlan.Layer> layers = convolutionLayers(imageSize);
    for (int block = 0; block < BLOCKS.length; block++) {
      Operand<TFloat32> a = b.conv(x, layers.get(2 * block));
      Operand<TFloat32> c = b.conv(a, layers.get(2 * block + 1));
      Operand<TFloat32> skip = maxPool2x2(tf, tf.math.add(a, c));
      b.skips.add(skip);
      x = skip;
    }
    int channels = BLOCKS[BLOCKS.length - 1][1];
    b.gap = tf.math.mean(x, tf.constant(new int[] {1, 2}));
    b.logits = b.dense(b.gap, channels, CLASSES);
    b.probabilities = tf.nn.softmax(b.logits);
    b.prediction = tf.math.argMax(b.probabilities, tf.constant(1), TInt64.class);
    return new PneumothoraxDetectionModel(b);
  }

  /** The eight convolutions in order: two per block, each block's input halved by the pool before it. */
  public static List<ConvolutionPlan.Layer> convolutionLayers(int imageSize) {
    List<ConvolutionPlan.Layer> layers = new ArrayList<>();
    int channels = 1;
    int side = imageSize;
    for (int[] block : BLOCKS) {
      layers.add(new ConvolutionPlan.Layer(side, side, channels, block[1], block[0]));
      layers.add(new ConvolutionPlan.Layer(side, side, block[1], block[1], block[0]));
      channels = block[1];
      side /= 2;
    }
    return layers;
  }

  /**
   * TF1's {@code tf.image.per_image_standardization} on a batch: {@code (x - mean) / max(stddev, 1/sqrt(numel))},
   * with {@code stddev = sqrt(relu(mean(x^2) - mean^2))}, each image on its own (the lab maps it over the batch).
   */
  public static Operand<TFloat32> perImageStandardization(Ops tf, Operand<TFloat32> images) {
    Operand<org.tensorflow.types.TInt32> axes = tf.constant(new int[] {1, 2, 3});
    var keep = org.tensorflow.op.math.Mean.keepDims(true);
    Operand<TFloat32> mean = tf.math.mean(images, axes, keep);
    Operand<TFloat32> meanOfSquares = tf.math.mean(tf.math.square(images), axes, keep);
    Operand<TFloat32> variance = tf.nn.relu(tf.math.sub(meanOfSquares, tf.math.square(mean)));
    Operand<TFloat32> stddev = tf.math.sqrt(variance);
    Operand<TFloat32> numel = tf.dtypes.cast(
        tf.reduceProd(tf.slice(tf.shape(images), tf.constant(new int[] {1}), tf.constant(new int[] {3})), tf.constant(0)),
        TFloat32.class);
    Operand<TFloat32> minStddev = tf.math.rsqrt(numel);
    return tf.math.div(tf.math.sub(images, mean), tf.math.maximum(stddev, minStddev));
  }

  static Operand<TFloat32> maxPool2x2(Ops tf, Operand<TFloat32> x) {
    Operand<org.tensorflow.types.TInt32> window = tf.constant(new int[] {1, 2, 2, 1});
    return tf.nn.maxPool(x, window, window, "VALID");
  }

  /** Builds layers and names them like TF 1.4's {@code tf.layers}: conv2d, conv2d_1, ..., dense. */
  private static final class Builder {
    final Ops tf;
    final int imageSize;
    final long seed;
    final ConvolutionPlan convolutions;
    final Map<String, Variable<TFloat32>> variables = new LinkedHashMap<>();
    final List<Operand<TFloat32>> skips = new ArrayList<>();
    Placeholder<TFloat32> images;
    Operand<TFloat32> standardized;
    Operand<TFloat32> gap;
    Operand<TFloat32> logits;
    Operand<TFloat32> probabilities;
    Operand<TInt64> prediction;
    int convCount;

    Builder(Ops tf, int imageSize, long seed, ConvolutionPlan convolutions) {
      this.tf = tf;
      this.imageSize = imageSize;
      this.seed = seed;
      this.convolutions = convolutions;
    }

    Operand<TFloat32> conv(Operand<TFloat32> x, ConvolutionPlan.Layer shape) {
      int k = shape.side();
      int in = shape.in();
      int out = shape.out();
      String scope = convCount == 0 ? "conv2d" : "conv2d_" + convCount;
      convCount++;
      Ops layer = tf.withSubScope(scope);
      Variable<TFloat32> kernel = variable(layer, scope, "kernel", glorotUniform(layer, Shape.of(k, k, in, out), k * k * in, k * k * out));
      Variable<TFloat32> bias = variable(layer, scope, "bias", layer.zeros(layer.constant(new long[] {out}), TFloat32.class));
      Operand<TFloat32> conv = Convolution.conv2d(layer, x, layer.identity(kernel), List.of(1L, 1L, 1L, 1L), "SAME",
          convolutions.kernelFor(shape));
      return layer.nn.relu(layer.nn.biasAdd(conv, layer.identity(bias)));
    }

    Operand<TFloat32> dense(Operand<TFloat32> x, int in, int out) {
      Ops layer = tf.withSubScope("dense");
      Variable<TFloat32> kernel = variable(layer, "dense", "kernel", glorotUniform(layer, Shape.of(in, out), in, out));
      Variable<TFloat32> bias = variable(layer, "dense", "bias", layer.zeros(layer.constant(new long[] {out}), TFloat32.class));
      return layer.nn.biasAdd(layer.linalg.matMul(x, layer.identity(kernel)), layer.identity(bias));
    }

    Variable<TFloat32> variable(Ops layer, String scope, String name, Operand<TFloat32> init) {
      Variable<TFloat32> v = layer.withName(name).variable(init);
      String expected = scope + "/" + name;
      if (!v.op().name().equals(expected)) {
        throw new IllegalStateException("variable named " + v.op().name() + " instead of " + expected
            + ": build the model in a fresh graph (or one without these names)");
      }
      variables.put(expected, v);
      return v;
    }

    /** TF1's {@code glorot_uniform_initializer}, each variable its own draw from the model's seed. */
    Operand<TFloat32> glorotUniform(Ops layer, Shape shape, long fanIn, long fanOut) {
      return GlorotUniform.of(layer, shape, fanIn, fanOut, seed, variables.size() + 1L);
    }
  }

  /** P(pneumothorax) of every image of {@code data} (at this model's size), run in batches of {@code batch}. */
  public float[] pneumothoraxProbabilities(Session session, XrayDataset data, int batch) {
    float[] p = new float[data.count()];
    for (int first = 0; first < data.count(); first += batch) {
      int n = Math.min(batch, data.count() - first);
      try (TFloat32 x = ImageTensors.images(data.pixels(), first, n, data.size());
          Result r = session.runner().feed(images, x).fetch(probabilities).run()) {
        float[] probs = ImageTensors.floats(r.get(0));
        for (int i = 0; i < n; i++) {
          p[first + i] = probs[CLASSES * i + XrayDataset.PNEUMOTHORAX];
        }
      }
    }
    return p;
  }

  public Placeholder<TFloat32> images() {
    return images;
  }

  public Operand<TFloat32> standardized() {
    return standardized;
  }

  /** {@code skip1..skip4}; the last is the CAM feature map (S/16 x S/16 x 512). */
  public List<Operand<TFloat32>> skips() {
    return skips;
  }

  public Operand<TFloat32> featureMaps() {
    return skips.get(skips.size() - 1);
  }

  public Operand<TFloat32> globalAveragePool() {
    return globalAveragePool;
  }

  public Operand<TFloat32> logits() {
    return logits;
  }

  public Operand<TFloat32> probabilities() {
    return probabilities;
  }

  public Operand<TInt64> prediction() {
    return prediction;
  }

  /** The 18 trainable variables in the Python lab's order, by checkpoint name. */
  public Map<String, Variable<TFloat32>> variables() {
    return variables;
  }

  public List<Variable<TFloat32>> variableList() {
    return new ArrayList<>(variables.values());
  }

  public Variable<TFloat32> denseKernel() {
    return variables.get("dense/kernel");
  }

  public int imageSize() {
    return imageSize;
  }

  /** Side of the CAM feature map: four 2x2 pools. */
  public int featureMapSize() {
    return imageSize / 16;
  }
}
