package org.introdl.music.sample;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.introdl.core.tf.SessionThreads;
import org.introdl.music.fast.CarriedState;
import org.introdl.music.fast.FastMusicLstm;
import org.introdl.music.fast.NoteStep;
import org.introdl.music.fast.SampledChunk;
import org.introdl.music.fast.SharedWindows;
import org.introdl.music.fast.StatefulStep;
import org.introdl.music.model.LstmGraph;
import org.introdl.music.model.ModelFeed;
import org.introdl.music.model.MusicLstm;
import org.introdl.music.model.MusicTensors;
import org.introdl.music.model.NotePredictor;
import org.introdl.music.train.MusicRun;
import org.introdl.music.train.MusicSettings;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * A trained model restored from a checkpoint, for generation. The windows run through the graph the run trained
 * with: for a {@code --graph notebook} run the notebook's {@link MusicLstm}, every window read from scratch as the
 * notebook's loop does; otherwise the fast form (one input gather for all rows, see {@link FastMusicLstm}) with the
 * windows' common steps shared ({@link SharedWindows}). The stateful scheme steps the same variables one note at a
 * time ({@link StatefulStep}, {@link SampledChunk}).
 */
public final class CheckpointPredictor implements NotePredictor {
  /**
   * Generation runs batch-1 graphs: chains of tiny ops, where handing ops between threads costs more than it gives.
   * One thread runs each op inline (the 500-note stateful song: 41 -> 27 ms; the window song: 373 -> 309 ms).
   */
  public static final ConfigProto ONE_THREAD = SessionThreads.oneThreadPerOp(1);

  private final Graph graph;
  private final Session session;
  private final LstmGraph model;
  private final NoteStep cell;
  private final StatefulStep step;
  private final Ops tf;
  private SampledChunk chunk;
  private SharedWindows sharedWindows;

  private CheckpointPredictor(Graph graph, Session session, LstmGraph model, NoteStep cell, StatefulStep step) {
    this.graph = graph;
    this.session = session;
    this.model = model;
    this.cell = cell;
    this.step = step;
    this.tf = Ops.create(graph);
  }

  /**
   * Stateful generation of {@code notes} notes in chunks of {@link SampledChunk#STEPS} cell steps per run, each note
   * drawn inside the graph from a uniform number drawn here (inverse CDF, as {@link SongSampler#choose}): one run per
   * chunk instead of one per note. The seed is read first (from a zero state, T steps read exactly what one window
   * reads), which also gives the state to go on from.
   */
  public int[] generateStateful(int[] seed, int notes, SongSampler.Options o) {
    if (chunk == null) {
      chunk = new SampledChunk(tf, cell);
    }
    SplittableRandom random = new SplittableRandom(o.seed());
    int[] out = new int[notes];
    try (CarriedState state = CarriedState.zeros(1, cell.hidden())) {
      int last = SongSampler.choose(readSeed(seed, state), o, random);
      out[0] = last;
      int done = 1;
      while (done < notes) {
        float[] u = new float[SampledChunk.STEPS];
        for (int i = 0; i < u.length; i++) {
          u[i] = (float) random.nextDouble();
        }
        int[] drawn = chunk.run(session, state, last, u, o.temperature(), o.greedy());
        int take = Math.min(drawn.length, notes - done);
        System.arraycopy(drawn, 0, out, done, take);
        done += take;
        last = drawn[drawn.length - 1];
      }
    }
    return out;
  }

  /** Reads the seed into {@code state}: one run of the fast window graph, or one step per row. */
  private float[] readSeed(int[] seed, CarriedState state) {
    if (model instanceof FastMusicLstm fast) {
      try (ModelFeed feed = ModelFeed.inputsOnly(fast, seed, 1)) {
        return state.advance(feed.into(session.runner()).fetch(fast.prediction).fetch(fast.lastC)
            .fetch(fast.lastH).run());
      }
    }
    float[] p = null;
    for (int row : seed) {
      p = step.read(session, state, row);
    }
    return p;
  }

  /** Restores what {@code checkpoint} names (a run folder: its newest checkpoint; or one step folder). */
  public static CheckpointPredictor open(Path checkpoint) {
    return open(MusicRun.locate(checkpoint, "music generate"));
  }

  /** Restores the checkpoint {@code run} was found from (a step folder, or the newest of the run). */
  public static CheckpointPredictor open(MusicRun run) {
    MusicSettings settings = run.settings();
    Graph g = new Graph();
    try {
      Ops tf = Ops.create(g);
      LstmGraph model = settings.graph() == MusicSettings.Graph.notebook
          ? MusicLstm.build(tf, settings.notebookModel())
          : FastMusicLstm.build(tf, settings.fastModel());
      return start(g, model, run::restore);
    } catch (RuntimeException e) {
      g.close();
      throw e;
    }
  }

  /** A freshly initialised model (no checkpoint): for benchmarks, where the weights do not change the timing. */
  public static CheckpointPredictor untrained(FastMusicLstm.Config config) {
    Graph g = new Graph();
    try {
      FastMusicLstm model = FastMusicLstm.build(Ops.create(g), config.with(FastMusicLstm.Input.NOTE_INDICES));
      return start(g, model, Session::initialize);
    } catch (RuntimeException e) {
      g.close();
      throw e;
    }
  }

  /** The step graphs on {@code model}'s variables, and a session whose variables {@code load} sets. */
  private static CheckpointPredictor start(Graph g, LstmGraph model, java.util.function.Consumer<Session> load) {
    Ops tf = Ops.create(g);
    NoteStep cell = new NoteStep(tf, model);
    StatefulStep step = new StatefulStep(tf, cell);
    Session s = new Session(g, ONE_THREAD);
    try {
      load.accept(s);
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    return new CheckpointPredictor(g, s, model, cell, step);
  }

  /** The graph the windows run through: the notebook's, or its fast form. */
  LstmGraph model() {
    return model;
  }

  @Override
  public int timesteps() {
    return model.timesteps();
  }

  @Override
  public float[] predict(int[] window) {
    return predictBatch(window, 1);
  }

  /** Probabilities for many windows at once ({@code count} windows of {@code timesteps} notes). */
  public float[] predictBatch(int[] windows, int count) {
    try (ModelFeed feed = ModelFeed.inputsOnly(model, windows, count);
        Result r = feed.into(session.runner()).fetch(model.prediction()).run()) {
      return MusicTensors.floats((TFloat32) r.get(0));
    }
  }

  /**
   * The lab's windows: with the fast form, their common steps shared ({@link SharedWindows}); with the notebook's
   * graph, each window read from scratch, as the notebook's loop does.
   */
  @Override
  public WindowStream windows(int[] seed) {
    if (!(model instanceof FastMusicLstm)) {
      return NotePredictor.recomputedWindows(this, seed);
    }
    if (sharedWindows == null) {
      sharedWindows = new SharedWindows(tf, cell, model.timesteps());
    }
    return sharedWindows.start(session, seed);
  }

  /** A fresh LSTM state for the stateful scheme: one cell step per call. */
  public StatefulStepper stepper() {
    return step.start(session);
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
