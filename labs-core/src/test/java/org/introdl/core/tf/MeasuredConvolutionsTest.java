package org.introdl.core.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import org.introdl.core.tune.KernelChoices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeasuredConvolutionsTest {
  private static final ConvolutionPlan.Layer LAYER = new ConvolutionPlan.Layer(8, 8, 3, 4, 3);

  @TempDir Path dir;

  @Test
  void aNewShapeIsTimedOnBothKernelsOnceAndSaidSo() {
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    Convolution.Kernel chosen = plan(first).kernelFor(LAYER);
    String said = first.toString(StandardCharsets.UTF_8);
    assertTrue(said.startsWith("Choosing convolution kernels for this machine (once"), said);
    assertTrue(said.contains("batch 2, 8x8 3->4 3x3"), said);

    KernelChoices stored = choices();
    assertEquals(1, stored.forThisMachine().size());
    KernelChoices.Choice c = stored.forThisMachine().get(0);
    assertEquals(MeasuredConvolutions.WHAT, c.what());
    assertEquals(Set.of("CONV2D", "CONV"), c.ms().keySet());
    assertTrue(c.ms().values().stream().allMatch(ms -> ms > 0), c.ms().toString());
    assertEquals(chosen.name(), c.winner());

    ByteArrayOutputStream second = new ByteArrayOutputStream();
    assertEquals(chosen, plan(second).kernelFor(LAYER));
    assertEquals("", second.toString(StandardCharsets.UTF_8), "a known shape is neither timed nor announced");
  }

  private KernelChoices choices() {
    return new KernelChoices(dir.resolve(KernelChoices.FILE_NAME), KernelChoices.Machine.current());
  }

  private MeasuredConvolutions plan(ByteArrayOutputStream progress) {
    return new MeasuredConvolutions(choices(), 2, new PrintStream(progress, true, StandardCharsets.UTF_8));
  }
}
