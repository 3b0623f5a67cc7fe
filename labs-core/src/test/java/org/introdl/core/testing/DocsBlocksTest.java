package org.introdl.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The docs' output lines against printed ones: numbers compared to the documented precision, durations aside. */
class DocsBlocksTest {
  private static final String DOCUMENTED = "step 25/200  loss 1.7024  acc 0.484  (30.3 ms/step, ETA 0:00:05)";

  @Test
  void theSameNumbersWithOtherDurationsMatch() {
    assertEquals(List.of(), DocsBlocks.differingNumbers(DOCUMENTED,
        "step 25/200  loss 1.70241  acc 0.484  (81.0 ms/step, ETA 0:01:17)", 0));
  }

  @Test
  void aDifferentLossIsCaughtAndAToleranceCanAllowIt() {
    String printed = "step 25/200  loss 1.7100  acc 0.484  (30.3 ms/step, ETA 0:00:05)";
    assertEquals(List.of("1.7024 (printed 1.7100)"), DocsBlocks.differingNumbers(DOCUMENTED, printed, 0));
    assertEquals(List.of(), DocsBlocks.differingNumbers(DOCUMENTED, printed, 0.01));
  }

  @Test
  void aCountIsCompared() {
    assertEquals(List.of("500 (printed 499)"), DocsBlocks.differingNumbers("Generated 500 notes in 1.11 s",
        "Generated 499 notes in 0.31 s", 0.001));
  }

  @Test
  void eachDocumentedLineMatchesAPrintedLineOfItsShapeAndNumbersInOrder() {
    List<String> documented = List.of("step 25/200  loss 1.7024", "step 200/200  loss 0.6872");
    String printed = "step 25/200  loss 1.7024\nstep 50/200  loss 1.0562\nstep 200/200  loss 0.6872\n";
    DocsBlocks.assertPrintedInOrderWithNumbers("page.md", documented, printed, 0.001);
    assertThrows(AssertionError.class, () -> DocsBlocks.assertPrintedInOrderWithNumbers("page.md", documented,
        printed.replace("0.6872", "0.7001"), 0.001));
  }
}
