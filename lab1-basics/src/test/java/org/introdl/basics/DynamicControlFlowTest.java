package org.introdl.basics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DynamicControlFlowTest {
  @Test
  void printsTheNotebooksSequenceFromTwelve() {
    assertEquals(NotebookReference.printed(28), DynamicControlFlow.run(12).lines());
  }

  @Test
  void equalsTheSequenceComputedInPlainJava() {
    for (int start = 1; start <= 60; start++) {
      assertEquals(collatz(start), DynamicControlFlow.run(start).steps(), "start " + start);
    }
    assertEquals(collatz(97), DynamicControlFlow.run(97).steps());
  }

  @Test
  void refusesStartsBelowOneAndInt32Overflow() {
    assertThrows(IllegalArgumentException.class, () -> DynamicControlFlow.run(0));
    assertThrows(IllegalArgumentException.class, () -> DynamicControlFlow.run(Integer.MAX_VALUE));
  }

  private static List<Integer> collatz(long a) {
    List<Integer> steps = new ArrayList<>();
    while (a != 1) {
      a = a % 2 == 0 ? a / 2 : 3 * a + 1;
      steps.add((int) a);
    }
    return steps;
  }
}
