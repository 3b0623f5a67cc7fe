package org.introdl.exercises.grading;

import java.util.Locale;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** Comparisons of a student's float results with double references, and numbers printed short. */
public final class Numbers {
  /** The graders' tolerance: {@code |got - expected| <= TOLERANCE * (1 + |expected|)}. */
  public static final double TOLERANCE = 1e-5;

  private Numbers() {}

  /** The index where {@code got} is farthest from {@code expected} beyond the tolerance, or -1 when all agree. */
  public static int firstMismatch(float[] got, double[] expected, double tolerance) {
    if (got.length != expected.length) {
      return 0;
    }
    int worst = -1;
    double worstExcess = 0;
    for (int i = 0; i < got.length; i++) {
      double excess = Math.abs(got[i] - expected[i]) - tolerance * (1 + Math.abs(expected[i]));
      if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) { // NaN counts as a mismatch
        worst = i;
        worstExcess = Double.isNaN(excess) ? Double.POSITIVE_INFINITY : excess;
      }
    }
    return worst;
  }

  public static boolean close(float[] got, double[] expected) {
    return firstMismatch(got, expected, TOLERANCE) < 0;
  }

  /** Close to a mistaken variant: a looser tolerance, since a mistake need not be reproduced to the last digit. */
  public static boolean resembles(float[] got, double[] variant) {
    return firstMismatch(got, variant, 1e-3) < 0;
  }

  public static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e7) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.6g", v);
  }

  /** A tensor's values, flattened in row-major order. */
  public static float[] values(Tensor tensor) {
    if (!(tensor instanceof TFloat32 floats)) {
      throw new StudentException("the result is " + tensor.dataType() + ", expected float32");
    }
    float[] out = new float[(int) floats.size()];
    floats.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  public static double[] toDoubles(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
