import org.introdl.exercises.api.FeaturesWeights;
import org.introdl.exercises.api.XrayModel;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TFloat32;

/**
 * Lab 2 Part 2: pneumothorax detection and Class Activation Maps (MIT 6.S191, 2018), in TensorFlow Java.
 *
 * <p>Each task is one method. Replace its {@code throw new UnsupportedOperationException("TODO ...")} with your code,
 * then run {@code ./labs exercises check} from the repository. When all three pass, {@code ./labs xray cam
 * --exercises DIR} draws the maps your code computes over the lab's x-rays.
 */
public final class Lab3Xray {
  /** The class the maps explain: index 1 of the labels is "has a pneumothorax". */
  static final int PNEUMOTHORAX = 1;

  private Lab3Xray() {}

  /**
   * Extracting the feature maps and weights. "The CAM is computed from the feature maps of the last convolutional
   * block (before global average pooling) and the weights of the final dense layer that map the pooled features to
   * the class scores." In Python: {@code (feature_maps, dense_weights) = extract_features_weights(model)}, the weights
   * found by name next to the logits: {@code get_tensor_by_name(os.path.split(model.y_pred.name)[0] + '/kernel:0')}.
   *
   * <p>Return the last block's output {@code [N, h, w, C]} and the dense kernel {@code [C, 2]}.
   */
  public static FeaturesWeights extractFeaturesWeights(XrayModel model) {
    String denseScope = model.yPred().op().name().substring(0, model.yPred().op().name().lastIndexOf('/'));
    return new FeaturesWeights(model.skip4(), model.tensorByName(denseScope + "/kernel:0"));
  }

  /**
   * Computing the CAM. "The class activation map for a class is the sum of the last feature maps, each weighted by the
   * dense weight that connects its channel to that class": reshape the {@code [1, h, w, C]} maps to {@code [h*w, C]},
   * multiply by the weights' column for {@code classIndex}, and reshape the result to {@code [1, h, w, 1]}.
   */
  public static Operand<TFloat32> computeCam(Ops tf, Operand<TFloat32> featureMaps, Operand<TFloat32> denseWeights,
      int classIndex) {
    long[] shape = featureMaps.shape().asArray();
    long h = shape[1];
    long w = shape[2];
    long channels = shape[3];
    Operand<TFloat32> rows = tf.reshape(featureMaps, tf.constant(new long[] {h * w, channels}));
    Operand<TFloat32> column = tf.slice(denseWeights, tf.constant(new int[] {0, classIndex}),
        tf.constant(new int[] {(int) channels, 1}));
    return tf.reshape(tf.linalg.matMul(rows, column), tf.constant(new long[] {1, h, w, 1}));
  }

  /**
   * Upsampling. "The CAM is much smaller than the image (16 x 16 for a 256 x 256 x-ray): resize it bilinearly to the
   * image's size", as the lab's {@code tf.image.resize_bilinear(cam, [256, 256])} did with TF1's defaults. Take a
   * {@code [1, h, w, 1]} map and return {@code [1, imageSize, imageSize, 1]}.
   */
  public static Operand<TFloat32> upsample(Ops tf, Operand<TFloat32> cam, int imageSize) {
    return tf.image.resizeBilinear(cam, tf.constant(new int[] {imageSize, imageSize}),
        ResizeBilinear.alignCorners(false), ResizeBilinear.halfPixelCenters(false));
  }
}
