package org.introdl.basics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.introdl.core.bench.ResidentMemory;
import org.junit.jupiter.api.Test;

/**
 * Every step closes its Graph, Session, Tensors and Results: running a step a thousand times leaves native memory
 * flat. A leak of one feed tensor or one Result per run would show here as steady growth.
 */
class NativeResourcesTest {
  private static final int RUNS = 1_000;

  @Test
  void aThousandSessionRunsKeepResidentMemoryFlat() {
    for (int i = 0; i < 300; i++) {
      Placeholders.run(i, 4f); // warm-up: allocator pools, JIT
      Perceptron.run(Perceptron.X);
    }
    long before = residentKb();
    for (int i = 0; i < RUNS; i++) {
      assertEquals((i + 4f) * 3f, Placeholders.run(i, 4f).e());
      Perceptron.run(Perceptron.X);
    }
    long growthKb = residentKb() - before;
    assertTrue(growthKb < 40_000, "resident memory grew by " + growthKb + " kB over " + RUNS + " runs");
  }

  @Test
  void aThousandEagerAdditionsKeepResidentMemoryFlat() {
    for (int i = 0; i < 100; i++) {
      EagerExecution.run(0);
    }
    long before = residentKb();
    for (int i = 0; i < RUNS; i++) {
      EagerExecution.run(0);
    }
    long growthKb = residentKb() - before;
    assertTrue(growthKb < 40_000, "resident memory grew by " + growthKb + " kB over " + RUNS + " runs");
  }

  /** Native memory (RSS less the JVM's committed heap and non-heap), after a GC. */
  private static long residentKb() {
    System.gc();
    return ResidentMemory.nativeKilobytes();
  }
}
