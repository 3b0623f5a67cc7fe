package org.introdl.core.tf;

import java.util.Locale;

/**
 * Which kernel ({@link Convolution.Kernel}) each convolution layer of a graph runs on. Every kernel gives the same
 * numbers to float rounding, so a plan changes only the speed: {@link #fixed} for one kernel everywhere,
 * {@link MeasuredConvolutions} for the fastest on this machine, layer shape by layer shape.
 */
@FunctionalInterface
public interface ConvolutionPlan {
  /** The kernel for a layer of this shape. */
  Convolution.Kernel kernelFor(Layer layer);

  /** The same kernel for every layer. */
  static ConvolutionPlan fixed(Convolution.Kernel kernel) {
    return layer -> kernel;
  }

  /**
   * A stride-1, SAME-padded convolution followed by a bias and a ReLU (the layer of the x-ray CNN): input
   * {@code height} x {@code width} x {@code in}, {@code out} filters of {@code side} x {@code side}.
   */
  record Layer(int height, int width, int in, int out, int side) {
    /** E.g. "128x128 64->128 5x5". */
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%dx%d %d->%d %dx%d", height, width, in, out, side, side);
    }

    /** Multiply-adds x 2 per image. */
    public double flopsPerImage() {
      return 2.0 * height * width * in * out * side * side;
    }
  }
}
