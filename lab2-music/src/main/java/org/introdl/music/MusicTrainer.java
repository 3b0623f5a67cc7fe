package org.introdl.music;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import org.introdl.core.UserError;
import org.introdl.core.cli.Progress;
import org.introdl.core.io.AtomicFiles;
import org.introdl.core.optim.Tf1Adam;
import org.introdl.core.train.Charts;
import org.introdl.core.train.CheckpointStore;
import org.introdl.core.train.MetricsLog;
import org.introdl.core.train.TensorBoardWriter;
import org.introdl.core.train.TrainingGuard;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The lab's training cell: {@code training_steps} Adam steps on random batches, printing loss and accuracy. Around
 * it what a long run needs: metrics as CSV and JSON lines, TensorBoard events, checkpoints every few steps
 * (atomic; {@code resume} continues from the last complete one), a stop with a clear message when the loss stops
 * being a number, and a loss curve at the end.
 *
 * <p>Output folder: {@code model.json}, {@code checkpoints/step-*}, {@code metrics.csv}, {@code metrics.jsonl},
 * {@code tensorboard/events.out.tfevents.*}, {@code loss.png}.
 */
public final class MusicTrainer {
  /** The lab's hyperparameters ({@code training_steps}, {@code batch_size}, {@code learning_rate}). */
  public static final int STEPS_DEFAULT = 200;
  public static final int BATCH_DEFAULT = 256;
  public static final float LEARNING_RATE_DEFAULT = 0.001f;
  public static final int CHECKPOINT_EVERY_DEFAULT = 50;
  public static final int KEEP_DEFAULT = 3;

  private MusicTrainer() {}

  /**
   * What to train and where. {@code shards}: parallel shards of each batch ({@link MusicLstm.Sharding}); 0 picks one
   * per core.
   */
  public record Options(int steps, int batch, float learningRate, MusicLstm.Config model, Path out, boolean resume,
      int checkpointEvery, int keep, int logEvery, int shards) {
    public static Options lab(Path out) {
      return new Options(STEPS_DEFAULT, BATCH_DEFAULT, LEARNING_RATE_DEFAULT,
          MusicLstm.Config.lab().with(MusicLstm.Cell.PROJECTED, MusicLstm.Input.NOTE_INDICES), out, false,
          CHECKPOINT_EVERY_DEFAULT, KEEP_DEFAULT, 10, 0);
    }

    public Options withSteps(int s) {
      return new Options(s, batch, learningRate, model, out, resume, checkpointEvery, keep, logEvery, shards);
    }

    public Options withBatch(int b) {
      return new Options(steps, b, learningRate, model, out, resume, checkpointEvery, keep, logEvery, shards);
    }

    public Options withModel(MusicLstm.Config m) {
      return new Options(steps, batch, learningRate, m, out, resume, checkpointEvery, keep, logEvery, shards);
    }

    public Options withResume(boolean r) {
      return new Options(steps, batch, learningRate, model, out, r, checkpointEvery, keep, logEvery, shards);
    }

    public Options withLearningRate(float lr) {
      return new Options(steps, batch, lr, model, out, resume, checkpointEvery, keep, logEvery, shards);
    }

    public Options withLogEvery(int every) {
      return new Options(steps, batch, learningRate, model, out, resume, checkpointEvery, keep, every, shards);
    }

    public Options withCheckpointEvery(int every) {
      return new Options(steps, batch, learningRate, model, out, resume, every, keep, logEvery, shards);
    }

    public Options withShards(int k) {
      return new Options(steps, batch, learningRate, model, out, resume, checkpointEvery, keep, logEvery, k);
    }
  }

  /**
   * What a run did. {@code msPerStep}: the steady pace, over the steps after the first; {@code firstStepSeconds}: the
   * first step alone, which includes TensorFlow's one-time optimisation of the graph.
   */
  public record TrainResult(Path out, long firstStep, long lastStep, double firstLoss, double lastLoss,
      double lastAccuracy, double msPerStep, double firstStepSeconds, Path lossCurve, SongDataset.Report data) {}

  public static TrainResult train(SongDataset data, Options o, PrintStream console) {
    return train(data, o, null, console);
  }

  /**
   * As {@link #train(SongDataset, Options, PrintStream)}, with {@code rnn} (a student's {@code RNN(input_vec, weights,
   * biases)}) as the recurrence when it is not null: the notebook's one-hot, unsharded graph around it.
   */
  public static TrainResult train(SongDataset data, Options o, MusicLstm.Rnn rnn, PrintStream console) {
    Path out = AtomicFiles.requireWritableDir(o.out());
    CheckpointStore store = new CheckpointStore(out.resolve("checkpoints"), o.keep(), console);
    if (!o.resume() && !store.list().isEmpty()) {
      throw new UserError(out + ": already holds checkpoints of a run; pass --resume to continue it or choose"
          + " another --out");
    }
    if (o.resume()) {
      Path specFile = out.resolve(ModelSpec.FILE);
      if (Files.isRegularFile(specFile) && !ModelSpec.read(specFile).equals(ModelSpec.of(o.model()))) {
        throw new UserError(specFile + ": the run there has another model shape; resume with the same options");
      }
    }
    ModelSpec.of(o.model()).write(out);
    BatchSampler sampler = data.batches(o.batch(), o.model().timesteps(), o.model().seed());
    MusicLstm.Sharding sharding = rnn != null ? MusicLstm.Sharding.NONE : MusicLstm.Sharding.of(o.batch(), o.shards());
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      MusicLstm model = rnn != null ? MusicLstm.plugged(tf, o.model(), rnn)
          : MusicLstm.build(tf, o.model(), MusicLstm.Naming.PYTHON, sharding);
      Tf1Adam.Update update = new Tf1Adam(o.learningRate()).applyGradients(tf, model.gradients(tf),
          model.trainables());
      try (Session session = new Session(g, sharding.sessionConfig())) {
        long start = 0;
        if (o.resume()) {
          OptionalLong restored = store.restoreLatest(session);
          start = restored.orElse(0);
          sampler.skip(start);
          console.println(restored.isPresent() ? "Resuming from step " + start : "No checkpoint to resume: starting");
        }
        if (start == 0) {
          session.initialize();
        }
        return loop(session, model, update, sampler, store, o, start, data.report(), console);
      }
    }
  }

  private static TrainResult loop(Session session, MusicLstm model, Tf1Adam.Update update, BatchSampler sampler,
      CheckpointStore store, Options o, long start, SongDataset.Report report, PrintStream console) {
    Path out = o.out();
    double firstLoss = Double.NaN;
    double loss = Double.NaN;
    double accuracy = Double.NaN;
    long began = System.nanoTime();
    long firstDone = began;
    try (MetricsLog metrics = MetricsLog.open(out, o.resume());
        TensorBoardWriter board = new TensorBoardWriter(out.resolve("tensorboard"));
        Progress progress = Progress.start("music train", o.steps(), start)) {
      if (o.resume()) {
        metrics.truncateAfter(start);
      }
      for (long step = start + 1; step <= o.steps(); step++) {
        BatchSampler.Batch batch = sampler.next();
        try (ModelFeed feed = ModelFeed.of(model, batch);
            org.tensorflow.Result r = feed.into(session.runner()).fetch(model.loss).fetch(model.accuracy)
                .addTarget(update.train()).run()) {
          loss = ((TFloat32) r.get(0)).getFloat();
          accuracy = ((TFloat32) r.get(1)).getFloat();
        }
        TrainingGuard.checkFinite(step, loss);
        if (Double.isNaN(firstLoss)) {
          firstLoss = loss;
          firstDone = System.nanoTime();
        }
        Map<String, Double> row = new LinkedHashMap<>();
        row.put("loss", loss);
        row.put("accuracy", accuracy);
        metrics.log(step, row);
        board.scalar("loss", step, loss);
        board.scalar("accuracy", step, accuracy);
        String line = String.format(Locale.ROOT, "loss %.4f acc %.3f", loss, accuracy);
        progress.step(step, " " + line);
        if (!progress.isDrawn() && o.logEvery() > 0 && (step % o.logEvery() == 0 || step == o.steps())) {
          console.printf(Locale.ROOT, "step %d/%d  %s%n", step, o.steps(), line);
        }
        if (step % o.checkpointEvery() == 0 || step == o.steps()) {
          store.save(session, step);
        }
      }
    }
    long done = Math.max(0, o.steps() - start);
    double msPerStep = done == 0 ? Double.NaN
        : done == 1 ? (firstDone - began) / 1e6 : (System.nanoTime() - firstDone) / 1e6 / (done - 1);
    double firstStepSeconds = done == 0 ? Double.NaN : (firstDone - began) / 1e9;
    Path curve = lossCurve(out);
    return new TrainResult(out, start, o.steps(), firstLoss, loss, accuracy, msPerStep, firstStepSeconds, curve,
        report);
  }

  /** Draws loss and accuracy over every step in {@code metrics.csv} (a resumed run's earlier steps included). */
  static Path lossCurve(Path out) {
    List<double[]> rows = new ArrayList<>();
    try {
      List<String> lines = Files.readAllLines(out.resolve(MetricsLog.CSV));
      for (String l : lines.subList(Math.min(1, lines.size()), lines.size())) {
        String[] c = l.split(",");
        if (c.length >= 3) {
          rows.add(new double[] {Double.parseDouble(c[0]), Double.parseDouble(c[1]), Double.parseDouble(c[2])});
        }
      }
    } catch (IOException | NumberFormatException e) {
      return null;
    }
    if (rows.isEmpty()) {
      return null;
    }
    double[][] lossSeries = new double[2][rows.size()];
    double[][] accSeries = new double[2][rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      lossSeries[0][i] = rows.get(i)[0];
      lossSeries[1][i] = rows.get(i)[1];
      accSeries[0][i] = rows.get(i)[0];
      accSeries[1][i] = rows.get(i)[2];
    }
    Map<String, double[][]> series = new LinkedHashMap<>();
    series.put("loss", lossSeries);
    series.put("accuracy", accSeries);
    return Charts.lineChart(out.resolve("loss.png"), "Music LSTM training", "step", "value", series);
  }
}
