package org.introdl.music.fast;

import java.util.ArrayList;
import java.util.List;
import org.introdl.core.optim.Tf1Adam;
import org.introdl.core.tf.GraphVariables;
import org.introdl.core.tf.SessionThreads;
import org.introdl.music.model.LstmGraph;
import org.introdl.music.model.MusicLstm;
import org.introdl.music.model.OutputHead;
import org.introdl.music.model.Tf1BasicLstmCell;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The notebook's model ({@link MusicLstm}) in its exact fast form: the same variables under the same names, the same
 * numbers to float rounding (tests hold every input form and batch layout to the notebook graph to 1e-5). {@code
 * music train} runs it with {@link Input#NOTE_INDICES} and a {@link Sharding} by default, {@code music export} with
 * {@link Input#ONE_HOT}; generation runs the note-index form at batch 1.
 *
 * <p>The cell at each step is TF1's {@code BasicLSTMCell} ({@link Tf1BasicLstmCell#update}), with one change of
 * order: the input half of the kernel is applied to all 64 steps at once (one large matmul, or with
 * {@link Input#NOTE_INDICES} a row gather, which is exact for one-hot rows), then only {@code h @ W_h} per step.
 * The bench's other constructions (the unrolled cell, TF's fused {@code BlockLSTM}) live in {@code music.bench}.
 *
 * <p>For training, a {@link Sharding} fixes the batch size and cuts the batch into shards that run side by side, one
 * per core, and {@link #gradients(Ops)} builds the recurrent weight gradient as one product per shard. Neither
 * changes the model: the variables, their names and the numbers are the same.
 */
public final class FastMusicLstm implements LstmGraph {
  public static final int NOTE_COUNT = MusicLstm.NOTE_COUNT;
  /** Index fed for a rest row on the {@link Input#NOTE_INDICES} path: it selects an all-zero input. */
  public static final int REST_INDEX = NOTE_COUNT;

  /** What is fed: the lab's one-hot float rows, or their note indices (a rest as {@link #REST_INDEX}). */
  public enum Input { ONE_HOT, NOTE_INDICES }

  /** The model's shape, what is fed, and the seed of the weights. */
  public record Config(int inputSize, int outputSize, int hidden, int timesteps, Input input, long seed)
      implements LstmGraph.Dimensions {
    @Override
    public boolean feedsNoteIndices() {
      return input == Input.NOTE_INDICES;
    }

    public static Config of(int hidden, int timesteps, Input input, long seed) {
      return new Config(NOTE_COUNT, NOTE_COUNT, hidden, timesteps, input, seed);
    }

    public Config with(Input i) {
      return new Config(inputSize, outputSize, hidden, timesteps, i, seed);
    }
  }

  /**
   * How a training graph lays out its batch. A fixed {@code batch} makes every shape static, so TensorFlow's graph
   * optimizer folds away the shape bookkeeping of the gradients (about half of the graph's ops). {@code shards > 1}
   * cuts the batch into equal shards, each its own chain of 64 steps: the rows of a batch never meet inside an LSTM,
   * so the shards' ops are independent and TensorFlow runs them side by side, one core each, where one chain of
   * small ops keeps a single core busy at a time. Only the order of the gradient sums changes.
   */
  public record Sharding(int batch, int shards) {
    /** Any batch size, one chain: for inference and evaluation graphs. */
    public static final Sharding NONE = new Sharding(-1, 1);
    /** Rows per shard below which splitting costs more in per-op overhead than the extra core gives. */
    static final int MIN_ROWS_PER_SHARD = 8;
    /** More shards than this have not been measured. */
    static final int MAX_SHARDS = 16;

    public Sharding {
      if (shards < 1 || (batch != -1 && batch < 1) || (shards > 1 && (batch < 1 || batch % shards != 0))) {
        throw new IllegalArgumentException("cannot cut a batch of " + batch + " into " + shards + " equal shards");
      }
    }

    /** A fixed batch in as many equal shards as there are cores (the largest divisor of the batch that fits). */
    public static Sharding forCores(int batch, int cores) {
      int limit = Math.min(Math.min(cores, MAX_SHARDS), Math.max(1, batch / MIN_ROWS_PER_SHARD));
      int shards = 1;
      for (int k = 1; k <= limit; k++) {
        if (batch % k == 0) {
          shards = k;
        }
      }
      return new Sharding(batch, shards);
    }

    /** A fixed batch in {@code shards} shards; 0 picks one per core of this machine. */
    public static Sharding of(int batch, int shards) {
      return shards == 0 ? forCores(batch, Runtime.getRuntime().availableProcessors()) : new Sharding(batch, shards);
    }

    /** Session threads for this layout: one per shard, each op on one (an intra-op pool would oversubscribe). */
    public ConfigProto sessionConfig() {
      return shards == 1 ? ConfigProto.getDefaultInstance() : SessionThreads.oneThreadPerOp(shards);
    }
  }

  public final Config config;
  public final Sharding sharding;
  /** [N, T, 78] float one-hot rows (ONE_HOT input), else null. */
  public final Placeholder<TFloat32> inputs;
  /** [T, N] int note indices, time-major (NOTE_INDICES input), else null. */
  public final Placeholder<TInt32> noteIndices;
  /** [N, 78] one-hot labels. */
  public final Placeholder<TFloat32> labels;
  public final Output<TFloat32> kernel;
  public final Output<TFloat32> bias;
  public final Output<TFloat32> weights;
  public final Output<TFloat32> biases;
  /** The cell state c and the output h after the last row, [N, H]: where stateful generation goes on from. */
  public final Operand<TFloat32> lastC;
  public final Operand<TFloat32> lastH;
  public final Operand<TFloat32> logits;
  public final Operand<TFloat32> prediction;
  public final Operand<TFloat32> loss;
  public final Operand<TFloat32> accuracy;
  private final OutputHead.Measures measures;
  private final ShardedFeed feed;

  /** The projected cell's kernel halves, read once for all shards: rows for the inputs and for h. */
  private Operand<TFloat32> inputKernel;
  private Operand<TFloat32> recurrentKernel;
  /** The note table of the projected cell with note indices (kernel input rows, a zero rest row, plus the bias). */
  private Operand<TFloat32> noteTable;
  /** Per shard: the projected inputs [T, n, 4H] and the hidden state each step reads (zeros first). */
  private final List<ShardSteps> shardSteps = new ArrayList<>();

  private record ShardSteps(Operand<TFloat32> projection, List<Operand<TFloat32>> previousH) {}

  private FastMusicLstm(Ops tf, Config config, Sharding sharding) {
    this.config = config;
    this.sharding = sharding;
    int h = config.hidden();
    long seed = config.seed();
    // Python creates the dense layer's variables first: weights = Variable, biases = Variable_1.
    OutputHead head = OutputHead.create(tf, h, config.outputSize(), seed);
    weights = head.weights;
    biases = head.biases;
    kernel = GraphVariables.create(tf, Tf1BasicLstmCell.KERNEL, Shape.of(config.inputSize() + h, 4L * h),
        TFloat32.class, init -> Tf1BasicLstmCell.glorotUniform(init, config.inputSize() + h, 4 * h, seed));
    bias = GraphVariables.create(tf, Tf1BasicLstmCell.BIAS, Shape.of(4L * h), TFloat32.class,
        init -> init.zeros(init.constant(new long[] {4L * h}), TFloat32.class));

    feed = ShardedFeed.create(tf, config, sharding);
    inputs = feed.inputs;
    noteIndices = feed.noteIndices;
    labels = feed.labels;
    List<Operand<TFloat32>> shardC = new ArrayList<>();
    List<Operand<TFloat32>> shardH = new ArrayList<>();
    for (Operand<?> shard : feed.shards) {
      Tf1BasicLstmCell.State last = projected(tf, shard);
      shardC.add(last.c());
      shardH.add(last.h());
    }
    lastC = ShardedFeed.join(tf, shardC);
    lastH = ShardedFeed.join(tf, shardH);
    logits = OutputHead.logits(tf, tf.withName("logits"), lastH, tf.identity(weights), tf.identity(biases));
    measures = OutputHead.measure(tf, logits, feed.labelRows(tf));
    prediction = measures.prediction();
    loss = measures.loss();
    accuracy = measures.accuracy();
  }

  /** Builds the model into {@code tf}'s graph, for any batch size. */
  public static FastMusicLstm build(Ops tf, Config config) {
    return build(tf, config, Sharding.NONE);
  }

  /** Builds the model with the given batch layout. */
  public static FastMusicLstm build(Ops tf, Config config, Sharding sharding) {
    return new FastMusicLstm(tf, config, sharding);
  }

  @Override
  public List<Tf1Adam.Trainable> trainables() {
    return List.of(Tf1Adam.Trainable.of(weights), Tf1Adam.Trainable.of(biases), Tf1Adam.Trainable.of(kernel),
        Tf1Adam.Trainable.of(bias));
  }

  /**
   * The gradients of the loss for {@link #trainables()}, in that order. Plain automatic differentiation, except for
   * a sharded projected cell with note indices: there the recurrent half of the kernel gets its gradient as one
   * product per shard, {@code H_prev^T @ dGates} over all steps, instead of autodiff's product per step and their
   * sum (the same sum in another order), and the note rows and the bias get theirs from the note table's gradient.
   * With one chain the per-step products run beside it on an idle core, so there autodiff's form is the faster one.
   */
  @Override
  public List<Operand<TFloat32>> gradients(Ops tf) {
    if (noteTable == null || sharding.shards() == 1) {
      List<Operand<TFloat32>> plain = new ArrayList<>();
      tf.gradients(loss, variables()).dy().forEach(d -> plain.add(cast(d)));
      return plain;
    }
    List<Operand<?>> wrt = new ArrayList<>(List.of(weights, biases, noteTable));
    shardSteps.forEach(s -> wrt.add(s.projection()));
    // Not asking for the kernel leaves autodiff's per-step kernel products out of the graph that runs.
    List<Output<?>> d = tf.gradients(loss, wrt).dy();
    int hidden = config.hidden();
    List<Operand<TFloat32>> recurrent = new ArrayList<>();
    for (int s = 0; s < shardSteps.size(); s++) {
      Operand<TFloat32> previousH = tf.reshape(tf.stack(shardSteps.get(s).previousH()),
          tf.constant(new long[] {-1, hidden}));
      Operand<TFloat32> dGates = tf.reshape(cast(d.get(3 + s)), tf.constant(new long[] {-1, 4L * hidden}));
      recurrent.add(tf.linalg.matMul(previousH, dGates, MatMul.transposeA(true)));
    }
    Operand<TFloat32> dTable = cast(d.get(2));
    Operand<TFloat32> dInputRows = tf.slice(dTable, tf.constant(new int[] {0, 0}),
        tf.constant(new int[] {config.inputSize(), 4 * hidden}));
    Operand<TFloat32> dRecurrent = recurrent.size() == 1 ? recurrent.get(0) : tf.math.addN(recurrent);
    Operand<TFloat32> dKernel = tf.concat(List.of(dInputRows, dRecurrent), tf.constant(0));
    Operand<TFloat32> dBias = tf.reduceSum(dTable, tf.constant(0));
    return List.of(cast(d.get(0)), cast(d.get(1)), dKernel, dBias);
  }

  @Override
  public Operand<?> inputPlaceholder() {
    return feed.inputPlaceholder();
  }

  // ---- the recurrence (over one shard of the batch) ----

  /** One input projection for all steps (matmul, or an exact row gather of note indices). Returns the last state. */
  private Tf1BasicLstmCell.State projected(Ops tf, Operand<?> shard) {
    int hidden = config.hidden();
    if (inputKernel == null) {
      List<Output<TFloat32>> parts = tf.splitV(tf.identity(kernel),
          tf.constant(new int[] {config.inputSize(), hidden}), tf.constant(0), 2L).output();
      inputKernel = parts.get(0);
      recurrentKernel = parts.get(1);
    }
    Operand<TFloat32> projection; // [T, n, 4H]
    if (config.input() == Input.NOTE_INDICES) {
      // A one-hot row times the kernel is one kernel row; a rest (index 78) picks the appended zero row. The bias is
      // added to the 79 table rows once instead of to all T x N gathered rows.
      if (noteTable == null) {
        noteTable = tf.math.add(tf.concat(List.of(inputKernel,
            tf.zeros(tf.constant(new long[] {1, 4L * hidden}), TFloat32.class)), tf.constant(0)), tf.identity(bias));
      }
      @SuppressWarnings("unchecked")
      Operand<TInt32> indices = (Operand<TInt32>) shard;
      projection = tf.gather(noteTable, indices, tf.constant(0));
    } else {
      @SuppressWarnings("unchecked")
      Operand<TFloat32> rows = (Operand<TFloat32>) shard;
      Operand<TFloat32> timeMajor = tf.linalg.transpose(rows, tf.constant(new int[] {1, 0, 2}));
      Operand<TFloat32> flat = tf.reshape(timeMajor, tf.constant(new long[] {-1, config.inputSize()}));
      projection = tf.math.add(tf.reshape(tf.linalg.matMul(flat, inputKernel),
          tf.constant(new long[] {config.timesteps(), -1, 4L * hidden})), tf.identity(bias));
    }
    List<Output<TFloat32>> steps = tf.unstack(projection, (long) config.timesteps()).output();
    Operand<TFloat32> zeros = feed.zeroState(tf, shard);
    Tf1BasicLstmCell.State state = new Tf1BasicLstmCell.State(zeros, zeros);
    List<Operand<TFloat32>> previousH = new ArrayList<>();
    for (int t = 0; t < steps.size(); t++) {
      previousH.add(state.h());
      Operand<TFloat32> gates = t == 0 ? steps.get(0)
          : tf.math.add(steps.get(t), tf.linalg.matMul(state.h(), recurrentKernel));
      state = Tf1BasicLstmCell.update(tf, gates, state.c());
    }
    shardSteps.add(new ShardSteps(projection, previousH));
    return state;
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> cast(Operand<?> gradient) {
    return (Operand<TFloat32>) gradient;
  }

  /** All variables the model owns (for listing and tests). */
  public List<Output<TFloat32>> variables() {
    return new ArrayList<>(List.of(weights, biases, kernel, bias));
  }

  @Override
  public Placeholder<TFloat32> labels() {
    return labels;
  }


  @Override
  public LstmGraph.Dimensions dimensions() {
    return config;
  }

  @Override
  public OutputHead.Measures measures() {
    return measures;
  }
}
