package org.introdl.exercises.grading;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Operation;

/**
 * What a student's graph is made of, for graders that check how a result was computed and not only its numbers: the
 * operations an output depends on, through data and control inputs.
 */
public final class GraphInspection {
  private GraphInspection() {}

  /** Every operation {@code output} is computed from, itself included. */
  public static Set<GraphOperation> ancestors(Operand<?> output) {
    Set<GraphOperation> seen = new LinkedHashSet<>();
    Deque<GraphOperation> todo = new ArrayDeque<>();
    Operation start = output.op();
    if (!(start instanceof GraphOperation first)) {
      return seen;
    }
    todo.push(first);
    while (!todo.isEmpty()) {
      GraphOperation op = todo.pop();
      if (!seen.add(op)) {
        continue;
      }
      for (int i = 0; i < op.numInputs(); i++) {
        todo.push((GraphOperation) op.input(i).op());
      }
      todo.addAll(op.controlInputs());
    }
    return seen;
  }

  /** How many of {@code output}'s ancestors have one of these op types. */
  public static long count(Operand<?> output, String... types) {
    Set<String> wanted = Set.of(types);
    return ancestors(output).stream().filter(op -> wanted.contains(op.type())).count();
  }

  /**
   * Whether {@code output} depends on an op that {@code tf.gradients} made: its ops live under a {@code Gradients}
   * scope, and differentiating a broadcasting op adds a {@code BroadcastGradientArgs} no hand-written formula has.
   */
  public static boolean usesGradients(Operand<?> output) {
    return ancestors(output).stream().anyMatch(op -> op.name().toLowerCase(Locale.ROOT).startsWith("gradients")
        || op.type().equals("BroadcastGradientArgs"));
  }
}
