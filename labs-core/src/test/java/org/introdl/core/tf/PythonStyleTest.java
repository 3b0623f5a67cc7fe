package org.introdl.core.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

class PythonStyleTest {
  @Test
  void shapesPrintAsPythonTuples() {
    assertEquals("()", PythonStyle.shape(Shape.scalar()));
    assertEquals("(2,)", PythonStyle.shape(Shape.of(2)));
    assertEquals("(?, 2)", PythonStyle.shape(Shape.of(-1, 2)));
    assertEquals("<unknown>", PythonStyle.shape(Shape.unknown()));
  }

  @Test
  void eagerTensorsPrintAsTf1Did() {
    assertEquals("tf.Tensor(3, shape=(), dtype=int32)", PythonStyle.eager("3", Shape.scalar(), DataType.DT_INT32));
    assertEquals("float32", PythonStyle.dtype(DataType.DT_FLOAT));
  }
}
