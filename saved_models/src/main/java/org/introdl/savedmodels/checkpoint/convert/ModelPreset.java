package org.introdl.savedmodels.checkpoint.convert;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.introdl.core.UserError;
import org.introdl.savedmodels.values.TensorSpec;
import org.introdl.savedmodels.graph.GraphFile;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * The serving signatures of the two lab models, the same ones the Python export scripts write
 * ({@code saved_models/python/}):
 *
 * <ul>
 *   <li>{@code music}: {@code inputs} float32 [N, 64, 78] (a window of piano-roll steps) to {@code probabilities}
 *       float32 [N, 78] (the next step's notes). Found by shape: the one float placeholder [?, 64, 78] and the one
 *       Softmax or Sigmoid [?, 78].
 *   <li>{@code xray}: {@code images} float32 [N, 256, 256, 1] to {@code probabilities} float32 [N, 2] and
 *       {@code cam} float32 [N, 16, 16, 2] (the class activation maps before upsampling: the last feature map times
 *       the dense kernel). Tensor names are those of the 2018 lab's graph: {@code Placeholder},
 *       {@code Softmax}, {@code max_pooling2d_4/MaxPool}, {@code dense/kernel}.
 * </ul>
 */
public enum ModelPreset {
  MUSIC, XRAY;

  /** Marks the computed CAM output in an output map. */
  static final String CAM = "<cam>";

  public static final int MUSIC_STEPS = 64;
  public static final int MUSIC_NOTES = 78;
  public static final int XRAY_SIZE = 256;

  Map<String, String> inputs(GraphFile g) {
    return switch (this) {
      case MUSIC -> Map.of("inputs", findPlaceholder(g, new long[] {-1, MUSIC_STEPS, MUSIC_NOTES}));
      case XRAY -> Map.of("images", requireNode(g, "Placeholder") + ":0");
    };
  }

  Map<String, String> outputs(GraphFile g, Graph graph) {
    Map<String, String> m = new LinkedHashMap<>();
    switch (this) {
      case MUSIC -> m.put("probabilities", findProbabilities(g, graph));
      case XRAY -> {
        m.put("probabilities", requireNode(g, "Softmax") + ":0");
        requireNode(g, "max_pooling2d_4/MaxPool");
        requireNode(g, "dense/kernel/read");
        m.put("cam", CAM);
      }
    }
    return m;
  }

  @SuppressWarnings("unchecked")
  static Operand<TFloat32> xrayCam(Graph graph, Path file) {
    Output<TFloat32> features = (Output<TFloat32>) CheckpointConverter.tensor(graph, "max_pooling2d_4/MaxPool",
        file);
    Output<TFloat32> kernel = (Output<TFloat32>) CheckpointConverter.tensor(graph, "dense/kernel/read", file);
    return CheckpointConverter.cam(graph, features, kernel);
  }

  private static String requireNode(GraphFile g, String name) {
    if (g.node(name).isEmpty()) {
      throw UserError.inFile(g.file(), "not the lab's graph: no node '" + name + "'");
    }
    return name;
  }

  private static String findPlaceholder(GraphFile g, long[] shape) {
    List<TensorSpec> matches = g.placeholders().stream()
        .filter(p -> p.dtype() == DataType.DT_FLOAT && p.shape() != null && p.accepts(shape)
            && p.shape().length == shape.length)
        .toList();
    if (matches.size() != 1) {
      throw UserError.inFile(g.file(), "expected one float32 placeholder " + TensorSpec.shapeText(shape)
          + ", found " + matches.size() + "; name it with --input inputs=TENSOR");
    }
    return matches.get(0).tensorName();
  }

  /** The one Softmax or Sigmoid whose output is [?, 78] (an LSTM's gates are sigmoids too, of another width). */
  private static String findProbabilities(GraphFile g, Graph graph) {
    List<String> candidates = g.graph().getNodeList().stream()
        .filter(n -> n.getOp().equals("Softmax") || n.getOp().equals("Sigmoid"))
        .map(n -> n.getName())
        .filter(name -> {
          org.tensorflow.ndarray.Shape shape = graph.operation(name).output(0).shape();
          return !shape.isUnknown() && shape.numDimensions() == 2 && shape.get(1) == MUSIC_NOTES;
        })
        .toList();
    if (candidates.size() != 1) {
      throw UserError.inFile(g.file(), "expected one Softmax or Sigmoid of shape [-1, 78] for the probabilities,"
          + " found " + candidates.size() + "; name it with --output probabilities=TENSOR");
    }
    return candidates.get(0) + ":0";
  }
}
