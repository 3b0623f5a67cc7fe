package org.introdl.xray.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.introdl.core.UserError;
import org.introdl.core.train.DataFingerprint;
import org.introdl.core.train.RunManifest;
import org.introdl.core.train.StepMetrics;
import org.introdl.core.train.TrainingRun;
import org.introdl.xray.data.ChestPhantom;
import org.introdl.xray.data.DataOption;
import org.introdl.xray.data.NihChestXray14;
import org.introdl.xray.data.XrayConstants;
import org.introdl.xray.data.XrayDataset;

/**
 * The lab's training cell ("Training the model"): random batches, softmax cross-entropy, momentum with Nesterov, the
 * held-out accuracy every {@code evalEvery} steps. The loop itself, with what a long run needs (metrics, TensorBoard,
 * checkpoints, resume, Ctrl-C, the chart), is the shared {@link TrainingRun}; this class says what one step is.
 */
public final class XrayTrainer {
  public static final int CHECKPOINT_EVERY_DEFAULT = 25;
  /** Checkpoints kept in {@code checkpoints/}. */
  public static final int KEEP_CHECKPOINTS = 3;
  /** Batch size used to evaluate the held-out set (the lab's test batch is 100). */
  static final int EVAL_BATCH = 20;

  private XrayTrainer() {}

  /** Where a run goes and how it is kept; none of it changes the numbers. */
  public record Options(XraySettings settings, Path out, boolean resume, int checkpointEvery) {
    public Options {
      if (checkpointEvery < 1) {
        throw new org.introdl.core.cli.BadOption("--checkpoint-every", "must be at least 1, got " + checkpointEvery);
      }
    }

    public static Options of(XraySettings settings, Path out) {
      return new Options(settings, out, false, CHECKPOINT_EVERY_DEFAULT);
    }

    public Options withResume(boolean r) {
      return new Options(settings, out, r, checkpointEvery);
    }

    public Options withCheckpointEvery(int every) {
      return new Options(settings, out, resume, every);
    }
  }

  /**
   * What a run did and where its files are; {@code heldOutSet} holds the held-out images, {@code heldOutIds} their
   * indices in the data set the user named.
   */
  public record Result(String dataSource, boolean synthetic, int trainImages, int heldOutImages,
      TrainingRun.Outcome run, Evaluation heldOut, XrayDataset heldOutSet, int[] heldOutIds) {}

  /**
   * {@code ./labs xray train}: a resumed run takes its settings from its {@code run.json}, except those the user gave
   * ({@code given}, which must agree with it).
   */
  public static Result run(Options o, Set<String> given, PrintStream out) {
    if (o.resume()) {
      RunManifest recorded = RunManifest.forResume(o.out(), XrayConstants.LAB, XrayConstants.TRAIN_COMMAND);
      o = new Options(recorded.resumeSettings(o.settings(), given, o.out()), o.out(), true, o.checkpointEvery());
    }
    return train(o, out);
  }

  public static Result train(Options o, PrintStream out) {
    XraySettings s = o.settings();
    XrayDataset all = DataOption.load(s.data(), s.imageSize(), s.seed(), s::heldOutOf);
    int heldOutCount = s.heldOutOf(all.count());
    if (all.count() - heldOutCount < 2) {
      throw new UserError(all.source() + ": " + all.count() + " images, too few to hold out "
          + Math.round(100 * s.heldOut()) + "% and train on the rest");
    }
    XrayDataset[] split = all.split(heldOutCount, s.seed());
    XrayDataset train = split[0];
    XrayDataset heldOut = split[1];
    out.printf(Locale.ROOT, "Data: %s%n  %d training images (%d with pneumothorax), %d held out (%.0f%%), %dx%d%n",
        all.source(), train.count(), train.positives(), heldOut.count(), 100 * s.heldOut(), s.imageSize(),
        s.imageSize());
    TrainingRun.Plan plan = new TrainingRun.Plan(XrayConstants.LAB, "Lab 3 (x-ray)", XrayConstants.TRAIN_COMMAND,
        o.out(), s.steps(),
        o.checkpointEvery(), KEEP_CHECKPOINTS, s.evalEvery(), o.resume());
    TrainingRun run = TrainingRun.start(plan, RunManifest.of(XrayConstants.LAB, s, fingerprint(s, all)), out);
    if (run.complete()) {
      return new Result(train.source(), train.isSynthetic(), train.count(), heldOut.count(), run.nothingToDo(), null,
          heldOut, heldOutIds(all, heldOutCount, s.seed()));
    }
    try (XrayTrainingGraph net = new XrayTrainingGraph(XrayTrainingGraph.Config.forThisMachine(s, System.err))) {
      long start = run.restoreOrInitialize(net.session());
      StratifiedBatches sampler = new StratifiedBatches(train.labels(), s.batch(), s.seed());
      TrainingRun.Outcome outcome = run.loop(net.session(), start, step -> {
        XrayDataset batch = train.select(sampler.batch(step));
        XrayTrainingGraph.StepResult r = net.trainStep(augmented(batch, s, step), s.learningRate(step));
        StepMetrics m = StepMetrics.of(r.loss(), r.accuracy());
        if (step % s.evalEvery() == 0 || step == s.steps()) {
          Evaluation e = Evaluation.of(net.probabilities(heldOut, EVAL_BATCH), heldOut.labels());
          m = m.withHeldOut(e.accuracy(), e.auc());
        }
        return m;
      });
      Evaluation evaluation = outcome.ranSteps()
          ? Evaluation.of(net.probabilities(heldOut, EVAL_BATCH), heldOut.labels()) : null;
      return new Result(train.source(), train.isSynthetic(), train.count(), heldOut.count(), outcome, evaluation,
          heldOut, heldOutIds(all, heldOutCount, s.seed()));
    }
  }

  /** The batch as step {@code step} trains on it: mirrored and moved as the settings ask (a function of seed, step). */
  static XrayDataset augmented(XrayDataset batch, XraySettings s, long step) {
    XrayDataset mirrored = s.flip() ? HorizontalFlips.apply(batch, s.seed(), step) : batch;
    return s.shift() > 0 ? RandomShifts.apply(mirrored, s.shift(), s.seed(), step) : mirrored;
  }

  /** The indices {@link XrayDataset#split} holds out, in the held-out set's order. */
  static int[] heldOutIds(XrayDataset all, int heldOutCount, long seed) {
    return java.util.Arrays.copyOf(XrayDataset.shuffled(all.count(), seed), heldOutCount);
  }

  /** The phantoms by generator and seed; a file or folder by its files' SHA-256. */
  static DataFingerprint fingerprint(XraySettings s, XrayDataset all) {
    if (all.isSynthetic()) {
      return DataFingerprint.synthetic(ChestPhantom.class.getSimpleName() + " " + s.data() + " " + s.imageSize() + " px", s.seed(),
          all.count());
    }
    Path path = Path.of(s.data()).toAbsolutePath().normalize();
    if (Files.isRegularFile(path)) {
      return DataFingerprint.ofFiles(path.toString(), "h5", List.of(path));
    }
    if (NihChestXray14.isLayout(path)) { // its images are tens of GB: the list of what was selected stands for them
      return DataFingerprint.ofFiles(path.toString(), "NIH ChestX-ray14",
          List.of(path.resolve(NihChestXray14.DATA_ENTRY)));
    }
    try (Stream<Path> files = Files.walk(path, 2)) {
      return DataFingerprint.ofFiles(path.toString(), "image folder", files.filter(Files::isRegularFile).toList());
    } catch (IOException e) {
      throw new UserError(path + ": cannot list (" + e.getMessage() + ")");
    }
  }
}
