package org.introdl.music.train;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.introdl.core.train.RunManifest;
import org.introdl.core.train.StepMetrics;
import org.introdl.core.train.TrainingRun;
import org.introdl.music.data.SongBatches;
import org.introdl.music.data.SongDataset;
import org.introdl.music.model.LstmGraph;
import org.introdl.music.model.ModelFeed;
import org.introdl.music.model.MusicLstm;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The lab's training cell: {@code training_steps} Adam steps on random batches, printing loss and accuracy. The
 * loop itself, with what a long run needs (metrics, TensorBoard, checkpoints, resume, Ctrl-C, the chart), is the
 * shared {@link TrainingRun}; this class says what one step is.
 *
 * <p>Output folder: {@code run.json}, {@code checkpoints/step-*}, {@code metrics.csv}, {@code metrics.jsonl},
 * {@code tensorboard/events.out.tfevents.*}, {@code loss.png}.
 */
public final class MusicTrainer {
  public static final String LAB = "music";
  public static final String COMMAND = "./labs music train";
  public static final int CHECKPOINT_EVERY_DEFAULT = 50;
  public static final int KEEP_DEFAULT = 3;

  private MusicTrainer() {}

  /** Where a run goes and how it is kept; none of it changes the numbers. */
  public record Options(MusicSettings settings, Path out, boolean resume, int checkpointEvery, int keep,
      int logEvery) {
    public static Options of(MusicSettings settings, Path out) {
      return new Options(settings, out, false, CHECKPOINT_EVERY_DEFAULT, KEEP_DEFAULT, 10);
    }

    public Options withResume(boolean r) {
      return new Options(settings, out, r, checkpointEvery, keep, logEvery);
    }

    public Options withSettings(MusicSettings s) {
      return new Options(s, out, resume, checkpointEvery, keep, logEvery);
    }

    public Options withCheckpointEvery(int every) {
      return new Options(settings, out, resume, every, keep, logEvery);
    }

    public Options withLogEvery(int every) {
      return new Options(settings, out, resume, checkpointEvery, keep, every);
    }
  }

  /**
   * What {@code ./labs music train} asks for: the settings, the songs folder if one was given, and which settings
   * the user gave explicitly (a resumed run takes the others from its {@code run.json}).
   */
  public record Request(MusicSettings settings, Set<String> given, Optional<Path> data, Options options,
      MusicLstm.Rnn rnn) {
    /** With the notebook's own RNN. */
    public Request(MusicSettings settings, Set<String> given, Optional<Path> data, Options options) {
      this(settings, given, data, options, null);
    }
  }

  /** What a run did: the shared run's outcome and the songs it trained on. */
  public record TrainResult(TrainingRun.Outcome run, SongDataset.Report data) {}

  /**
   * {@code ./labs music train}: loads the songs (a resumed run's own, unless {@code --data} names others, which is
   * then refused if they differ) and trains.
   */
  public static TrainResult run(Request r, PrintStream console) {
    Options o = r.options();
    SongDataset songs;
    if (o.resume()) {
      RunManifest recorded = RunManifest.forResume(o.out(), LAB, COMMAND);
      o = o.withSettings(recorded.resumeSettings(r.settings(), r.given(), o.out()));
      songs = r.data().isPresent() ? SongDataset.load(r.data().get(), SongDataset.MIN_ROWS_DEFAULT, console)
          : SongDataset.loadFor(recorded.data(), SongDataset.MIN_ROWS_DEFAULT, console);
    } else {
      songs = SongDataset.loadDefault(r.data(), SongDataset.MIN_ROWS_DEFAULT, console);
    }
    console.println(songs.report().summary());
    return train(songs, o, r.rnn(), console);
  }

  /** Trains on {@code data} (a resumed run: with the same settings and data as it started with). */
  public static TrainResult train(SongDataset data, Options o, PrintStream console) {
    return train(data, o, null, console);
  }

  /**
   * As {@link #train(SongDataset, Options, PrintStream)}, with {@code rnn} (a student's {@code RNN(input_vec,
   * weights, biases)}, or null for the settings' own graph) as the recurrence of the notebook's graph.
   */
  public static TrainResult train(SongDataset data, Options o, MusicLstm.Rnn rnn, PrintStream console) {
    MusicSettings s = o.settings();
    TrainingRun.Plan plan = new TrainingRun.Plan(LAB, "Lab 2 (music)", COMMAND, o.out(), s.steps(),
        o.checkpointEvery(), o.keep(), o.logEvery(), o.resume());
    RunManifest manifest = RunManifest.of(LAB, s, data.fingerprint());
    if (rnn instanceof NotebookTraining student) {
      manifest = manifest.withExercises(student.origin());
    }
    TrainingRun run = TrainingRun.start(plan, manifest, console);
    if (run.complete()) {
      return new TrainResult(run.nothingToDo(), data.report());
    }
    SongBatches sampler = data.batches(s.batch(), s.timesteps(), s.seed());
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      LstmGraph model = rnn == null ? s.buildGraph(tf)
          : MusicLstm.build(tf, s.notebookModel(), rnn);
      NotebookTraining.Step update = NotebookTraining.step(tf, model, rnn, s.lr());
      try (Session session = new Session(g, s.sessionConfig())) {
        long start = run.restoreOrInitialize(session);
        sampler.skip(start);
        TrainingRun.Outcome outcome = run.loop(session, start, step -> {
          try (ModelFeed feed = ModelFeed.of(model, sampler.next());
              Result r = feed.into(session.runner()).fetch(update.loss()).fetch(update.accuracy())
                  .addTarget(update.train()).run()) {
            return StepMetrics.of(((TFloat32) r.get(0)).getFloat(), ((TFloat32) r.get(1)).getFloat());
          }
        });
        return new TrainResult(outcome, data.report());
      }
    }
  }
}
