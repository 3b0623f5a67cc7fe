package org.introdl.xray.export;

import java.nio.file.Path;
import java.util.List;
import org.introdl.savedmodels.format.SavedModelExport;
import org.introdl.xray.cam.CamStep;
import org.introdl.xray.cam.ClassActivationMap;
import org.introdl.xray.model.NamedCheckpoint;
import org.introdl.xray.model.PneumothoraxDetectionModel;
import org.introdl.xray.model.TrainedModel;
import org.tensorflow.Operand;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Stack;
import org.tensorflow.types.TFloat32;

/**
 * {@code ./labs xray export}: the lab's CNN, restored from a checkpoint ({@code xray train}'s or the Python lab's
 * {@code model.ckpt}), as a SavedModel (tag {@code serve}) that {@code ./labs savedmodel show|scan|run|compare|serve}
 * and TensorFlow Serving take like any other. Two signatures, both reading {@value #IMAGES} float32 [N, S, S, 1]
 * (pixels as the data sets hold them; the model standardises each image itself):
 *
 * <ul>
 *   <li>{@code serving_default}: {@value #PROBABILITIES} float32 [N, 2] (no pneumothorax, pneumothorax).
 *   <li>{@value #CAM_SIGNATURE}: the probabilities, {@value #CAM} float32 [N, S/16, S/16, 2] (each class's map on the
 *       feature-map grid: the notebook's {@code compute_cam} before upsampling, the lab's {@code skip4} weighted by
 *       the dense kernel's column) and {@value #CAM_UPSAMPLED} float32 [N, S, S, 2] (each class's map upsampled to
 *       the image as the notebook's CAM cells and {@code xray cam} do).
 * </ul>
 *
 * The model and its CAM heads are built by the lab's own classes ({@link PneumothoraxDetectionModel},
 * {@link CamStep#LAB}, {@link ClassActivationMap}); writing the folder is the project's one SavedModel writer's job.
 */
public final class XrayExport {
  public static final String IMAGES = "images";
  public static final String PROBABILITIES = "probabilities";
  public static final String CAM_SIGNATURE = "cam";
  public static final String CAM = "cam";
  public static final String CAM_UPSAMPLED = "cam_upsampled";

  private XrayExport() {}

  /**
   * @param checkpoint what {@code --checkpoint} names (a prefix, a step folder or a training run's folder)
   * @param imageSize the side the model reads; 0: the size the run trained at, else the lab's 256
   * @param out the new SavedModel folder
   */
  public record Options(Path checkpoint, int imageSize, Path out) {}

  /** What was written: the checkpoint restored, the image side and the side of the CAM grid. */
  public record Result(Path out, Path checkpoint, int imageSize, int camGridSize) {}

  public static Result run(Options o) {
    // A run's run.json says the size it trained at, and refuses a run of the other lab.
    NamedCheckpoint checkpoint = NamedCheckpoint.locate(o.checkpoint(), "xray export");
    Path prefix = checkpoint.prefix();
    int size = o.imageSize() > 0 ? o.imageSize() : checkpoint.imageSize();
    // Before the restore: a folder that exists is refused before any work.
    SavedModelExport.requireNewFolder(o.out());
    try (TrainedModel trained = TrainedModel.restore(prefix, size)) {
      SavedModelExport.export(trained.session(), signatures(trained.ops(), trained.model()), o.out());
      return new Result(o.out(), prefix, size, gridSide(trained.model()));
    }
  }

  /** The two signatures, their CAM heads added to the model's graph. */
  private static List<Signature> signatures(Ops tf, PneumothoraxDetectionModel model) {
    Signature serving = Signature.builder().key(Signature.DEFAULT_KEY).methodName(SavedModelExport.PREDICT_METHOD)
        .input(IMAGES, model.images()).output(PROBABILITIES, model.probabilities()).build();
    Signature cam = Signature.builder().key(CAM_SIGNATURE).methodName(SavedModelExport.PREDICT_METHOD)
        .input(IMAGES, model.images()).output(PROBABILITIES, model.probabilities())
        .output(CAM, gridCams(tf.withSubScope("cam_grid"), model))
        .output(CAM_UPSAMPLED, upsampledCams(tf.withSubScope("cam_upsampled"), model)).build();
    return List.of(serving, cam);
  }

  /** The side of the last feature map, the CAM's grid (S/16: four 2x2 pools). */
  private static int gridSide(PneumothoraxDetectionModel model) {
    return (int) model.featureMaps().shape().get(1);
  }

  /** {@code compute_cam} of each class, [N, s, s, 1] each, side by side: [N, s, s, 2]. */
  private static Operand<TFloat32> gridCams(Ops tf, PneumothoraxDetectionModel model) {
    int s = gridSide(model);
    Operand<TFloat32> both = tf.concat(List.of(
        ClassActivationMap.computeCam(tf, model.featureMaps(), model.denseKernel(), 0),
        ClassActivationMap.computeCam(tf, model.featureMaps(), model.denseKernel(), 1)), tf.constant(3));
    // The same values; the constant shape lets the signature state [-1, s, s, 2] rather than unknown sides.
    return tf.reshape(both, tf.constant(new int[] {-1, s, s, PneumothoraxDetectionModel.CLASSES}));
  }

  /** The lab's CAM of each class ({@link CamStep#LAB}: [N, S, S] each), stacked on a last axis: [N, S, S, 2]. */
  private static Operand<TFloat32> upsampledCams(Ops tf, PneumothoraxDetectionModel model) {
    int size = model.imageSize();
    return tf.stack(List.of(CamStep.LAB.build(tf, model, 0, size), CamStep.LAB.build(tf, model, 1, size)),
        Stack.axis(3L));
  }
}
