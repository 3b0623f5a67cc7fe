package org.introdl.savedmodels.values;

import java.util.Locale;
import org.introdl.core.io.Npy;

/** Prints an array as nested lists, the way NumPy's {@code tolist()} reads; long arrays are summarised. */
public final class ArrayText {
  /** Arrays with more values than this are summarised (first and last values, min, max, mean). */
  public static final int MAX_PRINTED = 1000;

  private ArrayText() {}

  /** "y: float32 [3, 1]" and the values on the next line. */
  public static String format(String key, Npy.Array a) {
    StringBuilder sb = new StringBuilder();
    sb.append(key).append(": ").append(Dtypes.name(a.dtype())).append(' ').append(TensorSpec.shapeText(a.shape()))
        .append('\n');
    double[] v = a.toDoubles();
    if (v.length <= MAX_PRINTED) {
      nested(sb, a, v, 0, new int[] {0});
    } else {
      summary(sb, a, v);
    }
    return sb.append('\n').toString();
  }

  private static void nested(StringBuilder sb, Npy.Array a, double[] v, int depth, int[] at) {
    if (depth == a.shape().length) {
      sb.append(value(a.dtype(), v[at[0]++]));
      return;
    }
    sb.append('[');
    for (long i = 0; i < a.shape()[depth]; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      nested(sb, a, v, depth + 1, at);
    }
    sb.append(']');
  }

  private static void summary(StringBuilder sb, Npy.Array a, double[] v) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double sum = 0;
    for (double x : v) {
      min = Math.min(min, x);
      max = Math.max(max, x);
      sum += x;
    }
    sb.append("first ");
    for (int i = 0; i < 5; i++) {
      sb.append(i == 0 ? "" : ", ").append(value(a.dtype(), v[i]));
    }
    sb.append(" ... last ").append(value(a.dtype(), v[v.length - 1]));
    sb.append(String.format(Locale.ROOT, "; %d values, min %s, max %s, mean %.6g (use --out DIR for all)",
        v.length, value(a.dtype(), min), value(a.dtype(), max), sum / v.length));
  }

  /** One value as NumPy prints it: shortest round-trip decimal for floats, integers as integers. */
  public static String value(Npy.DType dtype, double x) {
    return switch (dtype) {
      case FLOAT32 -> Float.toString((float) x);
      case FLOAT64 -> Double.toString(x);
      case BOOL -> x != 0 ? "True" : "False";
      default -> Long.toString((long) x);
    };
  }
}
