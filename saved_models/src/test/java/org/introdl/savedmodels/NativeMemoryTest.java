package org.introdl.savedmodels;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import org.introdl.core.bench.ResidentMemory;
import org.junit.jupiter.api.Test;

/**
 * Loading, running and closing a SavedModel again and again keeps native memory flat: every Tensor, Result, Session
 * and Graph of {@code savedmodel run} is closed. Resident memory after warm-up may grow by allocator noise only.
 */
class NativeMemoryTest {
  private static final int WARMUP = 20;
  private static final int RUNS = 100;

  @Test
  void repeatedRunsKeepResidentMemoryFlat() {
    assumeTrue(ResidentMemory.kilobytes() > 0, "no /proc on this system");
    SignatureRunner.Request request = new SignatureRunner.Request(Fixtures.halfPlusTwoTf1(), "serve", "serving_default",
        Map.of("x", "[[1.0], [2.0]]"), false);
    for (int i = 0; i < WARMUP; i++) {
      SignatureRunner.run(request);
    }
    System.gc();
    long before = ResidentMemory.kilobytes();
    for (int i = 0; i < RUNS; i++) {
      SignatureRunner.run(request);
    }
    System.gc();
    long after = ResidentMemory.kilobytes();
    System.out.printf("savedmodel run x%d: RSS %d kB -> %d kB (%+d kB)%n", RUNS, before, after, after - before);
    assertTrue(after - before < 20_000, "RSS grew by " + (after - before) + " kB over " + RUNS + " runs");
  }
}
