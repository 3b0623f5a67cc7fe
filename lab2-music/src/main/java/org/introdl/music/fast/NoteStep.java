package org.introdl.music.fast;

import java.util.List;
import org.introdl.core.optim.Tf1Adam;
import org.introdl.music.data.Melody;
import org.introdl.music.model.LstmGraph;
import org.introdl.music.model.OutputHead;
import org.introdl.music.model.Tf1BasicLstmCell;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * One {@code BasicLSTMCell} step from a note index, on a trained model's variables: the projected cell of
 * {@link FastMusicLstm} for one row. A one-hot row times the kernel's input half is one of its rows, so the gates are
 * {@code table[note] + h @ W_h + bias} (a rest, {@link FastMusicLstm#REST_INDEX}, picks the table's zero row), then
 * {@link Tf1BasicLstmCell#update}. The stateful step, the sampled chunk and the shared windows all step through here.
 */
public final class NoteStep {
  /** The kernel's input rows and a zero row for a rest, [inputs + 1, 4H]. */
  private final Operand<TFloat32> table;
  /** The kernel's rows for h, [H, 4H]. */
  private final Operand<TFloat32> recurrent;
  private final Operand<TFloat32> bias;
  private final Operand<TFloat32> weights;
  private final Operand<TFloat32> biases;
  private final int hidden;

  /**
   * Reads of {@code model}'s variables (the notebook's graph or a fast form: the same four), made once in {@code
   * tf}'s scope for every step built on them.
   */
  public NoteStep(Ops tf, LstmGraph model) {
    List<Tf1Adam.Trainable> variables = model.trainables(); // weights, biases, kernel, bias
    hidden = (int) variables.get(0).variable().shape().get(0);
    List<Output<TFloat32>> parts = tf.splitV(tf.identity(variables.get(2).variable()),
        tf.constant(new int[] {model.inputSize(), hidden}), tf.constant(0), 2L).output();
    table = tf.concat(List.of(parts.get(0),
        tf.zeros(tf.constant(new long[] {1, 4L * hidden}), TFloat32.class)), tf.constant(0));
    recurrent = parts.get(1);
    bias = tf.identity(variables.get(3).variable());
    weights = tf.identity(variables.get(0).variable());
    biases = tf.identity(variables.get(1).variable());
  }

  /** LSTM units. */
  public int hidden() {
    return hidden;
  }

  /** The state after reading {@code note} ([1] index, broadcast over the rows of c and h) from (c, h). */
  Tf1BasicLstmCell.State step(Ops tf, Operand<TInt32> note, Operand<TFloat32> c, Operand<TFloat32> h) {
    Operand<TFloat32> gates = tf.math.add(tf.math.add(tf.gather(table, note, tf.constant(0)),
        tf.linalg.matMul(h, recurrent)), bias);
    return Tf1BasicLstmCell.update(tf, gates, c);
  }

  /** The next note's distribution after the output {@code h}: the model's output head. */
  Operand<TFloat32> probabilities(Ops tf, Operand<TFloat32> h) {
    return OutputHead.probabilities(tf, h, weights, biases);
  }

  /** The index fed for {@code note}: a rest is the table's zero row. */
  static int index(int note) {
    return note == Melody.REST ? FastMusicLstm.REST_INDEX : note;
  }
}
