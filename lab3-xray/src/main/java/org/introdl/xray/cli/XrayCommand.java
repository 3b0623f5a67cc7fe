package org.introdl.xray.cli;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.introdl.core.train.TrainingRun;
import org.introdl.xray.train.XraySettings;
import org.introdl.core.tf.Convolution;
import org.introdl.core.tf.ConvolutionPlan;
import org.introdl.core.tf.MeasuredConvolutions;
import org.introdl.xray.bench.XrayProfile;
import java.util.concurrent.Callable;
import org.introdl.core.LabPaths;
import org.introdl.core.cli.Cli;
import org.introdl.core.exercises.ExerciseCode;
import org.introdl.xray.cam.CamStep;
import org.introdl.xray.cam.XrayCam;
import org.introdl.xray.data.DataOption;
import org.introdl.xray.data.XrayConstants;
import org.introdl.xray.data.XrayDataset;
import org.introdl.xray.export.XrayExport;
import org.introdl.xray.train.XrayEvaluator;
import org.introdl.xray.train.XrayTrainer;
import org.introdl.core.cli.CommandGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./labs xray}: Lab 3: pneumothorax detection in chest x-rays and Class Activation Maps. */
@Command(name = "xray", mixinStandardHelpOptions = true,
    description = "Lab 3: pneumothorax detection in chest x-rays and Class Activation Maps.",
    subcommands = {XrayCommand.Data.class, XrayCommand.Train.class, XrayCommand.Eval.class, XrayCommand.Cam.class,
        XrayCommand.Profile.class, XrayCommand.Export.class})
public final class XrayCommand extends CommandGroup {

  static final String DATA_HELP = "An .h5 file in the lab's format, a folder of PNG/JPEG x-rays with labels.csv "
      + "(NIH columns), NIH ChestX-ray14 as downloaded (Data_Entry_2017.csv with images_*/ or images_*.tar.gz), "
      + "'synthetic' (offline phantoms; default ${DEFAULT-VALUE}) or 'synthetic:shortcut' (phantoms"
      + " with a chest drain in most training positives and none held out).";

  static void checkSize(CommandSpec spec, int size, boolean allowZero) {
    if ((allowZero && size == 0)) {
      return;
    }
    if (size < 16 || size % 16 != 0 || size > 1024) {
      throw Cli.badValue(spec, "--image-size must be a multiple of 16 between 16 and 1024, got " + size);
    }
  }

  @Command(name = "data", mixinStandardHelpOptions = true, description = "Load a data set and describe it (counts, sizes).")
  static final class Data implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--data", description = DATA_HELP)
    String data = DataOption.SYNTHETIC;

    @Option(names = "--image-size", description = "Image side in pixels (default ${DEFAULT-VALUE}).")
    int imageSize = XrayConstants.LAB_IMAGE_SIZE;

    @Override
    public Integer call() {
      checkSize(spec, imageSize, false);
      XrayDataset d = DataOption.load(data, imageSize, 1);
      System.out.printf("%s%n%d images of %dx%d, %d with pneumothorax (label 1), %d without%n", d.source(), d.count(),
          d.size(), d.size(), d.positives(), d.count() - d.positives());
      return 0;
    }
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Train the lab's CNN (momentum with Nesterov, softmax cross-entropy); checkpoints, metrics, TensorBoard.")
  static final class Train implements Callable<Integer> {
    /** Settings in one word; an option given explicitly overrides its preset value. */
    enum Preset {
      cpu, lab;

      XraySettings settings() {
        return this == cpu ? XraySettings.cpu() : XraySettings.lab();
      }
    }

    @Spec CommandSpec spec;

    @Option(names = "--preset", description = "cpu (default: 64 px, batch 16, Adam lr 0.001, warm-up 10, linear decay,"
        + " clip 5, mirrored and moved images) or lab (256 px, batch 15, momentum 0.9 Nesterov, lr 0.05 constant, as the"
        + " notebook). Explicit options override it.")
    Preset preset = Preset.cpu;

    @Option(names = "--data", description = DATA_HELP)
    String data = DataOption.SYNTHETIC;

    @Option(names = "--image-size", description = "Image side: 256 as the lab, 64 for a CPU (preset).")
    Integer imageSize;

    @Option(names = "--batch", description = "Batch size (lab: 15, cpu: 16).")
    Integer batch;

    @Option(names = "--lr", description = "Learning rate (lab: 0.05, cpu: 0.001, see docs).")
    Float lr;

    @Option(names = "--lr-schedule", description = "CONSTANT (lab) or LINEAR (cpu: decays linearly, to lr/steps at the last step).")
    XraySettings.LrSchedule lrSchedule;

    @Option(names = "--optimizer", description = "MOMENTUM (lab: the notebook's momentum, see --momentum,"
        + " --nesterov) or ADAM (cpu: TF1's Adam).")
    XraySettings.Optimizer optimizer;

    @Option(names = "--warmup-steps", description = "Steps over which the rate rises linearly to --lr (lab: 0, cpu: 10).")
    Integer warmupSteps;

    @Option(names = "--clip-norm", description = "Clip the gradient to this global L2 norm; 0: no clipping (lab: 0,"
        + " cpu: 5).")
    Float clipNorm;

    @Option(names = "--momentum", description = "Momentum, in [0, 1) (lab: 0.9).")
    Float momentum;

    @Option(names = "--nesterov", negatable = true, description = "Nesterov momentum (lab: on).")
    Boolean nesterov;

    @Option(names = "--flip", negatable = true, description = "Mirror a random half of each batch left-right (lab:"
        + " off, cpu: on).")
    Boolean flip;

    @Option(names = "--shift", description = "Move each batch image by up to N pixels in x and y; 0: not moved (lab: 0,"
        + " cpu: " + XraySettings.CPU_SHIFT + ").")
    Integer shift;

    @Option(names = "--steps", description = "Training steps in total (default " + XraySettings.STEPS_DEFAULT + ").")
    Integer steps;

    @Option(names = "--eval-every", description = "Held-out accuracy and AUC every N steps (lab: 10).")
    Integer evalEvery;

    @Option(names = "--held-out", description = "Share of the images held out for accuracy and AUC (default 0.2).")
    Double heldOut;

    @Option(names = "--seed", description = "Seed for weights, phantoms, split and batches (default 1).")
    Long seed;

    @Option(names = "--checkpoint-every", description = "Checkpoint every N steps (default ${DEFAULT-VALUE}).")
    int checkpointEvery = XrayTrainer.CHECKPOINT_EVERY_DEFAULT;

    @Option(names = "--out", description = "Output folder (default: out/xray-train).")
    Path out = LabPaths.defaultOutputDir().resolve("xray-train");

    @Option(names = "--resume", description = "Continue the run in --out from its newest checkpoint, with its settings.")
    boolean resume;

    /** The preset, with each option the user gave in place of the preset's value. */
    XraySettings settings() {
      XraySettings p = preset.settings();
      return new XraySettings(data, or(imageSize, p.imageSize()), or(batch, p.batch()), or(optimizer, p.optimizer()),
          or(lr, p.lr()), or(momentum, p.momentum()), or(nesterov, p.nesterov()), or(lrSchedule, p.lrSchedule()),
          or(warmupSteps, p.warmupSteps()), or(clipNorm, p.clipNorm()), or(steps, p.steps()), or(evalEvery, p.evalEvery()),
          or(heldOut, p.heldOut()), or(seed, p.seed()), or(flip, p.flip()),
          or(shift, p.shift()));
    }

    private static <T> T or(T given, T preset) {
      return given != null ? given : preset;
    }

    @Override
    public Integer call() {
      Set<String> given = new HashSet<>(Cli.givenOptions(spec));
      if (given.contains("preset")) {
        given.addAll(Set.of("imageSize", "batch", "optimizer", "lr", "lrSchedule", "warmupSteps", "clipNorm", "flip",
            "shift"));
      }
      XrayTrainer.Result r = XrayTrainer.run(new XrayTrainer.Options(settings(), out, resume, checkpointEvery), given,
          System.out);
      TrainingRun.Outcome run = r.run();
      if (!run.ranSteps()) {
        return 0;
      }
      System.out.printf(Locale.ROOT, "Steps %d..%d: loss %.4f -> %.4f (%.2f s/step after a first step of %.1f s)%n",
          run.startStep() + 1, run.endStep(), run.first().loss(), run.last().loss(), run.msPerStep() / 1000,
          run.firstStepSeconds());
      System.out.printf(Locale.ROOT, "Held-out: accuracy %.3f, AUC %.3f, mean |P - 0.5| %.3f on %d images%s%n",
          r.heldOut().accuracy(), r.heldOut().auc(), r.heldOut().calibration().meanConfidence(), r.heldOutImages(),
          r.synthetic() ? " (SYNTHETIC phantoms)" : "");
      System.out.println("Checkpoint: " + run.checkpoint());
      System.out.println("Metrics:    " + run.metricsCsv());
      System.out.println("Loss chart: " + run.lossChart());
      System.out.println("TensorBoard: tensorboard --logdir " + run.tensorboard());
      return run.status() == TrainingRun.Status.INTERRUPTED ? Cli.EXIT_INTERRUPTED : 0;
    }
  }

  @Command(name = "eval", mixinStandardHelpOptions = true, description = "Accuracy, confusion matrix, ROC curve and AUC of a checkpoint.")
  static final class Eval implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--checkpoint", required = true, description = "Checkpoint prefix (e.g. model.ckpt), step folder, or training output folder.")
    Path checkpoint;

    @Option(names = "--data", description = DATA_HELP)
    String data = DataOption.SYNTHETIC;

    @Option(names = "--image-size", description = "Image side (default: the size the checkpoint trained at, else 256).")
    int imageSize;

    @Option(names = "--seed", description = "Seed of the phantoms (default ${DEFAULT-VALUE}: not the training seed, so they are new images).")
    long seed = XrayConstants.UNSEEN_PHANTOM_SEED;

    @Option(names = "--out", description = "Output folder (default: out/xray-eval).")
    Path out = LabPaths.defaultOutputDir().resolve("xray-eval");

    @Override
    public Integer call() {
      checkSize(spec, imageSize, true);
      XrayEvaluator.Result r = XrayEvaluator.run(new XrayEvaluator.Options(checkpoint, data, imageSize, out, seed), System.out);
      XrayEvaluator.print(r.evaluation(), System.out);
      if (r.rocPng() != null) {
        System.out.println("ROC plot: " + r.rocPng());
      }
      System.out.println("Reliability diagram: " + r.reliabilityPng());
      System.out.println("Mistakes: " + r.mistakes().png() + " (" + r.mistakes().mistakes() + " shown; list: "
          + r.mistakes().csv() + ")");
      System.out.println("Numbers:  " + r.json());
      return 0;
    }
  }

  @Command(name = "cam", mixinStandardHelpOptions = true, description = "Class Activation Maps over chosen x-rays, as PNGs and a contact sheet.")
  static final class Cam implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--checkpoint", required = true, description = "Checkpoint prefix, step folder, or training output folder.")
    Path checkpoint;

    @Option(names = "--data", description = DATA_HELP)
    String data = DataOption.SYNTHETIC;

    @Option(names = "--index", split = ",", description = "Image indices (default: the lab's 79,37,45,29,30 if present, else the first 10).")
    int[] indices;

    @Option(names = "--class", description = "Class whose map to draw: 1 pneumothorax (lab), 0 none (default ${DEFAULT-VALUE}).")
    int classIndex = 1;

    @Option(names = "--image-size", description = "Image side (default: the size the checkpoint trained at, else 256).")
    int imageSize;

    @Option(names = "--seed", description = "Seed of the phantoms (default ${DEFAULT-VALUE}).")
    long seed = XrayConstants.UNSEEN_PHANTOM_SEED;

    @Option(names = "--out", description = "Output folder (default: out/xray-cam).")
    Path out = LabPaths.defaultOutputDir().resolve("xray-cam");

    @Option(names = "--exercises", paramLabel = "DIR",
        description = "Compute the maps with your own extractFeaturesWeights, computeCam and upsample from an exercise"
            + " workspace (./labs exercises start lab3).")
    Path exercises;

    @Override
    public Integer call() {
      checkSize(spec, imageSize, true);
      if (classIndex != 0 && classIndex != 1) {
        throw Cli.badValue(spec, "--class must be 0 or 1, got " + classIndex);
      }
      CamStep camStep = exercises == null ? CamStep.LAB : ExerciseCode.load(exercises, CamStep.class);
      if (exercises != null) {
        System.out.println("Maps computed by your extractFeaturesWeights, computeCam and upsample from " + exercises);
      }
      XrayCam.Result r = XrayCam.run(new XrayCam.Options(checkpoint, data, indices, classIndex, imageSize, out, seed),
          camStep, System.out);
      for (XrayCam.CamImage c : r.images()) {
        System.out.printf("#%-4d label %d  P(pneumothorax) %.3f  CAM peak (%d, %d)%s  %s%n", c.index(), c.label(), c.probability(),
            c.peakX(), c.peakY(), c.cellOnLesion() == null ? "" : (c.cellOnLesion() ? " cell on lesion" : " cell off lesion")
                + (c.peakInLesion() ? ", centre inside" : ", centre outside"), c.png());
      }
      if (!Double.isNaN(r.peakInLesionRate())) {
        System.out.printf("CAM's hottest cell on the lesion for %.0f%% of the positives shown, its centre inside the lesion for %.0f%%, within one feature-map cell of it for %.0f%% (SYNTHETIC phantoms)%n",
            100 * r.cellOnLesionRate(), 100 * r.peakInLesionRate(), 100 * r.peakNearLesionRate());
      }
      System.out.println("Contact sheet: " + r.contactSheet());
      return 0;
    }
  }

  @Command(name = "profile", mixinStandardHelpOptions = true,
      description = "Where the forward pass spends its time on this machine: ms per op type and per layer, from"
          + " TensorFlow's step statistics.")
  static final class Profile implements Callable<Integer> {
    /** Which kernel each convolution runs on. */
    enum Kernels {
      measured, CONV2D, CONV;

      ConvolutionPlan plan(int batch) {
        return this == measured ? MeasuredConvolutions.forThisMachine(batch, System.err)
            : ConvolutionPlan.fixed(Convolution.Kernel.valueOf(name()));
      }
    }

    @Spec CommandSpec spec;

    @Option(names = "--image-size", description = "Image side (default ${DEFAULT-VALUE}, the lab's).")
    int imageSize = XrayConstants.LAB_IMAGE_SIZE;

    @Option(names = "--batch", description = "Images per forward pass (default ${DEFAULT-VALUE}).")
    int batch = 1;

    @Option(names = "--kernels", description = "measured (default: the fastest on this machine per layer), CONV2D"
        + " (oneDNN) or CONV (TensorFlow's own) for every layer.")
    Kernels kernels = Kernels.measured;

    @Option(names = "--runs", description = "Traced runs, averaged (default ${DEFAULT-VALUE}).")
    int runs = 5;

    @Override
    public Integer call() {
      checkSize(spec, imageSize, false);
      if (batch < 1 || runs < 1) {
        throw Cli.badValue(spec, "--batch and --runs must be at least 1");
      }
      XrayProfile.Profile p = XrayProfile.forward(imageSize, batch, kernels.plan(batch), runs);
      System.out.printf(Locale.ROOT, "Forward pass of %d image(s) at %dx%d, kernels %s: %.1f ms per run"
          + " (%.1f ms in ops)%n", batch, imageSize, imageSize, kernels, p.wallMs(), p.opsMs());
      print("op type", p.byType(), p.opsMs());
      print("layer", p.byLayer(), p.opsMs());
      return 0;
    }

    private static void print(String what, java.util.List<XrayProfile.Row> rows, double total) {
      System.out.printf(Locale.ROOT, "%n%-32s %10s %7s %5s%n", what, "ms", "share", "ops");
      for (XrayProfile.Row r : rows) {
        System.out.printf(Locale.ROOT, "%-32s %10.2f %6.1f%% %5d%n", r.name(), r.ms(), 100 * r.ms() / total, r.ops());
      }
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Write the trained CNN as a SavedModel: serving_default (images [N,S,S,1] -> probabilities"
          + " [N,2]) and cam (images -> probabilities and each class's CAM, on the feature-map grid and upsampled).")
  static final class Export implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--checkpoint", required = true,
        description = "Checkpoint prefix (e.g. the Python lab's model.ckpt), step folder, or training output folder.")
    Path checkpoint;

    @Option(names = "--out", required = true, description = "New folder for the SavedModel.")
    Path out;

    @Option(names = "--image-size", description = "Image side the SavedModel reads (default: the size the checkpoint"
        + " trained at, else 256).")
    int imageSize;

    @Override
    public Integer call() {
      checkSize(spec, imageSize, true);
      XrayExport.Result r = XrayExport.run(new XrayExport.Options(checkpoint, imageSize, out));
      int s = r.imageSize();
      int g = r.camGridSize();
      System.out.println("Checkpoint: " + r.checkpoint());
      System.out.println("SavedModel written to " + r.out() + " (tag serve)");
      System.out.printf("  serving_default: images float32 [N, %d, %d, 1] -> probabilities [N, 2]%n", s, s);
      System.out.printf("  cam: images -> probabilities [N, 2], cam [N, %d, %d, 2] (feature-map grid),"
          + " cam_upsampled [N, %d, %d, 2]%n", g, g, s, s);
      return 0;
    }
  }
}
