package org.introdl.keras;

import java.util.Arrays;

/** One weight read from a Keras file: the name it had there (if any), its shape and its float32 values. */
public record WeightArray(String name, int[] shape, float[] values) {
  public WeightArray {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    if (n != values.length) {
      throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " does not hold "
          + values.length + " values");
    }
  }

  public int rank() {
    return shape.length;
  }

  public int dim(int i) {
    return shape[i];
  }

  /** The shape as Keras prints it: (3, 3, 1, 32). */
  public String shapeText() {
    return Arrays.toString(shape).replace('[', '(').replace(']', ')');
  }

  /** A copy with the axes permuted: axis i of the result is axis {@code perm[i]} of this. */
  public WeightArray transpose(int... perm) {
    int rank = shape.length;
    int[] outShape = new int[rank];
    for (int i = 0; i < rank; i++) {
      outShape[i] = shape[perm[i]];
    }
    int[] inStrides = strides(shape);
    int[] outStrides = strides(outShape);
    float[] out = new float[values.length];
    int[] index = new int[rank];
    for (int flat = 0; flat < out.length; flat++) {
      int rest = flat;
      int src = 0;
      for (int i = 0; i < rank; i++) {
        index[i] = rest / outStrides[i];
        rest %= outStrides[i];
        src += index[i] * inStrides[perm[i]];
      }
      out[flat] = values[src];
    }
    return new WeightArray(name, outShape, out);
  }

  /** A copy with the first two axes (the spatial ones of a 2-D kernel) reversed: Theano's flipped filters. */
  public WeightArray flipSpatial(int spatialAxes) {
    float[] out = new float[values.length];
    int[] st = strides(shape);
    int[] index = new int[shape.length];
    for (int flat = 0; flat < values.length; flat++) {
      int rest = flat;
      int dst = 0;
      for (int i = 0; i < shape.length; i++) {
        index[i] = rest / st[i];
        rest %= st[i];
        int j = i < spatialAxes ? shape[i] - 1 - index[i] : index[i];
        dst += j * st[i];
      }
      out[dst] = values[flat];
    }
    return new WeightArray(name, shape.clone(), out);
  }

  /** The same values under another shape with as many elements. */
  public WeightArray reshape(int... newShape) {
    return new WeightArray(name, newShape, values);
  }

  static int[] strides(int[] shape) {
    int[] s = new int[shape.length];
    int acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= shape[i];
    }
    return s;
  }

  /** Arrays of shape {@code [r, c_k]} (or {@code [c_k]}) joined along their last axis. */
  public static WeightArray concatLast(String name, java.util.List<WeightArray> parts) {
    WeightArray first = parts.get(0);
    int rows = first.rank() == 1 ? 1 : first.dim(0);
    int cols = 0;
    for (WeightArray p : parts) {
      cols += p.shape[p.rank() - 1];
    }
    float[] out = new float[rows * cols];
    int offset = 0;
    for (WeightArray p : parts) {
      int c = p.shape[p.rank() - 1];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(p.values, r * c, out, r * cols + offset, c);
      }
      offset += c;
    }
    return new WeightArray(name, first.rank() == 1 ? new int[] {cols} : new int[] {rows, cols}, out);
  }
}
