package org.introdl.xray.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.introdl.core.optim.Momentum;
import org.introdl.core.optim.Tf1Adam;
import org.tensorflow.Output;
import org.tensorflow.op.core.Variable;
import java.io.PrintStream;
import org.introdl.core.tf.Convolution;
import org.introdl.core.tf.ConvolutionPlan;
import org.introdl.core.tf.MeasuredConvolutions;
import org.introdl.xray.data.XrayDataset;
import org.introdl.xray.model.PneumothoraxDetectionModel;
import org.introdl.xray.model.ImageTensors;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * The lab's training graph, built once and run in one session: the model ({@link PneumothoraxDetectionModel}), the
 * labels placeholder, the loss (mean softmax cross-entropy) and the Nesterov momentum update. All variables
 * (optimizer slots included) exist before the first save, so every checkpoint holds the same keys as the Python
 * lab's. Inference (evaluation, CAMs) restores into {@link org.introdl.xray.model.TrainedModel} instead: no
 * optimizer there.
 */
public final class XrayTrainingGraph implements AutoCloseable {
  private final Config config;
  private final Graph graph;
  private final Ops tf;
  private final Session session;
  private final PneumothoraxDetectionModel model;
  private final Placeholder<TFloat32> labels;
  private final Operand<TFloat32> learningRate;
  private final Operand<TFloat32> loss;
  private final org.tensorflow.op.Op update;

  /**
   * The settings of a run plus how the graph runs: session threads (0 = TF's default) and the convolution kernel of
   * each layer (same numbers to float rounding, not the same speed).
   */
  public record Config(XraySettings settings, int intraOpThreads, int interOpThreads, ConvolutionPlan convolutions) {
    /** The lab's graph as Python builds it: {@code Conv2D}, TF's default threads. */
    public static Config of(XraySettings settings) {
      return new Config(settings, 0, 0, ConvolutionPlan.fixed(Convolution.Kernel.CONV2D));
    }

    /**
     * The fastest form on this machine: each layer on the kernel measured fastest at the training batch (measured
     * the first time, saying so on {@code progress}), all cores for each op, one op at a time (the CNN is a chain).
     */
    public static Config forThisMachine(XraySettings settings, PrintStream progress) {
      return new Config(settings, Runtime.getRuntime().availableProcessors(), 1,
          MeasuredConvolutions.forThisMachine(settings.batch(), progress));
    }

    float learningRate() {
      return settings.lr();
    }
  }

  public XrayTrainingGraph(XraySettings settings) {
    this(Config.of(settings));
  }

  public XrayTrainingGraph(Config config) {
    this.config = config;
    graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      this.tf = tf;
      XraySettings s = config.settings();
      model = PneumothoraxDetectionModel.build(tf, s.imageSize(), s.seed(), config.convolutions());
      labels = tf.placeholder(TFloat32.class);
      loss = tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(model.logits(), labels).loss(), tf.constant(0));
      learningRate = tf.placeholderWithDefault(tf.constant(config.learningRate()), Shape.scalar());
      update = optimizerUpdate(tf, s, model.variableList(), loss, learningRate);
      session = new Session(graph, sessionConfig(config));
      session.initialize();
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /**
   * The update of {@code variables} against {@code loss}: the gradients, clipped to a global norm of
   * {@code clipNorm} where it is set (TF1's {@code clip_by_global_norm}), applied by the lab's momentum (slots
   * {@code <var>/Momentum}) or by TF1's Adam (slots {@code <var>/Adam}, {@code <var>/Adam_1}).
   */
  static org.tensorflow.op.Op optimizerUpdate(Ops tf, XraySettings s, List<Variable<TFloat32>> variables,
      Operand<TFloat32> loss, Operand<TFloat32> learningRate) {
    Output<?>[] xs = variables.stream().map(Operand::asOutput).toArray(Output<?>[]::new);
    List<Operand<TFloat32>> grads = new ArrayList<>();
    for (Output<?> g : ((Graph) tf.scope().env()).addGradients(loss.asOutput(), xs)) {
      @SuppressWarnings("unchecked")
      Operand<TFloat32> grad = (Operand<TFloat32>) g;
      grads.add(grad);
    }
    if (s.clipNorm() > 0) {
      grads = clipByGlobalNorm(tf, grads, s.clipNorm());
    }
    if (s.optimizer() == XraySettings.Optimizer.ADAM) {
      List<Tf1Adam.Trainable> trainables = variables.stream().map(Tf1Adam.Trainable::of).toList();
      return new Tf1Adam(s.lr()).applyGradients(tf, grads, trainables, learningRate).train();
    }
    return Momentum.apply(tf, grads, variables, learningRate, s.momentum(), s.nesterov()).update();
  }

  /** {@code g * clip / max(norm, clip)} with {@code norm} the L2 norm of all gradients together. */
  static List<Operand<TFloat32>> clipByGlobalNorm(Ops tf, List<Operand<TFloat32>> grads, float clip) {
    Operand<TFloat32> sumOfSquares = null;
    for (Operand<TFloat32> g : grads) {
      Operand<TFloat32> squares = tf.reduceSum(tf.math.square(g), tf.range(tf.constant(0), tf.rank(g), tf.constant(1)));
      sumOfSquares = sumOfSquares == null ? squares : tf.math.add(sumOfSquares, squares);
    }
    Operand<TFloat32> limit = tf.constant(clip);
    Operand<TFloat32> scale = tf.math.div(limit, tf.math.maximum(tf.math.sqrt(sumOfSquares), limit));
    return grads.stream().<Operand<TFloat32>>map(g -> tf.math.mul(g, scale)).toList();
  }

  static ConfigProto sessionConfig(Config config) {
    ConfigProto.Builder b = ConfigProto.newBuilder();
    if (config.intraOpThreads() > 0) {
      b.setIntraOpParallelismThreads(config.intraOpThreads());
    }
    if (config.interOpThreads() > 0) {
      b.setInterOpParallelismThreads(config.interOpThreads());
    }
    return b.build();
  }

  /** The batch's loss and accuracy, both before the update. */
  public record StepResult(float loss, float accuracy) {}

  /** One training step at the configured learning rate. */
  public StepResult trainStep(XrayDataset data, int[] batch) {
    return trainStep(data, batch, config.learningRate());
  }

  /** One training step on the images at {@code batch} at learning rate {@code lr}. */
  public StepResult trainStep(XrayDataset data, int[] batch, float lr) {
    return trainStep(data.select(batch), lr);
  }

  /** One training step on the images of {@code b} at learning rate {@code lr}. */
  public StepResult trainStep(XrayDataset b, float lr) {
    try (TFloat32 x = ImageTensors.images(b.pixels(), 0, b.count(), b.size());
        TFloat32 y = ImageTensors.oneHot(b.labels(), 0, b.count());
        TFloat32 rate = TFloat32.scalarOf(lr);
        Result r = session.runner().feed(learningRate, rate).feed(model.images(), x).feed(labels, y)
            .fetch(loss).fetch(model.probabilities()).addTarget(update).run()) {
      float[] p = ImageTensors.floats(r.get(1));
      int right = 0;
      for (int i = 0; i < b.count(); i++) {
        int predicted = p[2 * i + XrayDataset.PNEUMOTHORAX] > p[2 * i] ? XrayDataset.PNEUMOTHORAX : 0;
        right += predicted == b.labels()[i] ? 1 : 0;
      }
      return new StepResult(((TFloat32) r.get(0)).getFloat(), (float) right / b.count());
    }
  }

  /** P(pneumothorax) of every image, in batches of {@code batch}. */
  public float[] probabilities(XrayDataset data, int batch) {
    return model.pneumothoraxProbabilities(session, data, batch);
  }

  /** Current values of a variable by its checkpoint name. */
  public float[] variable(String name) {
    try (Result r = session.runner().fetch(model.variables().get(name)).run()) {
      return ImageTensors.floats(r.get(0));
    }
  }

  /** Writes a TF checkpoint (V2) at {@code prefix}: the 18 variables and their 18 momentum slots. */
  public void save(Path prefix) {
    session.save(prefix.toString());
  }

  public Session session() {
    return session;
  }

  public Graph graph() {
    return graph;
  }

  public PneumothoraxDetectionModel model() {
    return model;
  }

  public Placeholder<TFloat32> labels() {
    return labels;
  }

  /** The optimizer's update (run as a target). */
  public org.tensorflow.op.Op trainOp() {
    return update;
  }

  public Operand<TFloat32> loss() {
    return loss;
  }

  /** The graph's op builder, for heads added beside the model (a CAM, in tests and the bench). */
  public Ops ops() {
    return tf;
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
