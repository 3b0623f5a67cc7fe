package org.introdl.xray.model;

import java.nio.file.Files;
import java.nio.file.Path;
import org.introdl.core.UserError;
import org.introdl.core.tf.Convolution;
import org.introdl.core.tf.ConvolutionPlan;
import org.introdl.xray.data.XrayDataset;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

/**
 * The lab's model restored from a checkpoint, for inference (the notebook's {@code saver.restore(sess, ...)}): the
 * model's graph and a session, no loss and no optimizer. Restores checkpoints written by {@code xray train} or by
 * the Python lab ({@code model.ckpt}); their optimizer slots are left on disk.
 */
public final class TrainedModel implements AutoCloseable {
  private final Graph graph;
  private final Ops tf;
  private final PneumothoraxDetectionModel model;
  private final Session session;

  private TrainedModel(Graph graph, Ops tf, PneumothoraxDetectionModel model, Session session) {
    this.graph = graph;
    this.tf = tf;
    this.model = model;
    this.session = session;
  }

  /** Builds the model for {@code imageSize} images and restores the checkpoint at {@code prefix} into it. */
  public static TrainedModel restore(Path prefix, int imageSize) {
    return restore(prefix, imageSize, ConvolutionPlan.fixed(Convolution.Kernel.CONV2D));
  }

  /** As {@link #restore(Path, int)}, each convolution on the kernel {@code convolutions} picks. */
  public static TrainedModel restore(Path prefix, int imageSize, ConvolutionPlan convolutions) {
    Path index = Path.of(prefix + ".index");
    if (!Files.isRegularFile(index)) {
      throw UserError.inFile(prefix, "no checkpoint here (missing " + index.getFileName() + ")");
    }
    Graph graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      PneumothoraxDetectionModel model = PneumothoraxDetectionModel.build(tf, imageSize, 0, convolutions);
      Session session = new Session(graph);
      try {
        session.restore(prefix.toString());
      } catch (RuntimeException e) {
        session.close();
        throw UserError.inFile(prefix, "cannot restore checkpoint ("
            + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")");
      }
      return new TrainedModel(graph, tf, model, session);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /** P(pneumothorax) of every image, in batches of {@code batch}. */
  public float[] probabilities(XrayDataset data, int batch) {
    return model.pneumothoraxProbabilities(session, data, batch);
  }

  public PneumothoraxDetectionModel model() {
    return model;
  }

  public Session session() {
    return session;
  }

  /** The graph's op builder, for heads added beside the model (the CAM). */
  public Ops ops() {
    return tf;
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
