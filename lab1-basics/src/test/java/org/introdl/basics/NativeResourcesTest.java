package org.introdl.basics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Every step closes its Graph, Session, Tensors and Results: running a step a thousand times leaves resident memory
 * flat. A leak of one feed tensor or one Result per run would show here as steady growth.
 */
class NativeResourcesTest {
  private static final int RUNS = 1_000;

  @Test
  void aThousandSessionRunsKeepResidentMemoryFlat() throws IOException {
    for (int i = 0; i < 100; i++) {
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
  void aThousandEagerAdditionsKeepResidentMemoryFlat() throws IOException {
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

  private static long residentKb() throws IOException {
    System.gc();
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return 0; // not Linux: nothing to measure
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return 0;
  }
}
