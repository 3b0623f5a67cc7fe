package org.introdl.xray.cam;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Class Activation Maps (Zhou et al., "Learning Deep Features for Discriminative Localization", CVPR 2016), as the
 * lab computes them, all as TF ops: the last block's feature maps weighted by the dense kernel's column for the
 * class, summed over channels, then upsampled to the image with TF1's {@code resize_bilinear} defaults
 * ({@code align_corners=false}, {@code half_pixel_centers=false}). Weighting before upsampling is the same map as
 * upsampling the 512 maps first (bilinear resizing is linear) at 1/512 of the cost.
 */
public final class ClassActivationMap {
  private ClassActivationMap() {}

  /**
   * CAM of class {@code classIndex}: [N, h, w, C] feature maps and a [C, classes] kernel give [N, size, size] maps.
   */
  public static Operand<TFloat32> build(Ops tf, Operand<TFloat32> featureMaps, Operand<TFloat32> denseKernel,
      int classIndex, int imageSize) {
    Ops cam = tf.withSubScope("cam");
    Operand<TInt32> shape = cam.shape(featureMaps);
    Operand<TInt32> channels = cam.gather(shape, cam.constant(new int[] {3}), cam.constant(0));
    Operand<TFloat32> rows = cam.reshape(featureMaps, cam.concat(java.util.List.of(cam.constant(new int[] {-1}), channels), cam.constant(0)));
    Operand<TFloat32> column = cam.gather(denseKernel, cam.constant(new int[] {classIndex}), cam.constant(1));
    Operand<TFloat32> weighted = cam.linalg.matMul(rows, column);
    Operand<TInt32> mapShape = cam.concat(java.util.List.of(
        cam.slice(shape, cam.constant(new int[] {0}), cam.constant(new int[] {3})), cam.constant(new int[] {1})), cam.constant(0));
    Operand<TFloat32> small = cam.reshape(weighted, mapShape);
    Operand<TFloat32> upsampled = cam.image.resizeBilinear(small, cam.constant(new int[] {imageSize, imageSize}),
        ResizeBilinear.alignCorners(false), ResizeBilinear.halfPixelCenters(false));
    return cam.squeeze(upsampled, org.tensorflow.op.core.Squeeze.axis(java.util.List.of(3L)));
  }
}
