package org.introdl.exercises.api;

import java.util.List;
import org.introdl.core.tf.GlorotUniform;
import org.introdl.core.tf.GraphVariables;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The variables of TF1's {@code rnn.BasicLSTMCell(numUnits)}, with Python's names: a kernel
 * {@code rnn/basic_lstm_cell/kernel} of shape {@code [inputSize + numUnits, 4 * numUnits]} (Glorot uniform, drawn as
 * the lab's cell draws it) and a bias {@code rnn/basic_lstm_cell/bias} of shape {@code [4 * numUnits]} (zeros). Only
 * the variables: the cell's arithmetic is yours to write:
 *
 * <pre>
 *   [i, j, f, o] = split(concat([x, h], 1) @ kernel + bias, 4, axis 1)
 *   c' = c * sigmoid(f + FORGET_BIAS) + sigmoid(i) * tanh(j)
 *   h' = tanh(c') * sigmoid(o)
 * </pre>
 *
 * starting from {@code c = h = zeroState}; {@code h'} is the cell's output at that step.
 */
public final class LstmCellVariables {
  /** The name scope Python gives the cell's variables. */
  public static final String SCOPE = "rnn/basic_lstm_cell";
  /** TF1's default {@code forget_bias}: added to the forget gate so that a fresh cell remembers. */
  public static final float FORGET_BIAS = 1.0f;

  private final int numUnits;
  private final int inputSize;
  private final Output<TFloat32> kernelVariable;
  private final Output<TFloat32> biasVariable;
  private final Operand<TFloat32> kernel;
  private final Operand<TFloat32> bias;

  /** Creates the cell's two variables in {@code tf}'s graph (once per graph). */
  public LstmCellVariables(Ops tf, int numUnits, int inputSize) {
    this.numUnits = numUnits;
    this.inputSize = inputSize;
    int rows = inputSize + numUnits;
    // TF1's default for get_variable, drawn as the lab's cell draws it (seed 0, seed2 3 as Python's graph)
    kernelVariable = GraphVariables.create(tf, SCOPE + "/kernel", Shape.of(rows, 4L * numUnits), TFloat32.class,
        init -> GlorotUniform.of(init, Shape.of(rows, 4L * numUnits), rows, 4L * numUnits, 0L, 3L));
    biasVariable = GraphVariables.create(tf, SCOPE + "/bias", Shape.of(4L * numUnits), TFloat32.class,
        init -> init.zeros(init.constant(new long[] {4L * numUnits}), TFloat32.class));
    // Read through identities: gradients of ops that read a variable directly fail in TF Java.
    kernel = tf.identity(kernelVariable);
    bias = tf.identity(biasVariable);
  }

  /** {@code [inputSize + numUnits, 4 * numUnits]}: rows for x first, then rows for h; columns i, j, f, o. */
  public Operand<TFloat32> kernel() {
    return kernel;
  }

  /** {@code [4 * numUnits]}, in the kernel's column order i, j, f, o. */
  public Operand<TFloat32> bias() {
    return bias;
  }

  /** Python's {@code cell.zero_state(batch_size)}: zeros of shape {@code [batch, numUnits]}, batch taken from {@code rows}. */
  public Operand<TFloat32> zeroState(Ops tf, Operand<TFloat32> rows) {
    Operand<TInt32> batch = tf.slice(tf.shape(rows), tf.constant(new int[] {0}), tf.constant(new int[] {1}));
    return tf.fill(tf.concat(List.of(batch, tf.constant(new int[] {numUnits})), tf.constant(0)), tf.constant(0f));
  }

  public int numUnits() {
    return numUnits;
  }

  public int inputSize() {
    return inputSize;
  }

  /** The variables themselves (to train or save). */
  public Output<TFloat32> kernelVariable() {
    return kernelVariable;
  }

  public Output<TFloat32> biasVariable() {
    return biasVariable;
  }
}
