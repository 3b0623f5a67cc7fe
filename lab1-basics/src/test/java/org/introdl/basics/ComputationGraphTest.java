package org.introdl.basics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ComputationGraphTest {
  @Test
  void printsTheSymbolicTensorAsTheNotebookDid() {
    ComputationGraph.Result r = ComputationGraph.run(15, 61);
    assertEquals(NotebookReference.printed(4).get(0), r.symbolic());
  }

  @Test
  void sessionComputesTheSum() {
    assertEquals(76, ComputationGraph.run(15, 61).value());
    assertEquals(-7 + 1000, ComputationGraph.run(-7, 1000).value());
  }
}
