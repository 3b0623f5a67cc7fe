package org.introdl.core.tf;

import java.util.Locale;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * Prints tensors the way the Python notebooks printed them, so that Java output can be compared with the lab's
 * saved output character by character: {@code Tensor("c:0", shape=(), dtype=int32)} for a symbolic graph tensor,
 * {@code tf.Tensor(3, shape=(), dtype=int32)} for an eager value.
 */
public final class PythonStyle {
  private PythonStyle() {}

  /** A graph tensor as TF1 Python's {@code print(tensor)} shows it. */
  public static String symbolic(Operand<?> operand) {
    Output<?> out = operand.asOutput();
    return String.format(
        Locale.ROOT,
        "Tensor(\"%s:%d\", shape=%s, dtype=%s)",
        out.op().name(),
        out.index(),
        shape(out.shape()),
        dtype(out.dataType()));
  }

  /** An eager tensor as TF1 Python's {@code print(tensor)} shows it, given its value already formatted. */
  public static String eager(String value, Shape shape, DataType dtype) {
    return "tf.Tensor(" + value + ", shape=" + shape(shape) + ", dtype=" + dtype(dtype) + ")";
  }

  /** A shape as a Python tuple: {@code ()}, {@code (2,)}, {@code (?, 2)}; unknown rank is {@code <unknown>}. */
  public static String shape(Shape shape) {
    if (shape.isUnknown()) {
      return "<unknown>";
    }
    int rank = shape.numDimensions();
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < rank; i++) {
      long d = shape.get(i);
      sb.append(d < 0 ? "?" : Long.toString(d));
      if (i < rank - 1) {
        sb.append(", ");
      }
    }
    if (rank == 1) {
      sb.append(',');
    }
    return sb.append(')').toString();
  }

  /** {@code DT_INT32} becomes {@code int32}, as Python names dtypes ({@code DT_FLOAT} is {@code float32}). */
  public static String dtype(DataType type) {
    return switch (type) {
      case DT_FLOAT -> "float32";
      case DT_DOUBLE -> "float64";
      case DT_HALF -> "float16";
      default -> {
        String name = type.name();
        yield (name.startsWith("DT_") ? name.substring(3) : name).toLowerCase(Locale.ROOT);
      }
    };
  }
}
