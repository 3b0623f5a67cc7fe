package org.introdl.music.model;

import java.util.List;
import org.introdl.core.optim.Tf1Adam;
import org.introdl.music.data.Melody;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TFloat32;

/**
 * The notebook's model, cell by cell: the placeholders {@code input_vec} [None, 64, 78] and {@code output_vec}
 * [None, 78]; {@code weights} and {@code biases} of the output layer (standard normal); {@code RNN(input_vec,
 * weights, biases)}: the 64 rows unstacked, a {@code BasicLSTMCell} of 128 units over them ({@code static_rnn}), the
 * last output times {@code weights} plus {@code biases}; then softmax, the mean softmax cross-entropy, and the
 * accuracy of the arg-max. Variables carry the Python graph's names ({@code Variable}, {@code Variable_1},
 * {@code rnn/basic_lstm_cell/kernel}, {@code rnn/basic_lstm_cell/bias}), so a checkpoint of the Python lab restores.
 *
 * <p>This is the graph {@code music train --graph notebook} runs. {@link FastMusicLstm} is its exact fast form
 * (tests hold the two to 1e-5), the default of {@code music train}.
 */
public final class MusicLstm implements LstmGraph {
  public static final int NOTE_COUNT = Melody.NOTE_COUNT;

  /**
   * The notebook's {@code RNN(input_vec, weights, biases)}: one-hot rows [N, T, inputs] and the output layer's
   * variables to logits [N, outputs]. A seam: a student's own function plugs in here; the default is
   * {@link #rnn}, the notebook's.
   */
  @FunctionalInterface
  public interface Rnn {
    Operand<TFloat32> rnn(Ops tf, Operand<TFloat32> inputVec, Operand<TFloat32> weights, Operand<TFloat32> biases);
  }

  /** The model's shape: notes in and out, LSTM units, rows read, and the graph's seed. */
  public record Config(int inputSize, int outputSize, int hidden, int timesteps, long seed)
      implements LstmGraph.Dimensions {
    public static Config of(int hidden, int timesteps, long seed) {
      return new Config(NOTE_COUNT, NOTE_COUNT, hidden, timesteps, seed);
    }
  }

  public final Config config;
  public final Placeholder<TFloat32> inputVec;
  public final Placeholder<TFloat32> outputVec;
  public final Output<TFloat32> weights;
  public final Output<TFloat32> biases;
  public final Operand<TFloat32> logits;
  public final Operand<TFloat32> prediction;
  public final Operand<TFloat32> loss;
  public final Operand<TFloat32> accuracy;
  private final OutputHead.Measures measures;
  private final List<Tf1Adam.Trainable> trainables;

  private MusicLstm(Ops tf, Config config, Rnn rnn) {
    this.config = config;
    GraphSeed.set(tf, config.seed());
    inputVec = tf.withName("input_vec").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(-1, config.timesteps(), config.inputSize())));
    outputVec = tf.withName("output_vec").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(-1, config.outputSize())));
    OutputHead head = OutputHead.create(tf, config.hidden(), config.outputSize(), config.seed());
    weights = head.weights;
    biases = head.biases;
    logits = rnn.rnn(tf, inputVec, weights, biases);
    measures = OutputHead.measure(tf, logits, outputVec);
    prediction = measures.prediction();
    loss = measures.loss();
    accuracy = measures.accuracy();
    // Python's tf.trainable_variables() order: the output layer first, then the cell's.
    org.tensorflow.Graph graph = (org.tensorflow.Graph) tf.scope().env();
    trainables = List.of(Tf1Adam.Trainable.of(weights), Tf1Adam.Trainable.of(biases),
        Tf1Adam.Trainable.of(cellVariable(graph, Tf1BasicLstmCell.KERNEL)),
        Tf1Adam.Trainable.of(cellVariable(graph, Tf1BasicLstmCell.BIAS)));
  }

  /** A variable the RNN made; a plugged RNN that named its cell otherwise is told so in one line. */
  private static Output<TFloat32> cellVariable(org.tensorflow.Graph graph, String name) {
    org.tensorflow.GraphOperation op = graph.operation(name);
    if (op == null || !op.type().equals("VariableV2")) {
      throw new org.introdl.core.UserError("the RNN made no variable " + name
          + ": create the cell as the notebook does (BasicLSTMCell under the scope rnn/basic_lstm_cell)");
    }
    return op.output(0);
  }

  /** Builds the notebook's graph into {@code tf}'s graph. */
  public static MusicLstm build(Ops tf, Config config) {
    return build(tf, config, MusicLstm::rnn);
  }

  /** Builds the notebook's graph with {@code rnn} (the notebook's, or a student's) in place of its RNN cell. */
  public static MusicLstm build(Ops tf, Config config, Rnn rnn) {
    return new MusicLstm(tf, config, rnn);
  }

  /**
   * The notebook's {@code RNN(input_vec, weights, biases)}: unstack the rows, run a {@code BasicLSTMCell} over them
   * from the zero state ({@code static_rnn}), and take the last output through the output layer.
   */
  public static Operand<TFloat32> rnn(Ops tf, Operand<TFloat32> inputVec, Operand<TFloat32> weights,
      Operand<TFloat32> biases) {
    int timesteps = (int) inputVec.shape().get(1);
    int inputSize = (int) inputVec.shape().get(2);
    int hidden = (int) weights.shape().get(0);
    List<Output<TFloat32>> steps = tf.unstack(inputVec, (long) timesteps, Unstack.axis(1L)).output();
    Tf1BasicLstmCell cell = Tf1BasicLstmCell.create(tf, inputSize, hidden, GraphSeed.of(tf));
    Tf1BasicLstmCell.State state = cell.zeroState(tf, steps.get(0));
    for (Output<TFloat32> x : steps) {
      state = cell.call(tf, x, state);
    }
    return OutputHead.logits(tf, tf.withName("logits"), state.h(), tf.identity(weights), tf.identity(biases));
  }

  @Override
  public List<Tf1Adam.Trainable> trainables() {
    return trainables;
  }

  @Override
  public List<Operand<TFloat32>> gradients(Ops tf) {
    return tf.gradients(loss, trainables.stream().map(t -> (Operand<?>) t.variable()).toList()).dy().stream()
        .map(d -> (Operand<TFloat32>) cast(d)).toList();
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> cast(Operand<?> gradient) {
    return (Operand<TFloat32>) gradient;
  }

  @Override
  public Operand<?> inputPlaceholder() {
    return inputVec;
  }

  @Override
  public Placeholder<TFloat32> labels() {
    return outputVec;
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
