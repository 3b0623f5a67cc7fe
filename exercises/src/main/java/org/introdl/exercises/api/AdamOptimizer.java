package org.introdl.exercises.api;

import java.util.ArrayList;
import java.util.List;
import org.introdl.core.optim.Tf1Adam;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * TF1's {@code tf.train.AdamOptimizer(learning_rate)}: {@code minimize(loss)} builds the op that moves each variable
 * one Adam step down the loss's gradient (beta1 0.9, beta2 0.999, epsilon 1e-8, as TF1).
 */
public final class AdamOptimizer {
  private final float learningRate;

  public AdamOptimizer(float learningRate) {
    this.learningRate = learningRate;
  }

  /** One training step over {@code variables} (the {@code VariableV2} outputs, Python's trainable variables). */
  public Op minimize(Ops tf, Operand<TFloat32> loss, List<Output<TFloat32>> variables) {
    List<Tf1Adam.Trainable> trainables = new ArrayList<>();
    variables.forEach(v -> trainables.add(Tf1Adam.Trainable.of(v)));
    return new Tf1Adam(learningRate).minimize(tf, loss, trainables).train();
  }
}
