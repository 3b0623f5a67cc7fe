package org.introdl.xray.cam;

import org.introdl.xray.model.PneumothoraxDetectionModel;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The notebook's CAM cells as one step: from the model to the upsampled map of a class, {@code [N, size, size]}. The
 * lab's own is {@link #LAB} ({@link ClassActivationMap}); a student's extract / compute / upsample functions plug in
 * here ({@code ./labs xray cam --exercises DIR}).
 */
@FunctionalInterface
public interface CamStep {
  Operand<TFloat32> build(Ops tf, PneumothoraxDetectionModel model, int classIndex, int imageSize);

  CamStep LAB = (tf, model, classIndex, imageSize) ->
      ClassActivationMap.build(tf, model.featureMaps(), model.denseKernel(), classIndex, imageSize);
}
