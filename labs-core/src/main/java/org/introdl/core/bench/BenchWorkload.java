package org.introdl.core.bench;

/**
 * One timed workload of {@code ./labs bench}: built once (graph, session, inputs), then {@link #run()} many times.
 * Closing it releases its graph, session and tensors.
 */
public interface BenchWorkload extends AutoCloseable {
  /** Short name shown in the table, e.g. "W1 music train step (fast)". */
  String name();

  /** Floating-point operations of one run by the workload's stated convention, or 0 when not meaningful. */
  double flopsPerRun();

  /** Name of the workload this one is compared to (its baseline), or null. */
  String baseline();

  /** One run: the thing being timed. */
  void run();

  @Override
  void close();
}
