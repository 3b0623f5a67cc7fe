package org.introdl.xray.train;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.introdl.core.UserError;
import org.introdl.core.cli.Progress;
import org.introdl.core.io.AtomicFiles;
import org.introdl.core.train.Charts;
import org.introdl.core.train.CheckpointStore;
import org.introdl.core.train.MetricsLog;
import org.introdl.core.train.TensorBoardWriter;
import org.introdl.core.train.TrainingGuard;
import org.introdl.xray.data.XrayData;
import org.introdl.xray.data.XrayDataset;
import org.introdl.xray.model.XrayNetwork;

/**
 * The lab's training loop (Lab 2 Part 2, "Training the model"): random batches, softmax cross-entropy, momentum with
 * Nesterov, the held-out accuracy every {@code evalEvery} steps, checkpoints every {@code checkpointEvery} steps.
 * Writes {@code metrics.csv}/{@code metrics.jsonl}, TensorBoard events ({@code cost}, {@code accuracy} as the lab
 * names them), a loss chart and {@code checkpoints/step-N/}; {@code resume} continues from the newest checkpoint.
 */
public final class XrayTrainer {
  /** Checkpoints kept in {@code checkpoints/}. */
  public static final int KEEP_CHECKPOINTS = 3;
  /** Batch size used to evaluate the held-out set (the lab's test batch is 100). */
  static final int EVAL_BATCH = 20;

  private XrayTrainer() {}

  /** Everything {@code ./labs xray train} takes. */
  public record Options(String data, int imageSize, int batch, float learningRate, float momentum, boolean nesterov,
      int steps, int evalEvery, int checkpointEvery, int heldOut, long seed, Path outDir, boolean resume, LrSchedule schedule) {
    public Options {
      if (steps < 1 || batch < 1 || evalEvery < 1 || checkpointEvery < 1 || heldOut < 2) {
        throw new IllegalArgumentException("steps, batch, eval/checkpoint intervals must be positive; held-out >= 2");
      }
    }

    /** The lab's settings (batch 15, lr 0.05, momentum 0.9, Nesterov) at the given size and step count. */
    public static Options lab(String data, int imageSize, int steps, Path outDir) {
      return new Options(data, imageSize, XrayNetwork.BATCH_SIZE, XrayNetwork.LEARNING_RATE, XrayNetwork.MOMENTUM, true,
          steps, 10, 50, 100, 1, outDir, false, LrSchedule.CONSTANT);
    }
  }

  /**
   * The learning rate over the run: {@code CONSTANT} as the lab; {@code LINEAR} decays it linearly, to
   * {@code base / steps} at the last step, which settles the momentum's swing of all logits together so that a short run ends calibrated.
   */
  public enum LrSchedule {
    CONSTANT, LINEAR;

    float at(float base, long step, long steps) {
      return this == CONSTANT ? base : (float) (base * (1.0 - (double) (step - 1) / steps));
    }
  }

  /** What a run did and where its files are. */
  public record Result(String dataSource, boolean synthetic, int trainImages, int heldOutImages, long startStep,
      long endStep, double firstLoss, double lastLoss, Evaluation heldOut, Path checkpoint, Path metricsCsv,
      Path lossChart, Path tensorboardDir, double secondsPerStep) {}

  public static Result train(Options o, PrintStream out) {
    AtomicFiles.requireWritableDir(o.outDir());
    CheckpointStore checkpoints = new CheckpointStore(o.outDir().resolve("checkpoints"), KEEP_CHECKPOINTS);
    if (!o.resume() && !checkpoints.list().isEmpty()) {
      throw new UserError(o.outDir() + ": already holds checkpoints of a run; pass --resume to continue it or choose"
          + " another --out");
    }
    XrayDataset all = XrayData.load(o.data(), o.imageSize(), o.seed());
    if (all.count() <= o.heldOut()) {
      throw new UserError(all.source() + ": " + all.count() + " images, not enough to hold out " + o.heldOut());
    }
    XrayDataset[] split = all.split(o.heldOut(), o.seed());
    XrayDataset train = split[0];
    XrayDataset heldOut = split[1];
    out.printf("Data: %s%n  %d training images (%d with pneumothorax), %d held out, %dx%d%n", all.source(),
        train.count(), train.positives(), heldOut.count(), o.imageSize(), o.imageSize());
    RunInfo.write(o.outDir(), o.imageSize(), o.data());
    XrayNetwork.Config config = XrayNetwork.Config.of(o.imageSize(), o.seed(), o.learningRate(), o.momentum(),
        o.nesterov());
    try (XrayNetwork net = new XrayNetwork(config)) {
      long start = 0;
      if (o.resume()) {
        OptionalLong restored = checkpoints.restoreLatest(net.session());
        start = restored.orElse(0);
        out.println(restored.isPresent() ? "Resumed from step " + start : "No checkpoint to resume from; starting at step 0");
      }
      return loop(o, net, train, heldOut, checkpoints, start, out);
    }
  }

  /** The training loop; the splits carry the data set's source and kind, so the unsplit copy can be collected. */
  private static Result loop(Options o, XrayNetwork net, XrayDataset train, XrayDataset heldOut,
      CheckpointStore checkpoints, long start, PrintStream out) {
    BatchSampler sampler = new BatchSampler(train.labels(), o.batch(), o.seed());
    List<double[]> losses = new ArrayList<>();
    Evaluation evaluation = null;
    Path lastCheckpoint = checkpoints.latest().map(c -> Path.of(c.prefix())).orElse(null);
    long t0 = System.nanoTime();
    try (MetricsLog metrics = MetricsLog.open(o.outDir(), o.resume());
        TensorBoardWriter board = new TensorBoardWriter(o.outDir().resolve("tensorboard"));
        Progress progress = Progress.start("xray train", o.steps(), start)) {
      metrics.truncateAfter(start);
      for (long step = start + 1; step <= o.steps(); step++) {
        float loss = net.trainStep(train, sampler.batch(step), o.schedule().at(o.learningRate(), step, o.steps()));
        TrainingGuard.checkFinite(step, loss);
        losses.add(new double[] {step, loss});
        Map<String, Double> row = new LinkedHashMap<>();
        row.put("cost", (double) loss);
        // The first row fixes the log's columns: held-out metrics are present (empty) from the start.
        row.put("accuracy", null);
        row.put("auc", null);
        board.scalar("cost", step, loss);
        boolean last = step == o.steps();
        if (step % o.evalEvery() == 0 || last) {
          evaluation = Evaluation.of(net.probabilities(heldOut, EVAL_BATCH), heldOut.labels());
          row.put("accuracy", evaluation.accuracy());
          row.put("auc", evaluation.auc());
          board.scalar("accuracy", step, evaluation.accuracy());
          if (!progress.isDrawn()) {
            out.printf("step %d  cost %.4f  held-out accuracy %.3f  (%.1f s/step)%n", step, loss, evaluation.accuracy(),
                (System.nanoTime() - t0) / 1e9 / (step - start));
          }
        }
        metrics.log(step, row);
        progress.step(step, String.format("cost %.3f", loss));
        if (step % o.checkpointEvery() == 0 || last) {
          lastCheckpoint = checkpoints.save(net.session(), step).resolve(CheckpointStore.PREFIX);
        }
      }
      double secondsPerStep = (System.nanoTime() - t0) / 1e9 / Math.max(1, o.steps() - start);
      Path chart = losses.isEmpty() ? null : Charts.lineChart(o.outDir().resolve("loss.png"), "Training cost (softmax cross-entropy)",
          "step", "cost", Map.of("cost", new double[][] {
              losses.stream().mapToDouble(p -> p[0]).toArray(), losses.stream().mapToDouble(p -> p[1]).toArray()}));
      if (evaluation == null) {
        evaluation = Evaluation.of(net.probabilities(heldOut, EVAL_BATCH), heldOut.labels());
      }
      return new Result(train.source(), train.isSynthetic(), train.count(), heldOut.count(), start, o.steps(),
          losses.isEmpty() ? Double.NaN : losses.get(0)[1], losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1)[1],
          evaluation, lastCheckpoint, metrics.csvFile(), chart, o.outDir().resolve("tensorboard"), secondsPerStep);
    }
  }
}
