package org.introdl.core.optim;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.train.ApplyMomentum;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * TF1's {@code tf.train.MomentumOptimizer(lr, momentum, use_nesterov)}, built from {@code ApplyMomentum} so that it
 * computes what Python computed: {@code accum = momentum * accum + grad}; plain: {@code var -= lr * accum};
 * Nesterov: {@code var -= lr * grad + lr * momentum * accum}.
 *
 * <p>Why not the framework's {@code Momentum}: it names slots {@code <var>-momentum}, which is not a valid op name
 * when the variable's name holds a '/' ({@code dense/kernel}). TF1 names the slot {@code <var>/Momentum}; using the
 * same name means a checkpoint written here has the same 36 keys as the Python lab's, and the Python graph's own
 * {@code save/restore_all} can restore it.
 */
public final class Momentum {
  /** TF1's slot name suffix. */
  public static final String SLOT = "Momentum";

  private final Op update;

  private Momentum(Op update) {
    this.update = update;
  }

  /** The training op: one step of (Nesterov) momentum on {@code variables} against {@code loss}. */
  public static Momentum minimize(Ops tf, Operand<TFloat32> loss, List<Variable<TFloat32>> variables,
      float learningRate, float momentum, boolean nesterov) {
    return minimize(tf, loss, variables, tf.constant(learningRate), momentum, nesterov);
  }

  /** As above with the learning rate as a scalar operand (e.g. a placeholder fed with a schedule). */
  public static Momentum minimize(Ops tf, Operand<TFloat32> loss, List<Variable<TFloat32>> variables,
      Operand<TFloat32> learningRate, float momentum, boolean nesterov) {
    Graph graph = (Graph) tf.scope().env();
    Output<?>[] xs = variables.stream().map(Operand::asOutput).toArray(Output<?>[]::new);
    return apply(tf, List.of(graph.addGradients(loss.asOutput(), xs)), variables, learningRate, momentum, nesterov);
  }

  /**
   * The training op for precomputed gradients (one per variable, in order; e.g. clipped), as
   * {@code MomentumOptimizer.apply_gradients}.
   */
  public static Momentum apply(Ops tf, List<? extends Operand<?>> grads, List<Variable<TFloat32>> variables,
      Operand<TFloat32> learningRate, float momentum, boolean nesterov) {
    if (grads.size() != variables.size()) {
      throw new IllegalArgumentException(grads.size() + " gradients for " + variables.size() + " variables");
    }
    Graph graph = (Graph) tf.scope().env();
    Operand<TFloat32> lr = learningRate;
    Operand<TFloat32> mu = tf.constant(momentum);
    // Every gradient is complete before any variable changes (TF1's GATE_GRAPH, as in Tf1Adam): variable reads
    // alias the variable's buffer, so an in-place update could otherwise race with a backward op still reading it.
    List<org.tensorflow.Operation> gradientOps = new ArrayList<>();
    for (Operand<?> g : grads) {
      gradientOps.add(g.op());
    }
    Ops gated = tf.withControlDependencyOps(gradientOps);
    List<Op> applies = new ArrayList<>();
    for (int i = 0; i < variables.size(); i++) {
      Variable<TFloat32> variable = variables.get(i);
      Variable<TFloat32> slot = zeroSlot(tf, graph, variable);
      @SuppressWarnings("unchecked")
      Operand<TFloat32> grad = gated.identity((Operand<TFloat32>) grads.get(i));
      applies.add(tf.train.applyMomentum(variable, slot, lr, grad, mu, ApplyMomentum.useNesterov(nesterov)));
    }
    return new Momentum(tf.withControlDependencies(applies).noOp());
  }

  /** A zero-initialised {@code VariableV2} named exactly {@code <var>/Momentum}, shaped like {@code variable}. */
  static Variable<TFloat32> zeroSlot(Ops tf, Graph graph, Variable<TFloat32> variable) {
    String name = variable.op().name() + "/" + SLOT;
    // Scope.withSubScope would make the name unique ("kernel_1/Momentum"); the graph's builder takes it verbatim.
    var op = graph.opBuilder("VariableV2", name, graph.baseScope().withInitScope())
        .setAttr("shape", variable.shape())
        .setAttr("dtype", DataType.DT_FLOAT)
        .build();
    Variable<TFloat32> slot = new Variable<>(op);
    // Initialisers run together in no fixed order, so the zeros come from the shape, not from reading the variable.
    Ops init = tf.withInitScope();
    init.assign(slot, init.zeros(init.constant(variable.shape().asArray()), TFloat32.class));
    return slot;
  }

  public Op update() {
    return update;
  }
}
