package org.introdl.music;

import java.util.ArrayList;
import java.util.List;
import org.introdl.core.optim.Tf1Adam;
import org.introdl.core.tf.GraphVariables;
import org.introdl.core.tf.SessionThreads;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.op.random.RandomStandardNormal;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The lab's model in graph mode: a TF1 {@code BasicLSTMCell} (128 units) over the 64 input rows, the last output
 * through a dense layer to 78 logits, softmax. Variables carry the Python graph's names
 * ({@code rnn/basic_lstm_cell/kernel}, {@code rnn/basic_lstm_cell/bias}, {@code Variable}, {@code Variable_1}) so a
 * checkpoint written by the Python lab restores here.
 *
 * <p>The cell at each step (TF1 {@code BasicLSTMCell}, forget bias 1.0):
 * {@code [i, j, f, o] = split(concat[x, h] @ kernel + bias)}, {@code c' = c*sig(f+1) + sig(i)*tanh(j)},
 * {@code h' = tanh(c')*sig(o)}. Three ways to build it give the same numbers (tests hold them to 1e-5):
 * <ul>
 *   <li>{@link Cell#UNROLLED}: exactly the lab's graph, one concat and matmul per step;</li>
 *   <li>{@link Cell#PROJECTED}: the input half of the kernel applied to all 64 steps at once (one large matmul, or
 *       with {@link Input#NOTE_INDICES} a row gather, which is exact for one-hot rows), then only {@code h @ W_h}
 *       per step;</li>
 *   <li>{@link Cell#BLOCK}: TF's fused {@code BlockLSTM} kernel (its gradient registered by
 *       {@link BlockLstmGradient}).</li>
 * </ul>
 *
 * <p>For training, a {@link Sharding} fixes the batch size and cuts the batch into shards that run side by side, one
 * per core, and {@link #gradients(Ops)} builds the recurrent weight gradient as one product per shard. Neither
 * changes the model: the variables, their names and the numbers are the same (tests hold them to 1e-5).
 */
public final class MusicLstm {
  public static final int NOTE_COUNT = Melody.NOTE_COUNT;
  public static final int HIDDEN_DEFAULT = 128;
  public static final int TIMESTEPS_DEFAULT = 64;
  public static final float FORGET_BIAS = 1.0f;
  /** Index fed for a rest row on the {@link Input#NOTE_INDICES} path: it selects an all-zero input. */
  public static final int REST_INDEX = NOTE_COUNT;

  /** How the recurrence is built. */
  public enum Cell { UNROLLED, PROJECTED, BLOCK }

  /**
   * The notebook's {@code RNN(input_vec, weights, biases)} as a seam for a student's own code: one-hot rows
   * {@code [N, T, 78]} to logits {@code [N, 78]}, creating the cell's variables with Python's names
   * ({@code rnn/basic_lstm_cell/kernel}, {@code .../bias}). See {@link #plugged}.
   */
  @FunctionalInterface
  public interface Rnn {
    Operand<TFloat32> rnn(Ops tf, Operand<TFloat32> inputVec, Operand<TFloat32> weights, Operand<TFloat32> biases);
  }

  /** What is fed: the lab's one-hot float rows, or their note indices (a rest as {@link #REST_INDEX}). */
  public enum Input { ONE_HOT, NOTE_INDICES }

  /** Model shape and graph variant. */
  public record Config(int inputSize, int outputSize, int hidden, int timesteps, Cell cell, Input input, long seed) {
    /** The lab's model: 78 notes in and out, 128 units, 64 steps, the plain unrolled graph. */
    public static Config lab() {
      return of(HIDDEN_DEFAULT, TIMESTEPS_DEFAULT, Cell.UNROLLED, Input.ONE_HOT, 0);
    }

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
  /**
   * The cell state c and the output h after the last row, [N, H]: where stateful generation goes on from (null for a
   * {@link #plugged} RNN).
   */
  public final Operand<TFloat32> lastC;
  public final Operand<TFloat32> lastH;
  public final Operand<TFloat32> logits;
  public final Operand<TFloat32> prediction;
  public final Operand<TFloat32> loss;
  public final Operand<TFloat32> accuracy;

  /** The projected cell's kernel halves, read once for all shards: rows for the inputs and for h. */
  private Operand<TFloat32> inputKernel;
  private Operand<TFloat32> recurrentKernel;
  /** The note table of the projected cell with note indices (kernel input rows, a zero rest row, plus the bias). */
  private Operand<TFloat32> noteTable;
  /** Per shard: the projected inputs [T, n, 4H] and the hidden state each step reads (zeros first). */
  private final List<ShardSteps> shardSteps = new ArrayList<>();

  private record ShardSteps(Operand<TFloat32> projection, List<Operand<TFloat32>> previousH) {}

  /** Variable names: the Python lab's, or flat ones for optimizers that cannot take a '/' (the framework's Adam). */
  public enum Naming {
    PYTHON("Variable", "Variable_1", "rnn/basic_lstm_cell/kernel", "rnn/basic_lstm_cell/bias"),
    FLAT("dense_weights", "dense_biases", "lstm_kernel", "lstm_bias");

    final String weights;
    final String biases;
    final String kernel;
    final String bias;

    Naming(String weights, String biases, String kernel, String bias) {
      this.weights = weights;
      this.biases = biases;
      this.kernel = kernel;
      this.bias = bias;
    }
  }

  private MusicLstm(Ops tf, Config config, Naming naming, Sharding sharding) {
    this.config = config;
    this.sharding = sharding;
    int h = config.hidden();
    long seed = config.seed();
    // Python creates the dense layer's variables first: weights = Variable, biases = Variable_1.
    weights = GraphVariables.create(tf, naming.weights, Shape.of(h, config.outputSize()), TFloat32.class,
        init -> init.random.randomStandardNormal(init.constant(new long[] {h, config.outputSize()}), TFloat32.class,
            RandomStandardNormal.seed(seed), RandomStandardNormal.seed2(1L)));
    biases = GraphVariables.create(tf, naming.biases, Shape.of(config.outputSize()), TFloat32.class,
        init -> init.random.randomStandardNormal(init.constant(new long[] {config.outputSize()}), TFloat32.class,
            RandomStandardNormal.seed(seed), RandomStandardNormal.seed2(2L)));
    kernel = GraphVariables.create(tf, naming.kernel, Shape.of(config.inputSize() + h, 4L * h),
        TFloat32.class, init -> glorotUniform(init, config.inputSize() + h, 4 * h, seed));
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
    logits = tf.withName("logits").math.add(tf.linalg.matMul(lastH, tf.identity(weights)), tf.identity(biases));
    Operand<TFloat32> labelRows = sharding.batch() > 0
        ? tf.reshape(labels, tf.constant(new long[] {sharding.batch(), config.outputSize()})) : labels;
    Heads heads = Heads.of(tf, logits, labelRows);
    prediction = heads.prediction();
    loss = heads.loss();
    accuracy = heads.accuracy();
  }

  /** The notebook's prediction, loss and accuracy on top of the logits. */
  private record Heads(Operand<TFloat32> prediction, Operand<TFloat32> loss, Operand<TFloat32> accuracy) {
    static Heads of(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> labelRows) {
      Operand<TFloat32> prediction = tf.withName("prediction").nn.softmax(logits);
      Operand<TFloat32> loss = tf.withName("loss").math.mean(
          tf.nn.softmaxCrossEntropyWithLogits(logits, labelRows).loss(), tf.constant(0));
      Operand<TInt64> predicted = tf.math.argMax(prediction, tf.constant(1));
      Operand<TInt64> expected = tf.math.argMax(labelRows, tf.constant(1));
      Operand<TFloat32> accuracy = tf.withName("accuracy").math.mean(
          tf.dtypes.cast(tf.math.equal(predicted, expected), TFloat32.class), tf.constant(0));
      return new Heads(prediction, loss, accuracy);
    }
  }

  /** The notebook's graph around a plugged {@code rnn}: it builds the recurrence and the cell's variables. */
  private MusicLstm(Ops tf, Config config, Rnn rnn) {
    this.config = config.with(Cell.UNROLLED, Input.ONE_HOT);
    this.sharding = Sharding.NONE;
    int h = config.hidden();
    weights = GraphVariables.create(tf, Naming.PYTHON.weights, Shape.of(h, config.outputSize()), TFloat32.class,
        init -> init.random.randomStandardNormal(init.constant(new long[] {h, config.outputSize()}), TFloat32.class,
            RandomStandardNormal.seed(config.seed()), RandomStandardNormal.seed2(1L)));
    biases = GraphVariables.create(tf, Naming.PYTHON.biases, Shape.of(config.outputSize()), TFloat32.class,
        init -> init.random.randomStandardNormal(init.constant(new long[] {config.outputSize()}), TFloat32.class,
            RandomStandardNormal.seed(config.seed()), RandomStandardNormal.seed2(2L)));
    inputs = tf.withName("inputs").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(-1, config.timesteps(), config.inputSize())));
    noteIndices = null;
    labels = tf.withName("labels").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, config.outputSize())));
    logits = rnn.rnn(tf, inputs, tf.identity(weights), tf.identity(biases));
    kernel = cellVariable(tf, Naming.PYTHON.kernel);
    bias = cellVariable(tf, Naming.PYTHON.bias);
    lastC = null;
    lastH = null;
    Heads heads = Heads.of(tf, logits, labels);
    prediction = heads.prediction();
    loss = heads.loss();
    accuracy = heads.accuracy();
  }

  private static Output<TFloat32> cellVariable(Ops tf, String name) {
    org.tensorflow.GraphOperation op = ((org.tensorflow.Graph) tf.scope().env()).operation(name);
    if (op == null || !op.type().equals("VariableV2")) {
      throw new org.introdl.core.UserError("the plugged RNN made no variable " + name
          + ": create the cell with new BasicLstmCell(tf, HIDDEN_SIZE, INPUT_SIZE)");
    }
    return op.output(0);
  }

  /**
   * The notebook's graph with {@code rnn} (a student's {@code RNN(input_vec, weights, biases)}) as its recurrence:
   * one-hot input, Python's variable names, any batch size; {@link #lastC} and {@link #lastH} are not known.
   */
  public static MusicLstm plugged(Ops tf, Config config, Rnn rnn) {
    return new MusicLstm(tf, config, rnn);
  }

  /** Builds the model into {@code tf}'s graph, for any batch size. */
  public static MusicLstm build(Ops tf, Config config) {
    return build(tf, config, Naming.PYTHON);
  }

  /** Builds the model with the given variable names, for any batch size. */
  public static MusicLstm build(Ops tf, Config config, Naming naming) {
    return build(tf, config, naming, Sharding.NONE);
  }

  /** Builds the model with the given variable names and batch layout. */
  public static MusicLstm build(Ops tf, Config config, Naming naming, Sharding sharding) {
    if (config.cell() == Cell.BLOCK) {
      BlockLstmGradient.register();
    }
    return new MusicLstm(tf, config, naming, sharding);
  }

  /** The four trainable variables, in the order Python's {@code tf.trainable_variables()} lists them. */
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

  /** The placeholder a batch's inputs go into. */
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
        .setAttr("forget_bias", FORGET_BIAS)
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
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Operand<TFloat32>[] cellUpdate(Ops tf, Operand<TFloat32> gates, Operand<TFloat32> c) {
    List<Output<TFloat32>> ijfo = tf.split(tf.constant(1), gates, 4L).output();
    Operand<TFloat32> i = ijfo.get(0);
    Operand<TFloat32> j = ijfo.get(1);
    Operand<TFloat32> f = ijfo.get(2);
    Operand<TFloat32> o = ijfo.get(3);
    Operand<TFloat32> newC = tf.math.add(
        tf.math.mul(c, tf.math.sigmoid(tf.math.add(f, tf.constant(FORGET_BIAS)))),
        tf.math.mul(tf.math.sigmoid(i), tf.math.tanh(j)));
    Operand<TFloat32> newH = tf.math.mul(tf.math.tanh(newC), tf.math.sigmoid(o));
    return new Operand[] {newC, newH};
  }

  /** TF1's default initializer for {@code get_variable}: glorot uniform in [-limit, limit). */
  private static Operand<TFloat32> glorotUniform(Ops tf, int fanIn, int fanOut, long seed) {
    float limit = (float) Math.sqrt(6.0 / (fanIn + fanOut));
    Operand<TFloat32> u = tf.random.randomUniform(tf.constant(new long[] {fanIn, fanOut}), TFloat32.class,
        RandomUniform.seed(seed), RandomUniform.seed2(3L));
    return tf.math.sub(tf.math.mul(u, tf.constant(2 * limit)), tf.constant(limit));
  }

  /** All variables the model owns (for listing and tests). */
  public List<Output<TFloat32>> variables() {
    return new ArrayList<>(List.of(weights, biases, kernel, bias));
  }
}
