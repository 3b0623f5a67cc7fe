package org.introdl.music.train;

import java.util.List;
import org.introdl.core.exercises.ExerciseCode;
import org.introdl.core.optim.Tf1Adam;
import org.introdl.music.model.LstmGraph;
import org.introdl.music.model.MusicLstm;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The notebook's training cells as a seam, beside its {@code RNN}: a student's {@code loss_op}, {@code train_op} and
 * {@code accuracy} plug in here ({@code music train --exercises}). A method that returns null leaves that cell to
 * the lab (the student has not written it yet).
 */
public interface NotebookTraining extends MusicLstm.Rnn, ExerciseCode.Plugged {
  Operand<TFloat32> lossOp(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> outputVec);

  Op trainOp(Ops tf, Operand<TFloat32> loss, List<Output<TFloat32>> variables, float learningRate);

  Operand<TFloat32> accuracy(Ops tf, Operand<TFloat32> prediction, Operand<TFloat32> outputVec);

  /** What one training step runs and reports. */
  record Step(Operand<TFloat32> loss, Operand<TFloat32> accuracy, Op train) {}

  /**
   * The step of {@code model}: the lab's loss, accuracy and TF1 Adam, with each cell that {@code rnn} (when it is a
   * student's {@link NotebookTraining}) implements in their place.
   */
  static Step step(Ops tf, LstmGraph model, MusicLstm.Rnn rnn, float learningRate) {
    if (!(rnn instanceof NotebookTraining cells) || !(model instanceof MusicLstm notebook)) {
      return new Step(model.loss(), model.accuracy(),
          new Tf1Adam(learningRate).applyGradients(tf, model.gradients(tf), model.trainables()).train());
    }
    Operand<TFloat32> loss = cells.lossOp(tf, notebook.logits, notebook.outputVec);
    Operand<TFloat32> accuracy = cells.accuracy(tf, notebook.prediction, notebook.outputVec);
    List<Output<TFloat32>> variables = model.trainables().stream().map(Tf1Adam.Trainable::variable).toList();
    Op train = loss == null ? null : cells.trainOp(tf, loss, variables, learningRate);
    if (train == null) {
      Operand<TFloat32> lossed = loss == null ? model.loss() : loss;
      List<Operand<TFloat32>> gradients = tf.gradients(lossed, variables).dy().stream()
          .map(d -> NotebookTraining.<TFloat32>cast(d)).toList();
      train = new Tf1Adam(learningRate).applyGradients(tf, gradients, model.trainables()).train();
    }
    return new Step(loss == null ? model.loss() : loss, accuracy == null ? model.accuracy() : accuracy, train);
  }

  @SuppressWarnings("unchecked")
  private static <T extends org.tensorflow.types.family.TType> Operand<T> cast(Operand<?> operand) {
    return (Operand<T>) operand;
  }
}
