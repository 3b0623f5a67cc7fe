package org.introdl.basics;

import java.util.ArrayList;
import java.util.List;
import org.introdl.core.tf.PythonStyle;
import org.tensorflow.EagerSession;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;

/**
 * Notebook section 2.3, dynamic control flow: the Collatz sequence, where the loop's condition and branch depend on
 * tensor values. In eager mode those values exist as soon as each op runs, so an ordinary Java {@code while} and
 * {@code if} drive the computation.
 */
public final class DynamicControlFlow {
  /** The notebook's start. */
  public static final int START = 12;
  /** Past this, {@code 3a + 1} no longer fits the int32 the notebook's tensors use. */
  static final int LARGEST_ODD_STEP = (Integer.MAX_VALUE - 1) / 3;

  private DynamicControlFlow() {}

  /** Each value after the start, down to 1 (the start itself is not printed, as in the notebook). */
  public record Result(int start, List<Integer> steps) {
    public List<String> lines() {
      List<String> lines = new ArrayList<>();
      for (int v : steps) {
        lines.add(PythonStyle.eager(Integer.toString(v), org.tensorflow.ndarray.Shape.scalar(),
            org.tensorflow.proto.DataType.DT_INT32));
      }
      return lines;
    }
  }

  public static Result run(int start) {
    if (start < 1) {
      throw new IllegalArgumentException("the Collatz sequence starts at a positive integer, got " + start);
    }
    List<Integer> steps = new ArrayList<>();
    try (EagerSession eager = EagerSession.create()) {
      Ops tf = Ops.create(eager);
      Operand<TInt32> a = tf.constant(start);
      Operand<TInt32> two = tf.constant(2);
      while (valueOf(a) != 1) {
        boolean even = tf.math.equal(tf.math.floorMod(a, two), tf.constant(0)).asTensor().getBoolean();
        if (!even && valueOf(a) > LARGEST_ODD_STEP) {
          throw new IllegalArgumentException("the sequence from " + start + " leaves the int32 range");
        }
        a = even ? tf.math.floorDiv(a, two) : tf.math.add(tf.math.mul(a, tf.constant(3)), tf.constant(1));
        steps.add(valueOf(a));
      }
    }
    return new Result(start, steps);
  }

  private static int valueOf(Operand<TInt32> eagerValue) {
    return eagerValue.asTensor().getInt();
  }
}
