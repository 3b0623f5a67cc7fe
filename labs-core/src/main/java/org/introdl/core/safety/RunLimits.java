package org.introdl.core.safety;

import java.time.Duration;

/**
 * What a run of a stranger's model may do beyond the scan's verdict.
 *
 * @param allowUnsafeOps run even with unsafe findings or over the memory budget (for models whose author you trust)
 * @param memoryBudgetBytes the most memory the model may declare (the scan adds it up) and the most resident memory its
 *     worker process may use ({@link org.introdl.core.worker.WorkerProcess}); {@code --max-memory}
 * @param timeout how long one run (loading included) may take before the command gives up; zero for no limit (and
 *     inside a worker, whose parent enforces it)
 */
public record RunLimits(boolean allowUnsafeOps, long memoryBudgetBytes, Duration timeout) {
  /** Half of this machine's memory: a model may not declare more unless the user says so. */
  public static final long DEFAULT_MEMORY_BUDGET = defaultBudget();
  /** A model that runs longer than this is taken to hang. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  /** The defaults, with or without {@code --allow-unsafe-ops}. */
  public static RunLimits of(boolean allowUnsafeOps) {
    return new RunLimits(allowUnsafeOps, DEFAULT_MEMORY_BUDGET, DEFAULT_TIMEOUT);
  }

  private static long defaultBudget() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun && sun.getTotalMemorySize() > 0) {
      return sun.getTotalMemorySize() / 2;
    }
    return 4L << 30;
  }
}
