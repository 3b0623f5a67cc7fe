package org.introdl.music;

import java.util.ArrayList;
import java.util.List;
import org.introdl.core.optim.Tf1Adam;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.introdl.core.tf.GraphVariables;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.random.RandomStandardNormal;
import org.tensorflow.op.random.RandomUniform;
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

  public final Config config;
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
  public final Operand<TFloat32> logits;
  public final Operand<TFloat32> prediction;
  public final Operand<TFloat32> loss;
  public final Operand<TFloat32> accuracy;

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

  private MusicLstm(Ops tf, Config config, Naming naming) {
    this.config = config;
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

    Operand<TFloat32> lastH = switch (config.cell()) {
      case UNROLLED -> unrolled(tf);
      case PROJECTED -> projected(tf);
      case BLOCK -> block(tf);
    };
    logits = tf.withName("logits").math.add(tf.linalg.matMul(lastH, tf.identity(weights)), tf.identity(biases));
    prediction = tf.withName("prediction").nn.softmax(logits);
    loss = tf.withName("loss").math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, labels).loss(), tf.constant(0));
    Operand<TInt64> predicted = tf.math.argMax(prediction, tf.constant(1));
    Operand<TInt64> expected = tf.math.argMax(labels, tf.constant(1));
    accuracy = tf.withName("accuracy").math.mean(
        tf.dtypes.cast(tf.math.equal(predicted, expected), TFloat32.class), tf.constant(0));
  }

  /** Builds the model into {@code tf}'s graph. */
  public static MusicLstm build(Ops tf, Config config) {
    return build(tf, config, Naming.PYTHON);
  }

  /** Builds the model with the given variable names. */
  public static MusicLstm build(Ops tf, Config config, Naming naming) {
    if (config.cell() == Cell.BLOCK) {
      BlockLstmGradient.register();
    }
    return new MusicLstm(tf, config, naming);
  }

  /** The four trainable variables, in the order Python's {@code tf.trainable_variables()} lists them. */
  public List<Tf1Adam.Trainable> trainables() {
    return List.of(Tf1Adam.Trainable.of(weights), Tf1Adam.Trainable.of(biases), Tf1Adam.Trainable.of(kernel),
        Tf1Adam.Trainable.of(bias));
  }

  /** The placeholder a batch's inputs go into. */
  public Operand<?> inputPlaceholder() {
    return inputs != null ? inputs : noteIndices;
  }

  // ---- the three cell constructions ----

  /** The lab's graph: unstack the rows, then per step concat[x, h] @ kernel + bias. */
  private Operand<TFloat32> unrolled(Ops tf) {
    Operand<TFloat32> x = oneHotInputs(tf);
    List<Output<TFloat32>> steps = tf.unstack(x, (long) config.timesteps(), org.tensorflow.op.core.Unstack.axis(1L)).output();
    Operand<TFloat32> kernelRead = tf.identity(kernel);
    Operand<TFloat32> biasRead = tf.identity(bias);
    Operand<TFloat32> c = zeroState(tf);
    Operand<TFloat32> h = c;
    for (Output<TFloat32> xt : steps) {
      Operand<TFloat32> gates = tf.nn.biasAdd(
          tf.linalg.matMul(tf.concat(List.of(xt, h), tf.constant(1)), kernelRead), biasRead);
      Operand<TFloat32>[] next = cellUpdate(tf, gates, c);
      c = next[0];
      h = next[1];
    }
    return h;
  }

  /** One input projection for all steps (matmul, or an exact row gather of note indices). */
  private Operand<TFloat32> projected(Ops tf) {
    int hidden = config.hidden();
    List<Output<TFloat32>> parts = tf.splitV(tf.identity(kernel), tf.constant(new int[] {config.inputSize(), hidden}),
        tf.constant(0), 2L).output();
    Operand<TFloat32> inputKernel = parts.get(0);
    Operand<TFloat32> recurrentKernel = parts.get(1);
    Operand<TFloat32> projection; // [T, N, 4H]
    if (config.input() == Input.NOTE_INDICES) {
      // A one-hot row times the kernel is one kernel row; a rest (index 78) picks the appended zero row.
      Operand<TFloat32> table = tf.concat(List.of(inputKernel,
          tf.zeros(tf.constant(new long[] {1, 4L * hidden}), TFloat32.class)), tf.constant(0));
      projection = tf.gather(table, noteIndices, tf.constant(0));
    } else {
      Operand<TFloat32> timeMajor = tf.linalg.transpose(inputs, tf.constant(new int[] {1, 0, 2}));
      Operand<TFloat32> flat = tf.reshape(timeMajor, tf.constant(new long[] {-1, config.inputSize()}));
      projection = tf.reshape(tf.linalg.matMul(flat, inputKernel),
          tf.constant(new long[] {config.timesteps(), -1, 4L * hidden}));
    }
    projection = tf.math.add(projection, tf.identity(bias));
    List<Output<TFloat32>> steps = tf.unstack(projection, (long) config.timesteps()).output();
    Operand<TFloat32> c = zeroState(tf);
    Operand<TFloat32> h = c;
    for (int t = 0; t < steps.size(); t++) {
      Operand<TFloat32> gates = t == 0 ? steps.get(0) : tf.math.add(steps.get(t), tf.linalg.matMul(h, recurrentKernel));
      Operand<TFloat32>[] next = cellUpdate(tf, gates, c);
      c = next[0];
      h = next[1];
    }
    return h;
  }

  /** TF's fused kernel: op {@code BlockLSTM} (gates i, c, f, o as BasicLSTMCell's i, j, f, o; no cell clip). */
  private Operand<TFloat32> block(Ops tf) {
    Operand<TFloat32> x = inputs != null ? tf.linalg.transpose(inputs, tf.constant(new int[] {1, 0, 2}))
        : tf.oneHot(noteIndices, tf.constant(config.inputSize()), tf.constant(1f), tf.constant(0f));
    Operand<TFloat32> zeros = zeroState(tf);
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
    Output<TFloat32> allH = (Output<TFloat32>) (Output<?>) op.output(6);
    return tf.gather(allH, tf.constant(config.timesteps() - 1), tf.constant(0));
  }

  /** The inputs as one-hot floats [N, T, 78], whichever way they are fed. */
  private Operand<TFloat32> oneHotInputs(Ops tf) {
    if (inputs != null) {
      return inputs;
    }
    // One-hot of an index outside 0..77 (the rest index) is an all-zero row, as the lab's rest rows are.
    Operand<TFloat32> timeMajor = tf.oneHot(noteIndices, tf.constant(config.inputSize()), tf.constant(1f),
        tf.constant(0f));
    return tf.linalg.transpose(timeMajor, tf.constant(new int[] {1, 0, 2}));
  }

  private Operand<TFloat32> zeroState(Ops tf) {
    Operand<TInt32> batch = inputs != null ? tf.gather(tf.shape(inputs), tf.constant(new int[] {0}), tf.constant(0))
        : tf.gather(tf.shape(noteIndices), tf.constant(new int[] {1}), tf.constant(0));
    return tf.fill(tf.concat(List.of(batch, tf.constant(new int[] {config.hidden()})), tf.constant(0)), tf.constant(0f));
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
