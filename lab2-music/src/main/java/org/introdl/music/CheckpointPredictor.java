package org.introdl.music;

import java.nio.file.Path;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.introdl.core.tf.SessionThreads;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A trained model restored from a checkpoint, for generation: the window graph (the fast exact variant: one input
 * gather for all rows, see {@link FastMusicLstm}) and a one-step graph on the same variables for the stateful scheme.
 */
public final class CheckpointPredictor implements NotePredictor {
  /**
   * Generation runs batch-1 graphs: chains of tiny ops, where handing ops between threads costs more than it gives.
   * One thread runs each op inline (the 500-note stateful song: 41 -> 27 ms; the window song: 373 -> 309 ms).
   */
  public static final ConfigProto ONE_THREAD = SessionThreads.oneThreadPerOp(1);

  private final Graph graph;
  private final Session session;
  private final FastMusicLstm model;
  private final StepGraph step;
  private final Ops tf;
  private ChunkGraph chunk;
  private SharedWindows sharedWindows;

  private CheckpointPredictor(Graph graph, Session session, FastMusicLstm model, StepGraph step) {
    this.graph = graph;
    this.session = session;
    this.model = model;
    this.step = step;
    this.tf = Ops.create(graph);
  }

  /**
   * Stateful generation of {@code notes} notes in chunks of {@link ChunkGraph#STEPS} cell steps per run, each note
   * drawn inside the graph from a uniform number drawn here (inverse CDF, as {@link SongSampler#choose}): one run per
   * chunk instead of one per note. The seed is read first, in one run of the window graph (from a zero state, T
   * steps read exactly what one window reads), which also gives the state to go on from.
   */
  public int[] generateStateful(int[] seed, int notes, SongSampler.Options o) {
    if (chunk == null) {
      chunk = new ChunkGraph(tf, model, step);
    }
    java.util.SplittableRandom random = new java.util.SplittableRandom(o.seed());
    int[] out = new int[notes];
    // The seed is read from a zero state by the window graph; its last (c, h) start the chunks.
    try (CarriedState state = CarriedState.zeros(1, model.config.hidden())) {
      float[] p;
      try (ModelFeed feed = ModelFeed.inputsOnly(model, seed, 1)) {
        p = state.advance(feed.into(session.runner()).fetch(model.prediction).fetch(model.lastC).fetch(model.lastH)
            .run());
      }
      int first = SongSampler.choose(p, o, random);
      out[0] = first;
      int done = 1;
      int last = first;
      while (done < notes) {
        float[] u = new float[ChunkGraph.STEPS];
        for (int i = 0; i < u.length; i++) {
          u[i] = (float) random.nextDouble();
        }
        int[] drawn = chunk.run(session, state, last, u, o);
        int take = Math.min(drawn.length, notes - done);
        System.arraycopy(drawn, 0, out, done, take);
        done += take;
        last = drawn[drawn.length - 1];
      }
    }
    return out;
  }

  /** Restores what {@code checkpoint} names (a run folder: its newest checkpoint; or one step folder). */
  public static CheckpointPredictor open(Path checkpoint) {
    return open(MusicRun.locate(checkpoint, "music generate"), checkpoint);
  }

  /** Restores the checkpoint {@code checkpoint} names (a step folder, or the newest of the run). */
  public static CheckpointPredictor open(MusicRun run, Path checkpoint) {
    Path runDir = run.dir();
    FastMusicLstm.Config config = run.settings().fastModel();
    Graph g = new Graph();
    try {
      Ops tf = Ops.create(g);
      FastMusicLstm model = FastMusicLstm.build(tf, config);
      StepGraph step = new StepGraph(tf, model);
      Session s = new Session(g, ONE_THREAD);
      try {
        RunCheckpoints.restore(s, checkpoint, runDir);
      } catch (RuntimeException e) {
        s.close();
        throw e;
      }
      return new CheckpointPredictor(g, s, model, step);
    } catch (RuntimeException e) {
      g.close();
      throw e;
    }
  }

  /** A freshly initialised model (no checkpoint): for benchmarks, where the weights do not change the timing. */
  public static CheckpointPredictor untrained(FastMusicLstm.Config config) {
    Graph g = new Graph();
    try {
      Ops tf = Ops.create(g);
      FastMusicLstm model = FastMusicLstm.build(tf, config.with(FastMusicLstm.Cell.PROJECTED, FastMusicLstm.Input.NOTE_INDICES));
      StepGraph step = new StepGraph(tf, model);
      Session s = new Session(g, ONE_THREAD);
      s.initialize();
      return new CheckpointPredictor(g, s, model, step);
    } catch (RuntimeException e) {
      g.close();
      throw e;
    }
  }

  /** The restored model's graph handles. */
  public FastMusicLstm model() {
    return model;
  }

  /** Session of the restored model (tests compare it with exports). */
  public Session session() {
    return session;
  }

  @Override
  public int timesteps() {
    return model.config.timesteps();
  }

  @Override
  public float[] predict(int[] window) {
    try (ModelFeed feed = ModelFeed.inputsOnly(model, window, 1);
        Result r = feed.into(session.runner()).fetch(model.prediction).run()) {
      return MusicTensors.floats((TFloat32) r.get(0));
    }
  }

  /** Probabilities for many windows at once ({@code count} windows of {@code timesteps} notes). */
  public float[] predictBatch(int[] windows, int count) {
    try (ModelFeed feed = ModelFeed.inputsOnly(model, windows, count);
        Result r = feed.into(session.runner()).fetch(model.prediction).run()) {
      return MusicTensors.floats((TFloat32) r.get(0));
    }
  }

  /** The lab's windows with their common steps shared ({@link SharedWindows}). */
  @Override
  public WindowStream windows(int[] seed) {
    if (sharedWindows == null) {
      sharedWindows = new SharedWindows(tf, model, step);
    }
    return sharedWindows.start(session, seed);
  }

  /** A fresh LSTM state for the stateful scheme: one cell step per call. */
  public StatefulStepper stepper() {
    return step.start(session, model.config.hidden());
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }

  /**
   * {@link #STEPS} stateful steps in one run: feed the previous note, (c, h) and one uniform number per step; each
   * step's distribution (softmax, then p^(1/T)) is sampled by inverse CDF (or argmax when greedy) and fed to the next.
   */
  static final class ChunkGraph {
    static final int STEPS = 50;
    final Placeholder<TInt32> note;
    final Placeholder<TFloat32> c;
    final Placeholder<TFloat32> h;
    final Placeholder<TFloat32> uniforms;
    final Placeholder<TFloat32> inverseTemperature;
    final Placeholder<org.tensorflow.types.TBool> greedy;
    final Operand<TInt32> notes;
    final Operand<TFloat32> lastC;
    final Operand<TFloat32> lastH;

    ChunkGraph(Ops root, FastMusicLstm model, StepGraph stepGraph) {
      Ops tf = root.withSubScope("chunk");
      int hidden = model.config.hidden();
      note = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(1)));
      c = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, hidden)));
      h = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, hidden)));
      uniforms = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(STEPS)));
      inverseTemperature = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      greedy = tf.placeholder(org.tensorflow.types.TBool.class, Placeholder.shape(Shape.scalar()));
      List<Output<TFloat32>> u = tf.unstack(uniforms, (long) STEPS).output();
      Operand<TInt32> current = note;
      Operand<TFloat32> cs = c;
      Operand<TFloat32> hs = h;
      List<Operand<TInt32>> drawn = new java.util.ArrayList<>();
      for (int t = 0; t < STEPS; t++) {
        Operand<TFloat32> gates = tf.math.add(tf.math.add(tf.gather(stepGraph.table, current, tf.constant(0)),
            tf.linalg.matMul(hs, stepGraph.recurrent)), stepGraph.biasRead);
        Operand<TFloat32>[] next = FastMusicLstm.cellUpdate(tf, gates, cs);
        cs = next[0];
        hs = next[1];
        Operand<TFloat32> p = tf.nn.softmax(tf.math.add(tf.linalg.matMul(hs, stepGraph.weightsRead), stepGraph.biasesRead));
        Operand<TFloat32> w = tf.math.pow(p, inverseTemperature);
        Operand<TFloat32> cumulative = tf.math.cumsum(w, tf.constant(1));
        Operand<TFloat32> threshold = tf.math.mul(u.get(t), tf.reduceSum(w, tf.constant(1)));
        Operand<TInt32> below = tf.reduceSum(tf.dtypes.cast(tf.math.lessEqual(cumulative, threshold), TInt32.class),
            tf.constant(1));
        Operand<TInt32> sampled = tf.math.minimum(below, tf.constant(new int[] {FastMusicLstm.NOTE_COUNT - 1}));
        Operand<TInt32> best = tf.math.argMax(p, tf.constant(1), TInt32.class);
        current = tf.select(greedy, best, sampled);
        drawn.add(current);
      }
      notes = tf.concat(drawn, tf.constant(0));
      lastC = cs;
      lastH = hs;
    }

    int[] run(Session session, CarriedState state, int previous, float[] u, SongSampler.Options o) {
      try (TInt32 noteT = TInt32.vectorOf(previous == Melody.REST ? FastMusicLstm.NOTE_COUNT : previous);
          TFloat32 uT = TFloat32.vectorOf(u);
          TFloat32 invT = TFloat32.scalarOf((float) (1.0 / o.temperature()));
          org.tensorflow.types.TBool greedyT = org.tensorflow.types.TBool.scalarOf(o.greedy())) {
        Result r = session.runner().feed(note, noteT).feed(c, state.c()).feed(h, state.h()).feed(uniforms, uT)
            .feed(inverseTemperature, invT).feed(greedy, greedyT).fetch(notes).fetch(lastC).fetch(lastH).run();
        try {
          int[] out = new int[STEPS];
          TInt32 n = (TInt32) r.get(0);
          for (int i = 0; i < STEPS; i++) {
            out[i] = n.getInt(i);
          }
          n.close();
          state.replace(r.get(1), r.get(2)); // the state now owns the new c and h
          return out;
        } catch (RuntimeException e) {
          r.close();
          throw e;
        }
      }
    }
  }

  /**
   * One BasicLSTMCell step at batch 1 on the model's variables: note index, c, h in; probabilities, c', h' out. The
   * state tensors returned by one run are fed straight back into the next (no copy through Java arrays).
   */
  static final class StepGraph {
    final Placeholder<TInt32> note;
    final Placeholder<TFloat32> c;
    final Placeholder<TFloat32> h;
    final Operand<TFloat32> probabilities;
    final Operand<TFloat32> newC;
    final Operand<TFloat32> newH;
    final Operand<TFloat32> table;
    final Operand<TFloat32> recurrent;
    final Operand<TFloat32> biasRead;
    final Operand<TFloat32> weightsRead;
    final Operand<TFloat32> biasesRead;

    StepGraph(Ops root, FastMusicLstm model) {
      Ops tf = root.withSubScope("step");
      int hidden = model.config.hidden();
      int inputs = model.config.inputSize();
      note = tf.withName("note").placeholder(TInt32.class, Placeholder.shape(Shape.of(1)));
      c = tf.withName("c").placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, hidden)));
      h = tf.withName("h").placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, hidden)));
      List<Output<TFloat32>> parts = tf.splitV(tf.identity(model.kernel), tf.constant(new int[] {inputs, hidden}),
          tf.constant(0), 2L).output();
      table = tf.concat(List.of(parts.get(0),
          tf.zeros(tf.constant(new long[] {1, 4L * hidden}), TFloat32.class)), tf.constant(0));
      recurrent = parts.get(1);
      biasRead = tf.identity(model.bias);
      weightsRead = tf.identity(model.weights);
      biasesRead = tf.identity(model.biases);
      Operand<TFloat32> gates = tf.math.add(tf.math.add(tf.gather(table, note, tf.constant(0)),
          tf.linalg.matMul(h, recurrent)), biasRead);
      Operand<TFloat32>[] next = FastMusicLstm.cellUpdate(tf, gates, c);
      newC = next[0];
      newH = next[1];
      probabilities = tf.nn.softmax(tf.math.add(tf.linalg.matMul(newH, weightsRead), biasesRead));
    }

    /** A stepper from the zero state. */
    StatefulStepper start(Session session, int hidden) {
      return new Stepper(session, CarriedState.zeros(1, hidden));
    }

    /** One cell step per call, the state carried between runs. */
    private final class Stepper implements StatefulStepper {
      private final Session session;
      private final CarriedState state;

      private Stepper(Session session, CarriedState state) {
        this.session = session;
        this.state = state;
      }

      @Override
      public float[] step(int n) {
        try (TInt32 noteT = TInt32.vectorOf(n == Melody.REST ? FastMusicLstm.NOTE_COUNT : n)) {
          return state.advance(session.runner().feed(note, noteT).feed(c, state.c()).feed(h, state.h())
              .fetch(probabilities).fetch(newC).fetch(newH).run());
        }
      }

      @Override
      public void close() {
        state.close();
      }
    }
  }
}
