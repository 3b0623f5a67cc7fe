package org.introdl.core.tf;

import java.util.Arrays;
import java.util.List;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.OperationAttributeInspector;
import org.tensorflow.Output;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.Conv2dBackpropFilter;
import org.tensorflow.op.nn.Conv2dBackpropInput;
import org.tensorflow.types.TFloat32;

/**
 * A 2-D convolution (NHWC images, HWIO kernel) through one of TensorFlow's two CPU implementations. They compute the
 * same sums in another order (results agree to float rounding), and their speed depends on the CPU:
 * <ul>
 *   <li>{@link Kernel#CONV2D}: op {@code Conv2D}, what {@code tf.nn.conv2d} and the Python lab build. With oneDNN on
 *       (TensorFlow's default on x86) the graph rewrite sends it to oneDNN's convolution.</li>
 *   <li>{@link Kernel#CONV}: TensorFlow's generic op {@code Conv}, which that rewrite leaves alone, so it runs
 *       TensorFlow's own spatial convolution: image patches packed into oneDNN's matrix multiply.</li>
 * </ul>
 * Which is faster depends on the CPU and the layer (2.4x either way on two AVX-512 machines), so the labs choose per
 * layer by measurement ({@link ConvolutionPlan}, {@link MeasuredConvolutions}); see docs/performance-xray.md.
 * TF Java has no gradient for {@code Conv}; {@link #conv2d} registers one (process-wide, once) that builds
 * {@code Conv2DBackpropInput} and {@code Conv2DBackpropFilter}, as {@code Conv2D}'s own gradient does, so training
 * keeps oneDNN's backward kernels (TensorFlow's own were 1.8x slower where measured).
 */
public final class Convolution {
  /** Which TensorFlow op computes the convolution. */
  public enum Kernel {
    CONV2D("Conv2D (oneDNN, fused bias+relu)"),
    CONV("Conv (TF's own)");

    private final String label;

    Kernel(String label) {
      this.label = label;
    }

    /** What runs it, for people: the op and the library behind it on x86. */
    public String label() {
      return label;
    }
  }

  private static boolean gradientRegistered;

  private Convolution() {}

  /** {@code x} [N, H, W, C] convolved with {@code kernel} [kh, kw, C, C'], the given strides and padding. */
  public static Operand<TFloat32> conv2d(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel, List<Long> strides,
      String padding, Kernel how) {
    if (how == Kernel.CONV2D) {
      return tf.nn.conv2d(x, kernel, strides, padding);
    }
    registerGradient();
    return tf.nn.conv(x, kernel, strides, padding, org.tensorflow.op.nn.Conv.dataFormat("CHANNELS_LAST"));
  }

  private static synchronized void registerGradient() {
    if (!gradientRegistered) {
      TensorFlow.registerCustomGradient("Conv", Convolution::gradient);
      gradientRegistered = true;
    }
  }

  /** {@code Conv2D}'s gradient for a 2-D, one-group, channels-last {@code Conv}. */
  @SuppressWarnings("unchecked")
  private static List<Operand<?>> gradient(Ops tf, GraphOperation op, List<Output<?>> upstream) {
    OperationAttributeInspector attrs = op.attributes();
    long[] strides = attrs.getAttrIntList("strides");
    long[] dilations = attrs.getAttrIntList("dilations");
    if (dilations.length == 0) {
      dilations = new long[] {1, 1, 1, 1}; // Conv's default: no dilation
    }
    if (strides.length != 4 || attrs.getAttrInt("groups") != 1 || attrs.getAttrInt("batch_dims") != 1
        || !"CHANNELS_LAST".equals(attrs.getAttrString("data_format"))) {
      throw new IllegalArgumentException("the gradient of Conv is defined here for 2-D channels-last convolutions"
          + " only: " + op.name());
    }
    String padding = attrs.getAttrString("padding");
    List<Long> explicit = Arrays.stream(attrs.getAttrIntList("explicit_paddings")).boxed().toList();
    List<Long> strideList = Arrays.stream(strides).boxed().toList();
    List<Long> dilationList = Arrays.stream(dilations).boxed().toList();
    Output<TFloat32> x = (Output<TFloat32>) op.input(0);
    Output<TFloat32> kernel = (Output<TFloat32>) op.input(1);
    Output<TFloat32> dy = (Output<TFloat32>) upstream.get(0);
    Operand<TFloat32> dx = tf.nn.conv2dBackpropInput(tf.shape(x), kernel, dy, strideList, padding,
        Conv2dBackpropInput.dilations(dilationList), Conv2dBackpropInput.explicitPaddings(explicit),
        Conv2dBackpropInput.dataFormat("NHWC"));
    Operand<TFloat32> dKernel = tf.nn.conv2dBackpropFilter(x, tf.shape(kernel), dy, strideList, padding,
        Conv2dBackpropFilter.dilations(dilationList), Conv2dBackpropFilter.explicitPaddings(explicit),
        Conv2dBackpropFilter.dataFormat("NHWC"));
    return List.of(dx, dKernel);
  }
}
