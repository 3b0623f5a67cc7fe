package org.introdl.xray.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.introdl.core.UserError;
import org.introdl.core.optim.Momentum;
import org.introdl.core.tf.Convolution;
import org.introdl.xray.cam.CamStep;
import org.introdl.xray.data.XrayDataset;
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
 * The lab's graph, built once and run in one session: the model, its loss (mean softmax cross-entropy), the
 * Nesterov momentum update and the CAM of each class. All variables (optimizer slots included) exist before the
 * first save, so every checkpoint holds the same keys as the Python lab's.
 */
public final class XrayNetwork implements AutoCloseable {
  /** The lab's hyperparameters (Lab 2 Part 2, training cell). */
  public static final float LEARNING_RATE = 0.05f;
  public static final float MOMENTUM = 0.9f;
  public static final int BATCH_SIZE = 15;

  private final Graph graph;
  private final Session session;
  private final PneumothoraxDetectionModel model;
  private final Placeholder<TFloat32> labels;
  private final Operand<TFloat32> learningRate;
  private final Operand<TFloat32> loss;
  private final Momentum optimizer;
  private final List<Operand<TFloat32>> cams;

  /**
   * Settings of the graph: image side, initial-weight seed, optimizer, session threads (0 = TF's default), and the
   * convolution kernel (same numbers to float rounding; {@link Convolution.Kernel#CONV} is the faster one measured).
   */
  public record Config(int imageSize, long seed, float learningRate, float momentum, boolean nesterov,
      int intraOpThreads, int interOpThreads, Convolution.Kernel convolution) {
    public static Config lab(int imageSize, long seed) {
      return new Config(imageSize, seed, LEARNING_RATE, MOMENTUM, true, 0, 0, Convolution.Kernel.CONV);
    }

    /** The given optimizer settings, TF's default threads, the fast convolution kernel. */
    public static Config of(int imageSize, long seed, float learningRate, float momentum, boolean nesterov) {
      return new Config(imageSize, seed, learningRate, momentum, nesterov, 0, 0, Convolution.Kernel.CONV);
    }
  }

  public XrayNetwork(Config config) {
    this(config, CamStep.LAB);
  }

  /** The network with {@code camStep} computing its two Class Activation Maps (a student's, or {@link CamStep#LAB}). */
  public XrayNetwork(Config config, CamStep camStep) {
    graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      model = PneumothoraxDetectionModel.build(tf, config.imageSize(), config.seed(), config.convolution());
      labels = tf.placeholder(TFloat32.class);
      loss = tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(model.logits(), labels).loss(), tf.constant(0));
      // Fed per step when a schedule is used; the configured rate otherwise.
      learningRate = tf.placeholderWithDefault(tf.constant(config.learningRate()), Shape.scalar());
      optimizer = Momentum.minimize(tf, loss, model.variableList(), learningRate, config.momentum(), config.nesterov());
      cams = List.of(camStep.build(tf, model, 0, config.imageSize()), camStep.build(tf, model, 1, config.imageSize()));
      session = new Session(graph, sessionConfig(config));
      session.initialize();
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
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

  /** One training step on the images at {@code batch}; returns the batch loss before the update. */
  public float trainStep(XrayDataset data, int[] batch) {
    return trainStep(data, batch, Float.NaN);
  }

  /** One training step at learning rate {@code lr} (NaN: the configured rate). */
  public float trainStep(XrayDataset data, int[] batch, float lr) {
    XrayDataset b = data.select(batch);
    try (TFloat32 x = Tensors.images(b.pixels(), 0, b.count(), b.size());
        TFloat32 y = Tensors.oneHot(b.labels(), 0, b.count());
        TFloat32 rate = TFloat32.scalarOf(lr);
        Result r = (Float.isNaN(lr) ? session.runner() : session.runner().feed(learningRate, rate))
            .feed(model.images(), x).feed(labels, y).fetch(loss).addTarget(optimizer.update()).run()) {
      return ((TFloat32) r.get(0)).getFloat();
    }
  }

  /** P(pneumothorax) of every image, in batches of {@code batch}. */
  public float[] probabilities(XrayDataset data, int batch) {
    float[] p = new float[data.count()];
    for (int first = 0; first < data.count(); first += batch) {
      int n = Math.min(batch, data.count() - first);
      try (TFloat32 x = Tensors.images(data.pixels(), first, n, data.size());
          Result r = session.runner().feed(model.images(), x).fetch(model.probabilities()).run()) {
        float[] probs = Tensors.floats(r.get(0));
        for (int i = 0; i < n; i++) {
          p[first + i] = probs[2 * i + XrayDataset.PNEUMOTHORAX];
        }
      }
    }
    return p;
  }

  /** Probabilities ([n, 2]), feature maps ([n, s, s, 512]) and the CAM of {@code classIndex} ([n, S, S]) of one batch. */
  public record Activations(float[] probabilities, float[] featureMaps, float[] cams) {}

  public Activations activations(XrayDataset data, int first, int count, int classIndex) {
    try (TFloat32 x = Tensors.images(data.pixels(), first, count, data.size());
        Result r = session.runner().feed(model.images(), x)
            .fetch(model.probabilities()).fetch(model.featureMaps()).fetch(cams.get(classIndex)).run()) {
      return new Activations(Tensors.floats(r.get(0)), Tensors.floats(r.get(1)), Tensors.floats(r.get(2)));
    }
  }

  /** Current values of a variable by its checkpoint name. */
  public float[] variable(String name) {
    try (Result r = session.runner().fetch(model.variables().get(name)).run()) {
      return Tensors.floats(r.get(0));
    }
  }

  /** Writes a TF checkpoint (V2) at {@code prefix}: the 18 variables and their 18 momentum slots. */
  public void save(Path prefix) {
    session.save(prefix.toString());
  }

  /** Restores a checkpoint written here or by the Python lab ({@code model.ckpt} prefix). */
  public void restore(Path prefix) {
    Path index = Path.of(prefix + ".index");
    if (!Files.isRegularFile(index)) {
      throw UserError.inFile(prefix, "no checkpoint here (missing " + index.getFileName() + ")");
    }
    try {
      session.restore(prefix.toString());
    } catch (RuntimeException e) {
      throw UserError.inFile(prefix, "cannot restore checkpoint (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")");
    }
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

  /** The momentum update (run as a target). */
  public org.tensorflow.op.Op trainOp() {
    return optimizer.update();
  }

  public Operand<TFloat32> loss() {
    return loss;
  }

  public Operand<TFloat32> cam(int classIndex) {
    return cams.get(classIndex);
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
