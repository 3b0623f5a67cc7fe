package org.introdl.music.model;

import java.util.Map;
import java.util.WeakHashMap;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.op.Ops;

/**
 * TF1's graph-level seed ({@code tf.set_random_seed}): the seed the graph's initializers draw from, so that a cell
 * built inside the notebook's {@code RNN(input_vec, weights, biases)} is seeded without a seed among its arguments.
 */
final class GraphSeed {
  private static final Map<ExecutionEnvironment, Long> SEEDS = new WeakHashMap<>();

  private GraphSeed() {}

  static synchronized void set(Ops tf, long seed) {
    SEEDS.put(tf.scope().env(), seed);
  }

  /** The graph's seed; 0 when none was set. */
  static synchronized long of(Ops tf) {
    return SEEDS.getOrDefault(tf.scope().env(), 0L);
  }
}
