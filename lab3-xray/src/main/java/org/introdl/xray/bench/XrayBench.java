package org.introdl.xray.bench;

import java.util.ArrayList;
import org.introdl.xray.data.XrayConstants;
import java.util.List;
import java.util.function.IntFunction;
import org.introdl.core.bench.BenchWorkload;
import org.introdl.core.tf.Convolution;
import org.introdl.core.tf.ConvolutionPlan;
import org.introdl.core.tf.ConvolutionTrial;
import org.introdl.core.tf.MeasuredConvolutions;
import org.introdl.xray.data.ChestPhantom;
import org.introdl.xray.data.XrayDataset;
import org.introdl.xray.model.PneumothoraxDetectionModel;
import org.introdl.xray.model.ImageTensors;
import org.introdl.xray.cam.CamGraph;
import org.introdl.xray.train.XraySettings;
import org.introdl.xray.train.XrayTrainingGraph;
import org.tensorflow.Result;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.types.TFloat32;

/**
 * The x-ray lab's workloads for {@code ./labs bench}: W3 the forward pass of one 256x256 image, W4 a training step
 * at the lab's batch of 15, and the CAM of one image. Each fast variant has a baseline in the same run: the lab's
 * graph from plain ops ({@code Conv2D}) with default session options, fed through a Java {@code float[][][][]}
 * copied into a new tensor each run. The fast variants run each convolution on the kernel measured fastest on this
 * machine for its shape ({@link MeasuredConvolutions}), set the session's thread pools (intra-op = cores, inter-op =
 * 1) and feed a tensor filled once from a flat buffer (inputs are constant across runs, so nothing is copied per
 * run). Lever rows run every layer on one kernel, and per-layer rows time each candidate kernel on each layer of
 * W3 afresh (not from the stored choices), so the table shows what the choice was made from.
 */
public final class XrayBench {
  /** Multiply-adds x 2 of the lab's CNN forward at 256x256 (8 convolutions + dense), per image. */
  public static final double FORWARD_FLOPS_256 = 48.26e9;
  /** Convention: a training step costs 3 forward passes (forward, input gradients, weight gradients). */
  public static final double TRAIN_FLOPS_FACTOR = 3;

  /** The lab's image side, at which the bench measures the forward pass and the CAM. */
  private static final int LAB = XrayConstants.LAB_IMAGE_SIZE;

  private XrayBench() {}

  public static List<BenchWorkload> workloads(boolean quick) {
    int cores = Runtime.getRuntime().availableProcessors();
    // --quick is a smoke test: the training step runs at 128 px so that it finishes in seconds.
    int trainSize = quick ? 128 : LAB;
    List<BenchWorkload> all = new ArrayList<>();
    Variant plain = new Variant(false, 0, 0, fixed(Convolution.Kernel.CONV2D));
    Variant fast = new Variant(true, cores, 1, batch -> MeasuredConvolutions.forThisMachine(batch, System.err));
    String forwardBase = "W3 x-ray forward 256 (baseline)";
    all.add(new Forward(forwardBase, LAB, 1, plain, null));
    all.add(new Forward("W3 x-ray forward 256", LAB, 1, fast, forwardBase));
    if (!quick) {
      for (Convolution.Kernel kernel : Convolution.Kernel.values()) {
        all.add(new Forward("W3 lever: every layer " + kernel.label() + ", fast feed and threads", LAB, 1,
            new Variant(true, cores, 1, fixed(kernel)), forwardBase));
      }
      for (ConvolutionPlan.Layer layer : PneumothoraxDetectionModel.convolutionLayers(LAB)) {
        for (Convolution.Kernel kernel : Convolution.Kernel.values()) {
          all.add(new Layer("W3 layer " + layer + ": " + kernel.label(), layer, kernel));
        }
      }
    }
    String trainBase = "W4 x-ray train step b15 " + trainSize + " (baseline)";
    all.add(new TrainStep(trainBase, trainSize, 15, plain, null));
    all.add(new TrainStep("W4 x-ray train step b15 " + trainSize, trainSize, 15, fast, trainBase));
    all.add(new CamPerImage("x-ray CAM per image 256", LAB, fast, "W3 x-ray forward 256"));
    return all;
  }

  static double forwardFlops(int size) {
    return FORWARD_FLOPS_256 * ((double) size / LAB) * ((double) size / LAB);
  }

  /**
   * What a variant changes: feeding a tensor filled once (else a Java array copied per run), the session's threads
   * (0 = TF's default), the convolution plan for a graph run at a given batch.
   */
  record Variant(boolean reuseInput, int intra, int inter, IntFunction<ConvolutionPlan> convolutions) {}

  private static IntFunction<ConvolutionPlan> fixed(Convolution.Kernel kernel) {
    return batch -> ConvolutionPlan.fixed(kernel);
  }

  /**
   * Shared set-up: a network, phantom inputs, and how they are fed. Built on the first run (a warm-up run), so that
   * listing the workloads allocates nothing and only one network lives at a time.
   */
  abstract static class Base implements BenchWorkload {
    final String name;
    final String baseline;
    final int size;
    final int batch;
    final Variant how;
    XrayTrainingGraph net;
    CamGraph cams;
    XrayDataset data;
    TFloat32 input;

    Base(String name, int size, int batch, Variant how, String baseline) {
      this.name = name;
      this.baseline = baseline;
      this.size = size;
      this.batch = batch;
      this.how = how;
    }

    void ready() {
      if (net == null) {
        // The lab's update (momentum, no clipping), as the saved benchmark runs measured it.
        XraySettings settings = XraySettings.cpu().withImageSize(size).withLr(1e-4f, XraySettings.LrSchedule.CONSTANT)
            .withMomentum(XraySettings.LAB_MOMENTUM, true).withWarmupAndClip(0, 0);
        net = new XrayTrainingGraph(new XrayTrainingGraph.Config(settings, how.intra(), how.inter(),
            how.convolutions().apply(batch)));
        cams = new CamGraph(net.ops(), net.model(), size);
        data = ChestPhantom.generate(batch, size, 5);
        input = how.reuseInput() ? ImageTensors.images(data.pixels(), 0, batch, size) : null;
      }
    }

    /** Baseline feeding: the images as a Java 4-D array, copied element by element into a fresh tensor. */
    TFloat32 copiedInput() {
      float[][][][] x = new float[batch][size][size][1];
      for (int i = 0; i < batch; i++) {
        for (int y = 0; y < size; y++) {
          for (int c = 0; c < size; c++) {
            x[i][y][c][0] = data.pixels()[(i * size + y) * size + c];
          }
        }
      }
      return TFloat32.tensorOf(StdArrays.ndCopyOf(x));
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String baseline() {
      return baseline;
    }

    @Override
    public void close() {
      if (input != null) {
        input.close();
      }
      if (net != null) {
        net.close();
      }
    }
  }

  static final class Forward extends Base {
    Forward(String name, int size, int batch, Variant how, String baseline) {
      super(name, size, batch, how, baseline);
    }

    @Override
    public double flopsPerRun() {
      return forwardFlops(size) * batch;
    }

    @Override
    public void run() {
      ready();
      if (how.reuseInput()) {
        try (Result r = net.session().runner().feed(net.model().images(), input).fetch(net.model().probabilities()).run()) {
          r.get(0);
        }
      } else {
        try (TFloat32 x = copiedInput();
            Result r = net.session().runner().feed(net.model().images(), x).fetch(net.model().probabilities()).run()) {
          r.get(0);
        }
      }
    }
  }

  static final class TrainStep extends Base {
    TrainStep(String name, int size, int batchSize, Variant how, String baseline) {
      super(name, size, batchSize, how, baseline);
    }

    @Override
    public double flopsPerRun() {
      return TRAIN_FLOPS_FACTOR * forwardFlops(size) * batch;
    }

    @Override
    public void run() {
      ready();
      try (TFloat32 y = ImageTensors.oneHot(data.labels(), 0, data.count());
          TFloat32 copied = how.reuseInput() ? null : copiedInput();
          Result r = net.session().runner().feed(net.model().images(), how.reuseInput() ? input : copied)
              .feed(net.labels(), y).fetch(net.loss()).addTarget(net.trainOp()).run()) {
        r.get(0);
      }
    }
  }

  static final class CamPerImage extends Base {
    CamPerImage(String name, int size, Variant how, String baseline) {
      super(name, size, 1, how, baseline);
    }

    @Override
    public double flopsPerRun() {
      return forwardFlops(size);
    }

    @Override
    public void run() {
      ready();
      try (Result r = net.session().runner().feed(net.model().images(), input).fetch(cams.cam(1)).run()) {
        r.get(0);
      }
    }
  }

  /** One layer of W3 on one kernel: its convolution, bias and ReLU alone, one image. */
  static final class Layer implements BenchWorkload {
    final String name;
    final ConvolutionPlan.Layer layer;
    final Convolution.Kernel kernel;
    ConvolutionTrial trial;

    Layer(String name, ConvolutionPlan.Layer layer, Convolution.Kernel kernel) {
      this.name = name;
      this.layer = layer;
      this.kernel = kernel;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public double flopsPerRun() {
      return layer.flopsPerImage();
    }

    @Override
    public String baseline() {
      return null;
    }

    @Override
    public void run() {
      if (trial == null) {
        trial = new ConvolutionTrial(layer, 1, kernel);
      }
      trial.runMillis();
    }

    @Override
    public void close() {
      if (trial != null) {
        trial.close();
      }
    }
  }
}
