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
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The notebook's model ({@link MusicLstm}) in exact fast forms: the same variables under the same names, the same
 * numbers to float rounding (tests hold every form to the notebook graph to 1e-5). {@code music train} runs
 * {@link Cell#PROJECTED} with {@link Input#NOTE_INDICES} and a {@link Sharding} by default; generation runs the
 * projected note-index form at batch 1.
 *
 * <p>The cell at each step is TF1's {@code BasicLSTMCell} ({@link Tf1BasicLstmCell#update}). The forms:
 * <ul>
 *   <li>{@link Cell#UNROLLED}: the notebook's graph, one concat and matmul per step;</li>
 *   <li>{@link Cell#PROJECTED}: the input half of the kernel applied to all 64 steps at once (one large matmul, or
 *       with {@link Input#NOTE_INDICES} a row gather, which is exact for one-hot rows), then only {@code h @ W_h}
 *       per step;</li>
 *   <li>{@link Cell#BLOCK}: TF's fused {@code BlockLSTM} kernel (its gradient registered by
 *       {@link BlockLstmGradient}; measured in the bench, not faster here).</li>
 * </ul>
 *
 * <p>For training, a {@link Sharding} fixes the batch size and cuts the batch into shards that run side by side, one
 * per core, and {@link #gradients(Ops)} builds the recurrent weight gradient as one product per shard. Neither
 * changes the model: the variables, their names and the numbers are the same.
 */
public final class FastMusicLstm implements LstmGraph {
  public static final int NOTE_COUNT = MusicLstm.NOTE_COUNT;
  /** Index fed for a rest row on the {@link Input#NOTE_INDICES} path: it selects an all-zero input. */
  public static final int REST_INDEX = NOTE_COUNT;

  /** How the recurrence is built. */
  public enum Cell { UNROLLED, PROJECTED, BLOCK }

  /** What is fed: the lab's one-hot float rows, or their note indices (a rest as {@link #REST_INDEX}). */
  public enum Input { ONE_HOT, NOTE_INDICES }

  /** Model shape and graph variant. */
  public record Config(int inputSize, int outputSize, int hidden, int timesteps, Cell cell, Input input, long seed) {
    public static Config of(int hidden, int timesteps, Cell cell, Input input, long seed) {
      return new Config(NOTE_COUNT, NOTE_COUNT, hidden, timesteps, cell, input, seed);
    }

    public Config with(Cell c, Input i) {
      return new Config(inputSize, outputSize, hidden, timesteps, c, i, seed);
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

  /** The projected cell's kernel halves, read once for all shards: rows for the inputs and for h. */
  private Operand<TFloat32> inputKernel;
  private Operand<TFloat32> recurrentKernel;
  /** The note table of the projected cell with note indices (kernel input rows, a zero rest row, plus the bias). */
  private Operand<TFloat32> noteTable;
  /** Per shard: the projected inputs [T, n, 4H] and the hidden state each step reads (zeros first). */
  private final List<ShardSteps> shardSteps = new ArrayList<>();

  private record ShardSteps(Operand<TFloat32> projection, List<Operand<TFloat32>> previousH) {}

  /** Variable names: the Python lab's; the bench gives flat ones to the framework's Adam, which cannot take a '/'. */
  public record Naming(String weights, String biases, String kernel, String bias) {
    /** The Python lab's names, which its checkpoints use. */
    public static final Naming PYTHON = new Naming(OutputHead.WEIGHTS, OutputHead.BIASES, Tf1BasicLstmCell.KERNEL,
        Tf1BasicLstmCell.BIAS);
  }

  private FastMusicLstm(Ops tf, Config config, Naming naming, Sharding sharding) {
    this.config = config;
    this.sharding = sharding;
    int h = config.hidden();
    long seed = config.seed();
    // Python creates the dense layer's variables first: weights = Variable, biases = Variable_1.
    OutputHead head = OutputHead.create(tf, h, config.outputSize(), seed, naming.weights, naming.biases);
    weights = head.weights;
    biases = head.biases;
    kernel = GraphVariables.create(tf, naming.kernel, Shape.of(config.inputSize() + h, 4L * h),
        TFloat32.class, init -> Tf1BasicLstmCell.glorotUniform(init, config.inputSize() + h, 4 * h, seed));
    bias = GraphVariables.create(tf, naming.bias, Shape.of(4L * h), TFloat32.class,
        init -> init.zeros(init.constant(new long[] {4L * h}), TFloat32.class));

    if (config.input() == Input.ONE_HOT) {
      inputs = tf.withName("inputs").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, config.timesteps(), config.inputSize())));
      noteIndices = null;
    } else {
      inputs = null;
      // Time-major, so that the gather gives [T, N, 4H] directly (the feeder transposes in Java, at no cost).
      noteIndices = tf.withName("note_indices").placeholder(TInt32.class,
          Placeholder.shape(Shape.of(config.timesteps(), -1)));
    }
    labels = tf.withName("labels").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(-1, config.outputSize())));

    List<Operand<TFloat32>> shardC = new ArrayList<>();
    List<Operand<TFloat32>> shardH = new ArrayList<>();
    for (Operand<?> shard : shardInputs(tf)) {
      Operand<TFloat32>[] state = switch (config.cell()) {
        case UNROLLED -> unrolled(tf, shard);
        case PROJECTED -> projected(tf, shard);
        case BLOCK -> block(tf, shard);
      };
      shardC.add(state[0]);
      shardH.add(state[1]);
    }
    lastC = joinShards(tf, shardC);
    lastH = joinShards(tf, shardH);
    logits = OutputHead.logits(tf, tf.withName("logits"), lastH, tf.identity(weights), tf.identity(biases));
    Operand<TFloat32> labelRows = sharding.batch() > 0
        ? tf.reshape(labels, tf.constant(new long[] {sharding.batch(), config.outputSize()})) : labels;
    measures = OutputHead.measure(tf, logits, labelRows);
    prediction = measures.prediction();
    loss = measures.loss();
    accuracy = measures.accuracy();
  }

  /** Builds the model into {@code tf}'s graph, for any batch size. */
  public static FastMusicLstm build(Ops tf, Config config) {
    return build(tf, config, Naming.PYTHON);
  }

  /** Builds the model with the given variable names, for any batch size. */
  public static FastMusicLstm build(Ops tf, Config config, Naming naming) {
    return build(tf, config, naming, Sharding.NONE);
  }

  /** Builds the model with the given variable names and batch layout. */
  public static FastMusicLstm build(Ops tf, Config config, Naming naming, Sharding sharding) {
    if (config.cell() == Cell.BLOCK) {
      BlockLstmGradient.register();
    }
    return new FastMusicLstm(tf, config, naming, sharding);
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
    return inputs != null ? inputs : noteIndices;
  }

  // ---- the batch layout ----

  /** The inputs, with static shapes when the batch is fixed, cut into the sharding's shards. */
  private List<Operand<?>> shardInputs(Ops tf) {
    int batch = sharding.batch();
    int shards = sharding.shards();
    if (inputs != null) {
      Operand<TFloat32> rows = batch > 0
          ? tf.reshape(inputs, tf.constant(new long[] {batch, config.timesteps(), config.inputSize()})) : inputs;
      return shards == 1 ? List.of(rows) : new ArrayList<>(tf.split(tf.constant(0), rows, (long) shards).output());
    }
    Operand<TInt32> steps = batch > 0
        ? tf.reshape(noteIndices, tf.constant(new long[] {config.timesteps(), batch})) : noteIndices;
    return shards == 1 ? List.of(steps) : new ArrayList<>(tf.split(tf.constant(1), steps, (long) shards).output());
  }

  /** The shards' rows back in batch order. */
  private static Operand<TFloat32> joinShards(Ops tf, List<Operand<TFloat32>> perShard) {
    return perShard.size() == 1 ? perShard.get(0) : tf.concat(perShard, tf.constant(0));
  }

  /** Rows in one shard, or -1 when the batch is not fixed. */
  private int shardRows() {
    return sharding.batch() > 0 ? sharding.batch() / sharding.shards() : -1;
  }

  // ---- the three cell constructions (each over one shard of the batch) ----

  /** The lab's graph: unstack the rows, then per step concat[x, h] @ kernel + bias. Returns the last {c, h}. */
  private Operand<TFloat32>[] unrolled(Ops tf, Operand<?> shard) {
    Operand<TFloat32> x = oneHotInputs(tf, shard);
    List<Output<TFloat32>> steps = tf.unstack(x, (long) config.timesteps(), Unstack.axis(1L)).output();
    Operand<TFloat32> kernelRead = tf.identity(kernel);
    Operand<TFloat32> biasRead = tf.identity(bias);
    Operand<TFloat32> c = zeroState(tf, shard);
    Operand<TFloat32> h = c;
    for (Output<TFloat32> xt : steps) {
      Operand<TFloat32> gates = tf.nn.biasAdd(
          tf.linalg.matMul(tf.concat(List.of(xt, h), tf.constant(1)), kernelRead), biasRead);
      Operand<TFloat32>[] next = cellUpdate(tf, gates, c);
      c = next[0];
      h = next[1];
    }
    return state(c, h);
  }

  /** One input projection for all steps (matmul, or an exact row gather of note indices). Returns the last {c, h}. */
  private Operand<TFloat32>[] projected(Ops tf, Operand<?> shard) {
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
    Operand<TFloat32> c = zeroState(tf, shard);
    Operand<TFloat32> h = c;
    List<Operand<TFloat32>> previousH = new ArrayList<>();
    for (int t = 0; t < steps.size(); t++) {
      previousH.add(h);
      Operand<TFloat32> gates = t == 0 ? steps.get(0) : tf.math.add(steps.get(t), tf.linalg.matMul(h, recurrentKernel));
      Operand<TFloat32>[] next = cellUpdate(tf, gates, c);
      c = next[0];
      h = next[1];
    }
    shardSteps.add(new ShardSteps(projection, previousH));
    return state(c, h);
  }

  /**
   * TF's fused kernel: op {@code BlockLSTM} (gates i, c, f, o as BasicLSTMCell's i, j, f, o; no cell clip). Returns
   * the last {c, h}.
   */
  private Operand<TFloat32>[] block(Ops tf, Operand<?> shard) {
    @SuppressWarnings("unchecked")
    Operand<TFloat32> x = inputs != null
        ? tf.linalg.transpose((Operand<TFloat32>) shard, tf.constant(new int[] {1, 0, 2}))
        : tf.oneHot((Operand<TInt32>) shard, tf.constant(config.inputSize()), tf.constant(1f), tf.constant(0f));
    Operand<TFloat32> zeros = zeroState(tf, shard);
    Operand<TFloat32> noPeephole = tf.zeros(tf.constant(new long[] {config.hidden()}), TFloat32.class);
    Operation op = tf.scope().opBuilder("BlockLSTM", tf.scope().makeOpName("BlockLSTM"))
        .addInput(tf.constant((long) config.timesteps()).asOutput())
        .addInput(x.asOutput())
        .addInput(zeros.asOutput())
        .addInput(zeros.asOutput())
        .addInput(tf.identity(kernel).asOutput())
        .addInput(noPeephole.asOutput())
        .addInput(noPeephole.asOutput())
        .addInput(noPeephole.asOutput())
        .addInput(tf.identity(bias).asOutput())
        .setAttr("forget_bias", Tf1BasicLstmCell.FORGET_BIAS)
        .setAttr("cell_clip", -1f)
        .setAttr("use_peephole", false)
        .build();
    @SuppressWarnings("unchecked")
    Output<TFloat32> allC = (Output<TFloat32>) (Output<?>) op.output(1);
    @SuppressWarnings("unchecked")
    Output<TFloat32> allH = (Output<TFloat32>) (Output<?>) op.output(6);
    Operand<TInt32> last = tf.constant(config.timesteps() - 1);
    return state(tf.gather(allC, last, tf.constant(0)), tf.gather(allH, last, tf.constant(0)));
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32>[] state(Operand<TFloat32> c, Operand<TFloat32> h) {
    return new Operand[] {c, h};
  }

  /** A shard's inputs as one-hot floats [n, T, 78], whichever way they are fed. */
  @SuppressWarnings("unchecked")
  private Operand<TFloat32> oneHotInputs(Ops tf, Operand<?> shard) {
    if (inputs != null) {
      return (Operand<TFloat32>) shard;
    }
    // One-hot of an index outside 0..77 (the rest index) is an all-zero row, as the lab's rest rows are.
    Operand<TFloat32> timeMajor = tf.oneHot((Operand<TInt32>) shard, tf.constant(config.inputSize()),
        tf.constant(1f), tf.constant(0f));
    return tf.linalg.transpose(timeMajor, tf.constant(new int[] {1, 0, 2}));
  }

  /** The zero (c, h) of a shard: a constant when the batch is fixed, else sized from the fed batch. */
  private Operand<TFloat32> zeroState(Ops tf, Operand<?> shard) {
    if (shardRows() > 0) {
      return tf.zeros(tf.constant(new long[] {shardRows(), config.hidden()}), TFloat32.class);
    }
    int batchAxis = inputs != null ? 0 : 1;
    Operand<TInt32> batch = tf.gather(tf.shape(shard), tf.constant(new int[] {batchAxis}), tf.constant(0));
    return tf.fill(tf.concat(List.of(batch, tf.constant(new int[] {config.hidden()})), tf.constant(0)), tf.constant(0f));
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> cast(Operand<?> gradient) {
    return (Operand<TFloat32>) gradient;
  }

  /** BasicLSTMCell's update from the pre-activation gates [N, 4H] and the cell state; returns {c', h'}. */
  static Operand<TFloat32>[] cellUpdate(Ops tf, Operand<TFloat32> gates, Operand<TFloat32> c) {
    Tf1BasicLstmCell.State next = Tf1BasicLstmCell.update(tf, gates, c);
    return state(next.c(), next.h());
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
  public boolean feedsNoteIndices() {
    return config.input() == Input.NOTE_INDICES;
  }

  @Override
  public int timesteps() {
    return config.timesteps();
  }

  @Override
  public int inputSize() {
    return config.inputSize();
  }

  @Override
  public int outputSize() {
    return config.outputSize();
  }

  @Override
  public OutputHead.Measures measures() {
    return measures;
  }
}
