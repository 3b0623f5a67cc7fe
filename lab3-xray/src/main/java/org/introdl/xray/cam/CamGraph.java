package org.introdl.xray.cam;

import java.util.List;
import org.introdl.xray.model.PneumothoraxDetectionModel;
import org.introdl.xray.model.ImageTensors;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The notebook's CAM cells on a model's graph: {@code extract_features_weights} (the last block's feature maps,
 * {@code skip4}, and {@code dense/kernel}), then the CAM of each class upsampled to {@code pictureSize}: the side of
 * the pictures the maps are drawn over, which may be larger than the side the model reads.
 */
public final class CamGraph {
  private final PneumothoraxDetectionModel model;
  private final List<Operand<TFloat32>> cams;

  public CamGraph(Ops tf, PneumothoraxDetectionModel model, int pictureSize) {
    this(tf, model, pictureSize, CamStep.LAB);
  }

  /** With {@code step} (the notebook's, or a student's extract / compute / upsample functions) making each map. */
  public CamGraph(Ops tf, PneumothoraxDetectionModel model, int pictureSize, CamStep step) {
    this.model = model;
    this.cams = List.of(step.build(tf, model, 0, pictureSize), step.build(tf, model, 1, pictureSize));
  }

  /** Probabilities ([n, 2]), feature maps ([n, s, s, 512]) and the CAM of {@code classIndex} ([n, S, S]). */
  public record Activations(float[] probabilities, float[] featureMaps, float[] cams) {}

  /** Runs images {@code first..first+count-1} of {@code pixels} (each the model's size). */
  public Activations activations(Session session, float[] pixels, int first, int count, int classIndex) {
    try (TFloat32 x = ImageTensors.images(pixels, first, count, model.imageSize());
        Result r = session.runner().feed(model.images(), x)
            .fetch(model.probabilities()).fetch(model.featureMaps()).fetch(cams.get(classIndex)).run()) {
      return new Activations(ImageTensors.floats(r.get(0)), ImageTensors.floats(r.get(1)), ImageTensors.floats(r.get(2)));
    }
  }

  /** Probabilities ([n, 2]), feature maps and the CAMs of both classes, [n, S, S] each. */
  public record BothClasses(float[] probabilities, float[] featureMaps, float[] noPneumothorax, float[] pneumothorax) {}

  /** As {@link #activations}, with the maps of both classes. */
  public BothClasses bothClasses(Session session, float[] pixels, int first, int count) {
    try (TFloat32 x = ImageTensors.images(pixels, first, count, model.imageSize());
        Result r = session.runner().feed(model.images(), x).fetch(model.probabilities()).fetch(model.featureMaps())
            .fetch(cams.get(0)).fetch(cams.get(1)).run()) {
      return new BothClasses(ImageTensors.floats(r.get(0)), ImageTensors.floats(r.get(1)), ImageTensors.floats(r.get(2)),
          ImageTensors.floats(r.get(3)));
    }
  }

  /** The dense layer's kernel, [512, 2] row-major: the weights the CAM gives each feature map. */
  public float[] denseKernel(Session session) {
    try (Result r = session.runner().fetch(model.denseKernel()).run()) {
      return ImageTensors.floats(r.get(0));
    }
  }

  /**
   * The CAM of {@code classIndex} on its own grid (s x s, before any upsampling), in plain Java from one image's
   * feature maps ([s, s, C]) and the dense kernel ([C, 2]): where the map really peaks. TF1's bilinear upsampling
   * puts each cell's value at the cell's top-left corner, so the upsampled map's highest pixel lies half a cell up
   * and left of the hottest cell's centre.
   */
  public static float[] gridCam(float[] featureMaps, float[] denseKernel, int classIndex, int side) {
    int channels = featureMaps.length / (side * side);
    float[] cam = new float[side * side];
    for (int cell = 0; cell < cam.length; cell++) {
      double sum = 0;
      for (int c = 0; c < channels; c++) {
        sum += (double) featureMaps[cell * channels + c] * denseKernel[c * 2 + classIndex];
      }
      cam[cell] = (float) sum;
    }
    return cam;
  }

  /**
   * The pneumothorax CAM minus the no-pneumothorax CAM on the feature-map grid: with two softmax classes
   * P(pneumothorax) depends only on the difference of the two logits, and that difference is the mean of this map plus
   * the difference of the dense biases (GAP then dense are linear). It is the map P responds to; each class's own map
   * also carries a part both classes share, which moves neither logit's difference.
   */
  public static float[] gridCamDifference(float[] featureMaps, float[] denseKernel, int side) {
    float[] pneumothorax = gridCam(featureMaps, denseKernel, 1, side);
    float[] none = gridCam(featureMaps, denseKernel, 0, side);
    for (int cell = 0; cell < pneumothorax.length; cell++) {
      pneumothorax[cell] -= none[cell];
    }
    return pneumothorax;
  }

  /** The CAM op of a class (for the bench). */
  public Operand<TFloat32> cam(int classIndex) {
    return cams.get(classIndex);
  }
}
