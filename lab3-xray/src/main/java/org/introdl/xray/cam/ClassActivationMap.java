package org.introdl.xray.cam;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Class Activation Maps (Zhou et al., "Learning Deep Features for Discriminative Localization", CVPR 2016), as the
 * notebook computes them, all as TF ops, in its two steps: {@code compute_cam} (the last block's feature maps
 * weighted by the dense kernel's column for the class, summed over channels) and the upsampling to the picture with
 * TF1's {@code resize_bilinear} defaults ({@code align_corners=false}, {@code half_pixel_centers=false}). Weighting
 * before upsampling is the same map as upsampling the 512 maps first (bilinear resizing is linear) at 1/512 of the
 * cost.
 */
public final class ClassActivationMap {
  private ClassActivationMap() {}

  /**
   * The notebook's CAM of class {@code classIndex}, upsampled to {@code imageSize}: [N, imageSize, imageSize]. The
   * whole of it is a seam: {@link CamStep} plugs a student's own functions in its place.
   */
  public static Operand<TFloat32> build(Ops tf, Operand<TFloat32> featureMaps, Operand<TFloat32> denseKernel,
      int classIndex, int imageSize) {
    Ops cam = tf.withSubScope("cam");
    Operand<TFloat32> small = computeCam(cam, featureMaps, denseKernel, classIndex);
    return cam.squeeze(upsample(cam, small, imageSize), Squeeze.axis(List.of(3L)));
  }

  /** {@code reshape(fmap, [-1, C]) @ W[:, class]}, reshaped back to [N, h, w, 1]. */
  public static Operand<TFloat32> computeCam(Ops tf, Operand<TFloat32> featureMaps, Operand<TFloat32> denseWeights,
      int classIndex) {
    Operand<TInt32> shape = tf.shape(featureMaps);
    Operand<TInt32> channels = tf.gather(shape, tf.constant(new int[] {3}), tf.constant(0));
    Operand<TFloat32> rows = tf.reshape(featureMaps, tf.concat(List.of(tf.constant(new int[] {-1}), channels),
        tf.constant(0)));
    Operand<TFloat32> column = tf.gather(denseWeights, tf.constant(new int[] {classIndex}), tf.constant(1));
    Operand<TFloat32> weighted = tf.linalg.matMul(rows, column);
    Operand<TInt32> mapShape = tf.concat(List.of(tf.slice(shape, tf.constant(new int[] {0}),
        tf.constant(new int[] {3})), tf.constant(new int[] {1})), tf.constant(0));
    return tf.reshape(weighted, mapShape);
  }

  /** {@code tf.image.resize_bilinear(cam, [size, size])} with TF1's defaults. */
  public static Operand<TFloat32> upsample(Ops tf, Operand<TFloat32> cam, int imageSize) {
    return tf.image.resizeBilinear(cam, tf.constant(new int[] {imageSize, imageSize}),
        ResizeBilinear.alignCorners(false), ResizeBilinear.halfPixelCenters(false));
  }
}
