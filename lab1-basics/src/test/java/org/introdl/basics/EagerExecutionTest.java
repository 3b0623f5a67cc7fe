package org.introdl.basics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EagerExecutionTest {
  @Test
  void graphTensorIsNamedAsInTheNotebooksGraph() {
    EagerExecution.Result r = EagerExecution.run(EagerExecution.NOTEBOOK_PRIOR_ADDS);
    assertEquals(NotebookReference.printed(18).get(0), r.graphTensor());
  }

  @Test
  void eagerValueIsPrintedAsTheNotebookDid() {
    EagerExecution.Result r = EagerExecution.run(0);
    assertEquals(NotebookReference.printed(23).get(0), r.eagerTensor());
    assertEquals(3, r.eagerValue());
    assertEquals("Tensor(\"Add:0\", shape=(), dtype=int32)", r.graphTensor());
  }
}
