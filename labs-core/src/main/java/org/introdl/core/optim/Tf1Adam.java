package org.introdl.core.optim;

import java.util.ArrayList;
import java.util.List;
import org.introdl.core.tf.GraphVariables;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.types.TFloat32;

/**
 * Adam exactly as TF1's {@code tf.train.AdamOptimizer} (Kingma and Ba, 2015, "Adam: A Method for Stochastic
 * Optimization", with TF1's epsilon-hat form): {@code ApplyAdam} per variable, then {@code beta1_power} and
 * {@code beta2_power} multiplied by the betas under a control dependency on every update. The framework's Adam
 * leaves that order open, so its results change from run to run; this one gives the same numbers every run.
 *
 * <p>Names follow TF1 so that checkpoints are interchangeable with Python: slots {@code <var>/Adam} and
 * {@code <var>/Adam_1} (any variable name, slashes included), accumulators {@code beta1_power} and
 * {@code beta2_power}.
 */
public final class Tf1Adam {
  public static final float LEARNING_RATE_DEFAULT = 0.001f;
  public static final float BETA1_DEFAULT = 0.9f;
  public static final float BETA2_DEFAULT = 0.999f;
  public static final float EPSILON_DEFAULT = 1e-8f;

  private final float learningRate;
  private final float beta1;
  private final float beta2;
  private final float epsilon;

  public Tf1Adam(float learningRate) {
    this(learningRate, BETA1_DEFAULT, BETA2_DEFAULT, EPSILON_DEFAULT);
  }

  public Tf1Adam(float learningRate, float beta1, float beta2, float epsilon) {
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
  }

  /** A variable to train: its graph output ({@code VariableV2}), its TF name and static shape. */
  public record Trainable(Output<TFloat32> variable, String name, Shape shape) {
    public static Trainable of(Operand<TFloat32> variable) {
      Output<TFloat32> out = variable.asOutput();
      return new Trainable(out, out.op().name(), out.shape());
    }
  }

  /** The training op and the optimizer's own variables (to save and restore with the model). */
  public record Update(Op train, List<Output<TFloat32>> slots) {}

  /** Builds {@code minimize(loss)} over {@code vars}; the returned op is TF1's {@code Adam} train op. */
  public Update minimize(Ops tf, Operand<TFloat32> loss, List<Trainable> vars) {
    List<Output<TFloat32>> targets = new ArrayList<>();
    vars.forEach(v -> targets.add(v.variable()));
    Gradients grads = tf.gradients(loss, targets);
    return applyGradients(tf, grads.dy(), vars);
  }

  /** Applies precomputed gradients (one per variable, in order). */
  public Update applyGradients(Ops tf, List<? extends Operand<?>> gradients, List<Trainable> vars) {
    return applyGradients(tf, gradients, vars, null);
  }

  /**
   * As {@link #applyGradients(Ops, List, List)} at the learning rate {@code learningRate} (a scalar operand, e.g. a
   * placeholder fed by a schedule) instead of the constructor's; null keeps the constructor's.
   */
  public Update applyGradients(Ops tf, List<? extends Operand<?>> gradients, List<Trainable> vars,
      Operand<TFloat32> learningRate) {
    if (gradients.size() != vars.size()) {
      throw new IllegalArgumentException(gradients.size() + " gradients for " + vars.size() + " variables");
    }
    List<Output<TFloat32>> slots = new ArrayList<>();
    Output<TFloat32> beta1Power = scalarVariable(tf, "beta1_power", beta1);
    Output<TFloat32> beta2Power = scalarVariable(tf, "beta2_power", beta2);
    slots.add(beta1Power);
    slots.add(beta2Power);
    Ops adam = tf.withSubScope("Adam");
    Operand<TFloat32> rate = learningRate != null ? learningRate : adam.constant(this.learningRate);
    // Every gradient is complete before any variable changes (TF1's GATE_GRAPH). Variable reads alias the
    // variable's buffer, so without this gate an in-place update can race with a backward matmul that still
    // reads the old value, and Adam's normalisation turns that tiny difference into a visible one.
    List<org.tensorflow.Operation> gradientOps = new ArrayList<>();
    gradients.forEach(g -> gradientOps.add(g.op()));
    Ops gated = adam.withControlDependencyOps(gradientOps);
    List<Op> applies = new ArrayList<>();
    for (int i = 0; i < vars.size(); i++) {
      Trainable v = vars.get(i);
      Output<TFloat32> m = zeroSlot(tf, v.name() + "/Adam", v.shape());
      Output<TFloat32> s = zeroSlot(tf, v.name() + "/Adam_1", v.shape());
      slots.add(m);
      slots.add(s);
      @SuppressWarnings("unchecked")
      Operand<TFloat32> grad = gated.identity((Operand<TFloat32>) gradients.get(i));
      applies.add(adam.train.applyAdam(v.variable(), m, s, beta1Power, beta2Power,
          rate, adam.constant(beta1), adam.constant(beta2), adam.constant(epsilon), grad));
    }
    // TF1's _finish: the powers advance only after every ApplyAdam has read them.
    Ops after = adam.withControlDependencies(applies);
    Op update1 = after.assign(beta1Power, after.math.mul(beta1Power, after.constant(beta1)));
    Op update2 = after.assign(beta2Power, after.math.mul(beta2Power, after.constant(beta2)));
    Op train = tf.withName("Adam").withControlDependencies(List.of(update1, update2)).noOp();
    return new Update(train, slots);
  }

  private static Output<TFloat32> scalarVariable(Ops tf, String name, float initial) {
    return GraphVariables.create(tf, uniqueName(tf, name), Shape.scalar(), TFloat32.class, init -> init.constant(initial));
  }

  private static Output<TFloat32> zeroSlot(Ops tf, String name, Shape shape) {
    return GraphVariables.create(tf, name, shape, TFloat32.class,
        init -> init.fill(init.constant(shape.asArray()), init.constant(0f)));
  }

  /** TF1 names a second optimizer's accumulators {@code beta1_power_1}; so do we. */
  private static String uniqueName(Ops tf, String base) {
    org.tensorflow.Graph g = (org.tensorflow.Graph) tf.scope().env();
    String name = base;
    for (int k = 1; g.operation(name) != null; k++) {
      name = base + "_" + k;
    }
    return name;
  }
}
