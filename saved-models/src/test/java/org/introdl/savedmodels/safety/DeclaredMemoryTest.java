package org.introdl.savedmodels.safety;

import static org.introdl.savedmodels.safety.UnsafeOpsTest.graph;
import static org.introdl.savedmodels.safety.UnsafeOpsTest.node;
import static org.introdl.savedmodels.safety.UnsafeOpsTest.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;

/**
 * What a model declares, computed the way TensorFlow would build it: shapes folded from constant arithmetic,
 * strings repeated to their shape, list reservations. Every expected value is a closed form; each attack has a
 * control that shows what the same node declares when its size cannot be known (zero), or at a small size.
 */
class DeclaredMemoryTest {
  private static NodeDef ints(String name, long... values) {
    TensorProto.Builder t = TensorProto.newBuilder().setDtype(DataType.DT_INT64);
    if (values.length != 1) {
      t.setTensorShape(shape(values.length));
    }
    for (long v : values) {
      t.addInt64Val(v);
    }
    return NodeDef.newBuilder().setName(name).setOp("Const").putAttr("value", AttrValue.newBuilder().setTensor(t)
        .build()).build();
  }

  private static NodeDef typed(NodeDef n, String attr, DataType t) {
    return n.toBuilder().putAttr(attr, AttrValue.newBuilder().setType(t).build()).build();
  }

  @Test
  void aFillShapedByArithmeticOnConstantsIsFolded() {
    // Fill([a + b, 2 * c]) with a + b = 50,000 and 2 * c = 20,000: 1e9 floats, 4e9 bytes.
    NodeDef fill = typed(node("fill", "Fill", "shape", "one"), "T", DataType.DT_FLOAT);
    long folded = DeclaredMemory.of(graph(ints("a", 20_000), ints("b", 30_000), ints("c", 10_000), ints("two", 2),
        node("rows", "AddV2", "a", "b"), node("cols", "Mul", "two", "c"), node("shape", "Pack", "rows", "cols"),
        fill)).largestBytes();
    assertEquals(4_000_000_000L, folded);
    long concatenated = DeclaredMemory.of(graph(ints("a", 1000, 1000), ints("b", 1000), ints("axis", 0),
        node("shape", "ConcatV2", "a", "b", "axis"), fill)).largestBytes();
    assertEquals(4_000_000_000L, concatenated);
    // The control: a shape computed from the graph's input is unknown: the Fill counts as nothing, and the largest
    // node is a constant.
    assertEquals("b", DeclaredMemory.of(graph(node("x", "Placeholder"), ints("b", 30_000),
        node("rows", "AddV2", "x", "b"), node("shape", "Pack", "rows", "rows"), fill)).largestNode());
  }

  @Test
  void aStringConstantCountsItsStringRepeatedToItsShape() {
    // One 4 KiB string_val in a tensor of 1,000,000 strings: TensorFlow repeats it to every element.
    ByteString value = ByteString.copyFrom(new byte[4096]);
    TensorProto repeated = TensorProto.newBuilder().setDtype(DataType.DT_STRING).setTensorShape(shape(1_000_000))
        .addStringVal(value).build();
    assertEquals(1_000_000L * (24 + 4096), DeclaredMemory.tensorBytes(repeated));
    // The control: the same string once.
    assertEquals(24 + 4096, DeclaredMemory.tensorBytes(repeated.toBuilder().setTensorShape(shape(1)).build()));
  }

  @Test
  void aTensorListReservationCountsItsSlots() {
    NodeDef reserve = typed(node("list", "TensorListReserve", "element_shape", "n"), "element_dtype",
        DataType.DT_FLOAT);
    // 100,000,000 slots of unknown shape: each an empty tensor of 32 bytes.
    assertEquals(3_200_000_000L, DeclaredMemory.of(graph(ints("element_shape", -1), ints("n", 100_000_000),
        reserve)).largestBytes());
    // Slots of a known shape [10]: 32 + 40 bytes each.
    assertEquals(72_000_000L, DeclaredMemory.of(graph(ints("element_shape", 10), ints("n", 1_000_000), reserve))
        .largestBytes());
    // The control: a count fed at run time is unknown (the list counts as nothing).
    assertEquals("element_shape", DeclaredMemory.of(graph(ints("element_shape", -1), node("n", "Placeholder"),
        reserve)).largestNode());
  }

  @Test
  void whatACheckpointDeclaresIsAddedToTheTotal() {
    DeclaredMemory graph = DeclaredMemory.of(graph(ints("a", 1)));
    DeclaredMemory both = graph.plus("checkpoint", "variables/variables.index", 600_000_000L);
    assertEquals(graph.totalBytes() + 600_000_000L, both.totalBytes());
    assertEquals("variables/variables.index", both.largestNode());
  }
}
