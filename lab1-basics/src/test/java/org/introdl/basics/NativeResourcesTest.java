package org.introdl.basics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.introdl.core.testing.ResidentMemory;
import org.junit.jupiter.api.Test;

/**
 * Every step closes its Graph, Session, Tensors and Results: running a step a thousand times leaves native memory
 * flat. Memory is read after each of five windows of 200 runs; a leak grows in every window, whereas the allocator
 * claiming a new arena (a one-time step of up to 64 MB) moves only one. The median window must stay flat.
 */
class NativeResourcesTest {
  private static final int WINDOWS = 5;
  private static final int RUNS_PER_WINDOW = 200;
  /** 8 MB per 200 runs: 40 kB per run, far below one leaked Session or Graph per run. */
  private static final long MAX_MEDIAN_GROWTH_KB = 8_000;

  @Test
  void aThousandSessionRunsKeepNativeMemoryFlat() {
    assertFlat(i -> {
      assertEquals((i + 4f) * 3f, Placeholders.run(i, 4f).e());
      Perceptron.run(Perceptron.X);
    });
  }

  @Test
  void aThousandEagerAdditionsKeepNativeMemoryFlat() {
    assertFlat(i -> EagerExecution.run(0));
  }

  private static void assertFlat(java.util.function.IntConsumer step) {
    for (int i = 0; i < RUNS_PER_WINDOW; i++) {
      step.accept(i); // warm-up: allocator pools, JIT
    }
    long[] growth = new long[WINDOWS];
    long previous = nativeKb();
    for (int w = 0; w < WINDOWS; w++) {
      for (int i = 0; i < RUNS_PER_WINDOW; i++) {
        step.accept(i);
      }
      long now = nativeKb();
      growth[w] = now - previous;
      previous = now;
    }
    long[] sorted = growth.clone();
    Arrays.sort(sorted);
    assertTrue(sorted[WINDOWS / 2] < MAX_MEDIAN_GROWTH_KB,
        "native memory grew in most windows of " + RUNS_PER_WINDOW + " runs (kB): " + Arrays.toString(growth));
  }

  /** Native memory (RSS less the JVM's committed heap and non-heap), after a GC. */
  private static long nativeKb() {
    System.gc();
    return ResidentMemory.nativeKilobytes();
  }
}
