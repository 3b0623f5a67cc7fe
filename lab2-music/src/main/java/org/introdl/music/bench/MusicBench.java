package org.introdl.music.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.introdl.core.bench.BenchWorkload;
import org.introdl.core.optim.Tf1Adam;
import org.introdl.music.data.BuiltinMelodies;
import org.introdl.music.data.Melody;
import org.introdl.music.data.SongBatches;
import org.introdl.music.data.SongDataset;
import org.introdl.music.bench.CandidateLstm.Cell;
import org.introdl.music.fast.FastMusicLstm;
import org.introdl.music.fast.FastMusicLstm.Input;
import org.introdl.music.fast.FastMusicLstm.Sharding;
import org.introdl.music.model.LstmGraph;
import org.introdl.music.model.ModelFeed;
import org.introdl.music.model.MusicLstm;
import org.introdl.music.model.NotePredictor;
import org.introdl.music.sample.CheckpointPredictor;
import org.introdl.music.sample.SongSampler;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;

/**
 * The music lab's workloads for {@code ./labs bench}. W1: one training step at B=256, T=64 (the graph {@code music
 * train} runs, the levers one by one, and the baseline: the unrolled primitive-op LSTM with the framework's Adam and
 * default session options). W2: one sliding-window forward at B=1, a 500-note lab-faithful generation, and a
 * 500-note stateful generation. Inputs are fixed batches from the built-in corpus (seeded).
 */
public final class MusicBench {
  public static final int BATCH = 256;
  public static final int TIMESTEPS = 64;
  public static final int HIDDEN = 128;
  public static final String W1_BASELINE = "W1 music train step: baseline (unrolled, framework Adam)";
  /** The graph {@code music train} runs: a batch shard per core. */
  public static final String W1_FAST = "W1 music train step";
  /** The lab's generation loop as the notebook writes it: each window from scratch. */
  public static final String W2_RECOMPUTED = "W2 music 500 notes, every window recomputed (the notebook's loop)";
  /** The same notes, the windows' common steps shared ({@code music generate}'s default). */
  public static final String W2_SONG = "W2 music 500 notes, lab-faithful (sliding window)";
  public static final String W2_WINDOW = "W2 music forward B=1 T=64 (sliding window)";

  private MusicBench() {}

  /** Forward FLOPs of one window batch by the W1 convention: the gate matmuls of every step plus the dense layer. */
  public static double forwardFlops(int batch, int timesteps) {
    int in = Melody.NOTE_COUNT;
    return 2.0 * timesteps * batch * (in + HIDDEN) * 4.0 * HIDDEN + 2.0 * batch * HIDDEN * in;
  }

  /** Training step FLOPs: 3 x the forward matmuls (10.384 GFLOP at B=256, T=64). */
  public static double trainFlops() {
    return 3 * forwardFlops(BATCH, TIMESTEPS);
  }

  public static List<BenchWorkload> workloads(boolean quick) {
    List<BenchWorkload> out = new ArrayList<>();
    suppliers(quick).forEach(s -> out.add(s.get()));
    return out;
  }

  /** The same workloads, built on demand (one at a time, so only one graph is in memory). */
  public static List<Supplier<BenchWorkload>> suppliers(boolean quick) {
    int cores = Runtime.getRuntime().availableProcessors();
    Sharding anyBatch = Sharding.NONE;
    Sharding fixedBatch = new Sharding(BATCH, 1);
    Sharding sharded = Sharding.forCores(BATCH, cores);
    List<Supplier<BenchWorkload>> w = new ArrayList<>();
    w.add(() -> new TrainStep(W1_BASELINE, TrainStepGraph.straightforward()));
    // The headline rows keep one name on every machine, so that `./labs bench --compare` can pair them.
    w.add(() -> new TrainStep(W1_FAST, TrainStepGraph.fast(Input.NOTE_INDICES, sharded)));
    if (!quick) {
      w.add(() -> new TrainStep("W1 lever: lab graph, deterministic Adam", TrainStepGraph.notebook()));
      w.add(() -> new TrainStep("W1 lever: unrolled + one-hot via gather",
          TrainStepGraph.candidate(Cell.UNROLLED, Input.NOTE_INDICES, anyBatch)));
      w.add(() -> new TrainStep("W1 lever: one input projection (matmul)",
          TrainStepGraph.autodiff(Input.ONE_HOT, anyBatch)));
      w.add(() -> new TrainStep("W1 lever: projection as a note gather",
          TrainStepGraph.autodiff(Input.NOTE_INDICES, anyBatch)));
      w.add(() -> new TrainStep("W1 lever: + fixed batch (static shapes)",
          TrainStepGraph.autodiff(Input.NOTE_INDICES, fixedBatch)));
      w.add(() -> new TrainStep("W1 lever: shards, autodiff kernel gradient",
          TrainStepGraph.autodiff(Input.NOTE_INDICES, sharded)));
      w.add(() -> new TrainStep("W1 lever: shards, default session threads",
          TrainStepGraph.fast(Input.NOTE_INDICES, sharded).withSession(ConfigProto.getDefaultInstance())));
      w.add(() -> new TrainStep("W1 lever: fused BlockLSTM",
          TrainStepGraph.candidate(Cell.BLOCK, Input.NOTE_INDICES, anyBatch)));
      w.add(() -> new TrainStep("W1 lever: fused BlockLSTM, shards",
          TrainStepGraph.candidate(Cell.BLOCK, Input.NOTE_INDICES, sharded)));
    }
    w.add(() -> new WindowForward(W2_WINDOW, tf -> FastMusicLstm.build(tf, labShape(Input.NOTE_INDICES)), null));
    if (!quick) {
      w.add(() -> new WindowForward("W2 lever: forward, lab graph (unrolled, one-hot)",
          tf -> MusicLstm.build(tf, MusicLstm.Config.of(HIDDEN, TIMESTEPS, 0)), W2_WINDOW));
      w.add(() -> new WindowForward("W2 lever: forward, fused BlockLSTM",
          tf -> CandidateLstm.build(tf, labShape(Input.NOTE_INDICES), Cell.BLOCK), W2_WINDOW));
    }
    w.add(() -> new Generation(W2_RECOMPUTED, SongSampler.Scheme.WINDOW_RECOMPUTED, null));
    w.add(() -> new Generation(W2_SONG, SongSampler.Scheme.WINDOW, W2_RECOMPUTED));
    w.add(() -> new Generation("W2 music 500 notes, stateful", SongSampler.Scheme.STATEFUL, W2_RECOMPUTED));
    return w;
  }

  /** The lab's model shape, fed as {@code input}. */
  static FastMusicLstm.Config labShape(Input input) {
    return FastMusicLstm.Config.of(HIDDEN, TIMESTEPS, input, 0);
  }

  /**
   * How a W1 graph is built: the model graph, which gradients and optimizer, which session threads. The baseline is
   * the straightforward graph: the lab's unrolled cell, the framework's Adam, default session options.
   */
  record TrainStepGraph(Function<Ops, LstmGraph> model, boolean frameworkAdam, boolean modelGradients,
      ConfigProto session, String baseline) {
    static TrainStepGraph straightforward() {
      return new TrainStepGraph(tf -> CandidateLstm.build(tf, labShape(Input.ONE_HOT), Cell.UNROLLED,
          CandidateLstm.Naming.FLAT, Sharding.NONE), true, false, ConfigProto.getDefaultInstance(), null);
    }

    /** As {@code music train} builds it: the model's gradients, TF1 Adam, the layout's session threads. */
    static TrainStepGraph fast(Input input, Sharding sharding) {
      return new TrainStepGraph(tf -> FastMusicLstm.build(tf, labShape(input), sharding), false, true,
          sharding.sessionConfig(), W1_BASELINE);
    }

    /** The fast form with plain autodiff of every variable, TF1 Adam, the layout's session threads. */
    static TrainStepGraph autodiff(Input input, Sharding sharding) {
      return new TrainStepGraph(tf -> FastMusicLstm.build(tf, labShape(input), sharding), false, false,
          sharding.sessionConfig(), W1_BASELINE);
    }

    /** The notebook's graph as {@code music train --graph notebook} builds it, with TF1 Adam. */
    static TrainStepGraph notebook() {
      return new TrainStepGraph(tf -> MusicLstm.build(tf, MusicLstm.Config.of(HIDDEN, TIMESTEPS, 0)), false, false,
          ConfigProto.getDefaultInstance(), W1_BASELINE);
    }

    /** One of the bench's other cells, with plain autodiff, TF1 Adam, the layout's session threads. */
    static TrainStepGraph candidate(Cell cell, Input input, Sharding sharding) {
      return new TrainStepGraph(tf -> CandidateLstm.build(tf, labShape(input), cell, CandidateLstm.Naming.PYTHON,
          sharding), false, false, sharding.sessionConfig(), W1_BASELINE);
    }

    TrainStepGraph withSession(ConfigProto config) {
      return new TrainStepGraph(model, frameworkAdam, modelGradients, config, baseline);
    }
  }

  /** One Adam step on a fixed batch. */
  static final class TrainStep implements BenchWorkload {
    private final String name;
    private final String baseline;
    private final Graph graph = new Graph();
    private final Session session;
    private final ModelFeed feed;
    private final Op train;

    TrainStep(String name, TrainStepGraph how) {
      this.name = name;
      this.baseline = how.baseline();
      Ops tf = Ops.create(graph);
      LstmGraph model = how.model().apply(tf);
      if (how.frameworkAdam()) {
        train = new org.tensorflow.framework.optimizers.Adam(graph, 0.001f).minimize(model.loss());
      } else if (how.modelGradients()) {
        train = new Tf1Adam(0.001f).applyGradients(tf, model.gradients(tf), model.trainables()).train();
      } else {
        train = new Tf1Adam(0.001f).minimize(tf, model.loss(), model.trainables()).train();
      }
      session = new Session(graph, how.session());
      SongBatches.Batch batch = SongDataset.of("bench", BuiltinMelodies.songs()).batches(BATCH, TIMESTEPS, 1).next();
      feed = ModelFeed.of(model, batch);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public double flopsPerRun() {
      return trainFlops();
    }

    @Override
    public String baseline() {
      return baseline;
    }

    @Override
    public void run() {
      feed.into(session.runner()).addTarget(train).run().close();
    }

    @Override
    public void close() {
      feed.close();
      session.close();
      graph.close();
    }
  }

  /** One prediction from a 64-row window at batch 1 (one step of the lab's generation loop). */
  static final class WindowForward implements BenchWorkload {
    private final String name;
    private final String baseline;
    private final Graph graph = new Graph();
    private final Session session;
    private final ModelFeed feed;
    private final LstmGraph model;

    WindowForward(String name, Function<Ops, LstmGraph> build, String baseline) {
      this.name = name;
      this.baseline = baseline;
      model = build.apply(Ops.create(graph));
      session = new Session(graph, CheckpointPredictor.ONE_THREAD); // as generation runs it
      int[] window = BuiltinMelodies.songs().get(0).melody().slice(0, TIMESTEPS).notes();
      feed = ModelFeed.inputsOnly(model, window, 1);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public double flopsPerRun() {
      return forwardFlops(1, TIMESTEPS);
    }

    @Override
    public String baseline() {
      return baseline;
    }

    @Override
    public void run() {
      feed.into(session.runner()).fetch(model.prediction()).run().close();
    }

    @Override
    public void close() {
      feed.close();
      session.close();
      graph.close();
    }
  }

  /** 500 notes after a 64-row seed, with an untrained model of the lab's shape (the timing does not depend on it). */
  static final class Generation implements BenchWorkload {
    private final String name;
    private final SongSampler.Scheme scheme;
    private final String baseline;
    private final NotePredictor model;
    private final Melody seed;
    private long runs;

    Generation(String name, SongSampler.Scheme scheme, String baseline) {
      this.name = name;
      this.scheme = scheme;
      this.baseline = baseline;
      this.model = CheckpointPredictor.untrained(labShape(Input.NOTE_INDICES));
      this.seed = BuiltinMelodies.songs().get(0).melody();
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public double flopsPerRun() {
      return switch (scheme) {
        case WINDOW_RECOMPUTED -> 500 * forwardFlops(1, TIMESTEPS);
        case WINDOW -> (TIMESTEPS + 499) * forwardFlops(TIMESTEPS, 1); // one step at batch T per row
        case STATEFUL -> (TIMESTEPS + 499) * forwardFlops(1, 1);
      };
    }

    @Override
    public String baseline() {
      return baseline;
    }

    @Override
    public void run() {
      SongSampler.generate(model, seed, new SongSampler.Options(500, runs++, 1.0, false, scheme));
    }

    @Override
    public void close() {
      model.close();
    }
  }
}
