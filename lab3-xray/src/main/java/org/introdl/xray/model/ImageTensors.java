package org.introdl.xray.model;

import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** Moving images and results between Java arrays and tensors with one bulk copy each way (no per-element calls). */
public final class ImageTensors {
  private ImageTensors() {}

  /** Images {@code first..first+count-1} of a flat pixel array, as an [count, size, size, 1] tensor. */
  public static TFloat32 images(float[] pixels, int first, int count, int size) {
    int per = size * size;
    return TFloat32.tensorOf(Shape.of(count, size, size, 1),
        DataBuffers.of(pixels, true, false).slice((long) first * per, (long) count * per));
  }

  /** One-hot [count, 2] labels for {@code labels[first..first+count-1]}. */
  public static TFloat32 oneHot(int[] labels, int first, int count) {
    float[] hot = new float[count * 2];
    for (int i = 0; i < count; i++) {
      hot[2 * i + labels[first + i]] = 1f;
    }
    return TFloat32.tensorOf(Shape.of(count, 2), DataBuffers.of(hot, true, false));
  }

  /** All values of a float tensor, row-major. */
  public static float[] floats(Tensor tensor) {
    TFloat32 t = (TFloat32) tensor;
    float[] out = new float[Math.toIntExact(t.shape().size())];
    t.copyTo(DataBuffers.of(out, false, false));
    return out;
  }
}
