package org.introdl.music.model;

import java.util.List;
import org.introdl.core.tf.GlorotUniform;
import org.introdl.core.tf.GraphVariables;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * TF1's {@code rnn.BasicLSTMCell(num_units)}: its variables {@code rnn/basic_lstm_cell/kernel} [inputs + units,
 * 4 units] (Glorot uniform, TF1's default for {@code get_variable}) and {@code rnn/basic_lstm_cell/bias} (zeros), and
 * one step {@code [i, j, f, o] = split(concat[x, h] @ kernel + bias)}, {@code c' = c*sig(f+1) + sig(i)*tanh(j)},
 * {@code h' = tanh(c')*sig(o)} (forget bias 1.0).
 */
public final class Tf1BasicLstmCell {
  public static final float FORGET_BIAS = 1.0f;
  /** The names Python's {@code static_rnn} gives the cell's variables. */
  public static final String KERNEL = "rnn/basic_lstm_cell/kernel";
  public static final String BIAS = "rnn/basic_lstm_cell/bias";

  public final int numUnits;
  public final Output<TFloat32> kernel;
  public final Output<TFloat32> bias;
  private final Operand<TFloat32> kernelRead;
  private final Operand<TFloat32> biasRead;

  /** The cell's state after a step: the cell state c and the output h, each [N, units]. */
  public record State(Operand<TFloat32> c, Operand<TFloat32> h) {}

  private Tf1BasicLstmCell(Ops tf, int inputSize, int numUnits, long seed) {
    this.numUnits = numUnits;
    kernel = GraphVariables.create(tf, KERNEL, Shape.of(inputSize + numUnits, 4L * numUnits), TFloat32.class,
        init -> glorotUniform(init, inputSize + numUnits, 4 * numUnits, seed));
    bias = GraphVariables.create(tf, BIAS, Shape.of(4L * numUnits), TFloat32.class,
        init -> init.zeros(init.constant(new long[] {4L * numUnits}), TFloat32.class));
    kernelRead = tf.identity(kernel);
    biasRead = tf.identity(bias);
  }

  /** A cell of {@code numUnits} for inputs of {@code inputSize}; its kernel starts from {@code seed}. */
  public static Tf1BasicLstmCell create(Ops tf, int inputSize, int numUnits, long seed) {
    return new Tf1BasicLstmCell(tf, inputSize, numUnits, seed);
  }

  /** The zero state for the batch of {@code x} ([N, inputs]). */
  public State zeroState(Ops tf, Operand<TFloat32> x) {
    Operand<org.tensorflow.types.TInt32> batch = tf.gather(tf.shape(x), tf.constant(new int[] {0}), tf.constant(0));
    Operand<TFloat32> zeros = tf.fill(tf.concat(List.of(batch, tf.constant(new int[] {numUnits})), tf.constant(0)),
        tf.constant(0f));
    return new State(zeros, zeros);
  }

  /** One step: {@code x} [N, inputs] and the state before it give the state after it (h is the step's output). */
  public State call(Ops tf, Operand<TFloat32> x, State state) {
    Operand<TFloat32> gates = tf.nn.biasAdd(
        tf.linalg.matMul(tf.concat(List.of(x, state.h()), tf.constant(1)), kernelRead), biasRead);
    return update(tf, gates, state.c());
  }

  /** The update from the pre-activation gates [N, 4 units] and the cell state c (shared with the fast forms). */
  public static State update(Ops tf, Operand<TFloat32> gates, Operand<TFloat32> c) {
    List<Output<TFloat32>> ijfo = tf.split(tf.constant(1), gates, 4L).output();
    Operand<TFloat32> i = ijfo.get(0);
    Operand<TFloat32> j = ijfo.get(1);
    Operand<TFloat32> f = ijfo.get(2);
    Operand<TFloat32> o = ijfo.get(3);
    Operand<TFloat32> newC = tf.math.add(
        tf.math.mul(c, tf.math.sigmoid(tf.math.add(f, tf.constant(FORGET_BIAS)))),
        tf.math.mul(tf.math.sigmoid(i), tf.math.tanh(j)));
    Operand<TFloat32> newH = tf.math.mul(tf.math.tanh(newC), tf.math.sigmoid(o));
    return new State(newC, newH);
  }

  /** The kernel's initial values: TF1's default for {@code get_variable}, Glorot uniform, seed2 3 as Python's. */
  public static Operand<TFloat32> glorotUniform(Ops tf, int fanIn, int fanOut, long seed) {
    return GlorotUniform.of(tf, Shape.of(fanIn, fanOut), fanIn, fanOut, seed, 3L);
  }
}
