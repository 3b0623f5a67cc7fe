package org.introdl.music.model;

import java.util.List;
import org.introdl.core.optim.Tf1Adam;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * What training and feeding need from a music model graph: the notebook's {@link MusicLstm} or its fast form
 * {@link FastMusicLstm}.
 */
public interface LstmGraph {
  /** Where a batch's inputs go: one-hot rows [N, T, 78], or note indices [T, N] when {@link #feedsNoteIndices()}. */
  Operand<?> inputPlaceholder();

  /** One-hot labels [N, 78]. */
  Placeholder<TFloat32> labels();

  /** The sizes a graph was built for; a model's {@code Config} record supplies them. */
  interface Dimensions {
    int inputSize();

    int outputSize();

    int timesteps();

    /** Whether the graph is fed note indices rather than one-hot rows: no, unless a config says so. */
    default boolean feedsNoteIndices() {
      return false;
    }
  }

  /** The sizes this graph was built for. */
  Dimensions dimensions();

  default boolean feedsNoteIndices() {
    return dimensions().feedsNoteIndices();
  }

  default int timesteps() {
    return dimensions().timesteps();
  }

  default int inputSize() {
    return dimensions().inputSize();
  }

  default int outputSize() {
    return dimensions().outputSize();
  }

  /** The output head's prediction, loss and accuracy. */
  OutputHead.Measures measures();

  default Operand<TFloat32> loss() {
    return measures().loss();
  }

  default Operand<TFloat32> accuracy() {
    return measures().accuracy();
  }

  default Operand<TFloat32> prediction() {
    return measures().prediction();
  }

  /** The four trainable variables, in the order Python's {@code tf.trainable_variables()} lists them. */
  List<Tf1Adam.Trainable> trainables();

  /** The gradients of the loss for {@link #trainables()}, in that order. */
  List<Operand<TFloat32>> gradients(Ops tf);
}
