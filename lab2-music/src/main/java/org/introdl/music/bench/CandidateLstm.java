package org.introdl.music.bench;

import java.util.ArrayList;
import java.util.List;
import org.introdl.core.optim.Tf1Adam;
import org.introdl.core.tf.GraphVariables;
import org.introdl.music.fast.FastMusicLstm;
import org.introdl.music.fast.ShardedFeed;
import org.introdl.music.model.LstmGraph;
import org.introdl.music.model.OutputHead;
import org.introdl.music.model.Tf1BasicLstmCell;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The bench's other constructions of the notebook's model, measured against the fast form {@code music train} runs
 * ({@link FastMusicLstm}) and kept out of the model files: the same variables, feeds, batch layouts and output head,
 * another recurrence. Tests hold every candidate to the notebook graph to 1e-5.
 * <ul>
 *   <li>{@link Cell#UNROLLED}: the notebook's graph, one concat and matmul per step, here also fed note indices or
 *       cut into batch shards, and with {@link Naming#FLAT} names for the framework's Adam (the bench's baseline);</li>
 *   <li>{@link Cell#BLOCK}: TF's fused {@code BlockLSTM} kernel (its gradient registered by
 *       {@link BlockLstmGradient}; measured, not faster here).</li>
 * </ul>
 */
public final class CandidateLstm implements LstmGraph {
  /** How the recurrence is built. */
  public enum Cell { UNROLLED, BLOCK }

  /** Variable names: the Python lab's, or flat ones for the framework's Adam, which cannot take a '/'. */
  public record Naming(String weights, String biases, String kernel, String bias) {
    /** The Python lab's names, which its checkpoints use. */
    public static final Naming PYTHON = new Naming(OutputHead.WEIGHTS, OutputHead.BIASES, Tf1BasicLstmCell.KERNEL,
        Tf1BasicLstmCell.BIAS);
    /** Names without a '/': the framework's Adam names its slots after the variable and fails on one. */
    public static final Naming FLAT = new Naming("dense_weights", "dense_biases", "lstm_kernel", "lstm_bias");
  }

  public final FastMusicLstm.Config config;
  public final Cell cell;
  public final Output<TFloat32> kernel;
  public final Output<TFloat32> bias;
  public final Output<TFloat32> weights;
  public final Output<TFloat32> biases;
  /** The cell state c and the output h after the last row, [N, H]. */
  public final Operand<TFloat32> lastC;
  public final Operand<TFloat32> lastH;
  public final Operand<TFloat32> logits;
  private final OutputHead.Measures measures;
  private final ShardedFeed feed;

  private CandidateLstm(Ops tf, FastMusicLstm.Config config, Cell cell, Naming naming,
      FastMusicLstm.Sharding sharding) {
    this.config = config;
    this.cell = cell;
    int h = config.hidden();
    long seed = config.seed();
    // As the fast form: the dense layer's variables first, the same initial values under the given names.
    OutputHead head = OutputHead.create(tf, h, config.outputSize(), seed, naming.weights, naming.biases);
    weights = head.weights;
    biases = head.biases;
    kernel = GraphVariables.create(tf, naming.kernel, Shape.of(config.inputSize() + h, 4L * h),
        TFloat32.class, init -> Tf1BasicLstmCell.glorotUniform(init, config.inputSize() + h, 4 * h, seed));
    bias = GraphVariables.create(tf, naming.bias, Shape.of(4L * h), TFloat32.class,
        init -> init.zeros(init.constant(new long[] {4L * h}), TFloat32.class));

    feed = ShardedFeed.create(tf, config, sharding);
    List<Operand<TFloat32>> shardC = new ArrayList<>();
    List<Operand<TFloat32>> shardH = new ArrayList<>();
    for (Operand<?> shard : feed.shards) {
      Tf1BasicLstmCell.State last = cell == Cell.UNROLLED ? unrolled(tf, shard) : block(tf, shard);
      shardC.add(last.c());
      shardH.add(last.h());
    }
    lastC = ShardedFeed.join(tf, shardC);
    lastH = ShardedFeed.join(tf, shardH);
    logits = OutputHead.logits(tf, tf.withName("logits"), lastH, tf.identity(weights), tf.identity(biases));
    measures = OutputHead.measure(tf, logits, feed.labelRows(tf));
  }

  /** Builds the candidate into {@code tf}'s graph with the given variable names and batch layout. */
  public static CandidateLstm build(Ops tf, FastMusicLstm.Config config, Cell cell, Naming naming,
      FastMusicLstm.Sharding sharding) {
    if (cell == Cell.BLOCK) {
      BlockLstmGradient.register();
    }
    return new CandidateLstm(tf, config, cell, naming, sharding);
  }

  /** With the Python lab's names, for any batch size. */
  public static CandidateLstm build(Ops tf, FastMusicLstm.Config config, Cell cell) {
    return build(tf, config, cell, Naming.PYTHON, FastMusicLstm.Sharding.NONE);
  }

  /** The lab's graph: unstack the rows, then per step concat[x, h] @ kernel + bias. Returns the last state. */
  private Tf1BasicLstmCell.State unrolled(Ops tf, Operand<?> shard) {
    Operand<TFloat32> x = feed.oneHotRows(tf, shard);
    List<Output<TFloat32>> steps = tf.unstack(x, (long) config.timesteps(), Unstack.axis(1L)).output();
    Operand<TFloat32> kernelRead = tf.identity(kernel);
    Operand<TFloat32> biasRead = tf.identity(bias);
    Operand<TFloat32> zeros = feed.zeroState(tf, shard);
    Tf1BasicLstmCell.State state = new Tf1BasicLstmCell.State(zeros, zeros);
    for (Output<TFloat32> xt : steps) {
      Operand<TFloat32> gates = tf.nn.biasAdd(
          tf.linalg.matMul(tf.concat(List.of(xt, state.h()), tf.constant(1)), kernelRead), biasRead);
      state = Tf1BasicLstmCell.update(tf, gates, state.c());
    }
    return state;
  }

  /**
   * TF's fused kernel: op {@code BlockLSTM} (gates i, c, f, o as BasicLSTMCell's i, j, f, o; no cell clip). Returns
   * the last state.
   */
  private Tf1BasicLstmCell.State block(Ops tf, Operand<?> shard) {
    Operand<TFloat32> x = feed.oneHotTimeMajor(tf, shard);
    Operand<TFloat32> zeros = feed.zeroState(tf, shard);
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
    return new Tf1BasicLstmCell.State(tf.gather(allC, last, tf.constant(0)), tf.gather(allH, last, tf.constant(0)));
  }

  @Override
  public List<Tf1Adam.Trainable> trainables() {
    return List.of(Tf1Adam.Trainable.of(weights), Tf1Adam.Trainable.of(biases), Tf1Adam.Trainable.of(kernel),
        Tf1Adam.Trainable.of(bias));
  }

  /** Plain automatic differentiation of the loss. */
  @Override
  public List<Operand<TFloat32>> gradients(Ops tf) {
    List<Operand<TFloat32>> out = new ArrayList<>();
    tf.gradients(loss(), List.of(weights, biases, kernel, bias)).dy().forEach(d -> out.add(cast(d)));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> cast(Operand<?> gradient) {
    return (Operand<TFloat32>) gradient;
  }

  @Override
  public Operand<?> inputPlaceholder() {
    return feed.inputPlaceholder();
  }

  @Override
  public Placeholder<TFloat32> labels() {
    return feed.labels;
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
