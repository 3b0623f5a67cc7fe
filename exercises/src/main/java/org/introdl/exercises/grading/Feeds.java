package org.introdl.exercises.grading;

import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** Float tensors from flat arrays, for feeding graders' inputs. */
public final class Feeds {
  private Feeds() {}

  public static TFloat32 of(float[] values, long... shape) {
    return TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(values, true, false));
  }

  public static float[] uniform(java.util.Random random, int n, double low, double high) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (low + (high - low) * random.nextDouble());
    }
    return out;
  }

  public static float[] normal(java.util.Random random, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) random.nextGaussian();
    }
    return out;
  }
}
