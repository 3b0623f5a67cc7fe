package org.introdl.exercises.lab3;

import java.util.List;
import java.util.Random;
import org.introdl.exercises.api.FeaturesWeights;
import org.introdl.exercises.api.XrayModel;
import org.introdl.exercises.grading.Feeds;
import org.introdl.exercises.grading.Lab;
import org.introdl.exercises.grading.Mistake;
import org.introdl.exercises.grading.Numbers;
import org.introdl.exercises.grading.StudentCode;
import org.introdl.exercises.grading.StudentException;
import org.introdl.exercises.grading.Task;
import org.introdl.exercises.grading.Verdict;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Lab 2 Part 2's CAM tasks and their graders: the extracted tensors against the model's own layers, the CAM and the
 * upsampling against plain-Java computations.
 */
public final class Lab3Exercises {
  static final Mistake WRONG_LAYER = new Mistake("wrong-layer",
      "the feature maps come from the wrong layer: the CAM needs the LAST convolution block, skip4, the maps that "
          + "global average pooling reads.");
  static final Mistake BIAS_NOT_KERNEL = new Mistake("bias-not-kernel",
      "the weights are the dense layer's bias: the CAM needs its kernel, '<dense scope>/kernel:0', of shape "
          + "[channels, 2].");
  static final Mistake SQUEEZED = new Mistake("squeezed",
      "the feature maps lost an axis: return skip4 as it is, [N, h, w, C] (computeCam reads h, w and C from axes 1, "
          + "2 and 3), and the dense kernel as [C, 2].");
  static final Mistake BREAKS_CAM = new Mistake("breaks-cam",
      "your computeCam and upsample fail on the tensors extractFeaturesWeights returned: return the model's own "
          + "tensors, whose static shapes computeCam reads, not a copy that hides them:");
  static final Mistake OTHER_CLASS = new Mistake("other-class",
      "this is the map of the OTHER class: use the weights' column classIndex (1 = pneumothorax).");
  static final Mistake ALIGN_CORNERS = new Mistake("align-corners",
      "the upsampling aligns the corners (align_corners=true): the lab's TF1 resize_bilinear default is "
          + "align_corners=false, where output pixel y samples input y * in / out.");
  static final Mistake HALF_PIXEL = new Mistake("half-pixel-centers",
      "the upsampling uses half-pixel centres (TF2's tf.image.resize): the lab's TF1 resize_bilinear samples input "
          + "y * in / out, without the half-pixel shift.");
  static final Mistake NEAREST = new Mistake("nearest",
      "the upsampling repeats pixels (nearest neighbour): the lab interpolates bilinearly between the four nearest "
          + "map cells.");

  private Lab3Exercises() {}

  public static Lab lab() {
    return new Lab("lab3", "Pneumothorax detection and Class Activation Maps (Lab 2 Part 2)", "Lab3Xray", List.of(
        new Task("extractFeaturesWeights", "(feature_maps, dense_weights) = extract_features_weights(model)",
            List.of("A CAM weighs the last convolution block's feature maps by the dense layer's weights: the maps "
                    + "that global average pooling reads, and the kernel that turns the pooled features into the two "
                    + "class scores.",
                "Look up XrayModel (skip1 .. skip4, gap, yPred, tensorByName) and Operation.name(): the dense "
                    + "kernel lives in the same name scope as the logits' op.",
                "maps = the block that gap averages, as it is, [N, h, w, C]; weights = tensorByName(<the scope of "
                    + "yPred's op name> + \"/kernel:0\")."),
            Lab3Exercises::gradeExtract, List.of(WRONG_LAYER, BIAS_NOT_KERNEL, SQUEEZED, BREAKS_CAM)),
        new Task("computeCam", "CAM = reshape(maps[h*w, C] @ weights[:, classIndex], [1, h, w, 1])",
            List.of("The map's value at a cell is the class score that cell's features alone would give: a sum "
                    + "over channels weighted by what connects each channel to the class.",
                "Look up tf.reshape, tf.slice (begin and size as int32 constants) and tf.linalg.matMul; "
                    + "featureMaps.shape() gives h, w and C while the graph is built.",
                "rows = the maps as [h*w, C]; column = the weights' column classIndex as [C, 1]; the product is "
                    + "[h*w, 1]: reshape it to [1, h, w, 1]."),
            Lab3Exercises::gradeCam, List.of(OTHER_CLASS)),
        new Task("upsample", "resize the [1, h, w, 1] CAM bilinearly to [1, imageSize, imageSize, 1], as TF1",
            List.of("The map is a few cells wide; to lay it over the x-ray it is interpolated to the image's size, "
                    + "each pixel a blend of the four nearest cells.",
                "Look up tf.image.resizeBilinear and its options ResizeBilinear.alignCorners and halfPixelCenters "
                    + "(TF1's resize_bilinear has both false, which is also TF Java's default).",
                "return resizeBilinear(cam, an int32 constant {imageSize, imageSize}), corners not aligned, no "
                    + "half-pixel centres."),
            Lab3Exercises::gradeUpsample, List.of(ALIGN_CORNERS, HALF_PIXEL, NEAREST))));
  }

  static Verdict gradeExtract(StudentCode code) {
    Random random = new Random(16);
    float[] image = Feeds.uniform(random, SmallGapCnn.IMAGE_SIZE * SmallGapCnn.IMAGE_SIZE, 0, 1);
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      XrayModel model = SmallGapCnn.build(graph, 3);
      FeaturesWeights fw = code.call("extractFeaturesWeights", model);
      if (fw == null || fw.featureMaps() == null || fw.denseWeights() == null) {
        return Verdict.fail("extractFeaturesWeights returned null (or a null part): return new "
            + "FeaturesWeights(featureMaps, denseWeights)");
      }
      Ops tf = Ops.create(graph);
      Operand<TFloat32> kernel = tf.identity(model.tensorByName("dense/kernel"));
      Operand<TFloat32> bias = tf.identity(model.tensorByName("dense/bias"));
      List<Operand<TFloat32>> layers = List.of(model.skip1(), model.skip2(), model.skip3(), model.skip4(), model.gap());
      String[] layerNames = {"skip1", "skip2", "skip3", "skip4", "gap"};
      float[] maps;
      float[] weights;
      Shape mapsShape;
      Shape weightsShape;
      try (TFloat32 x = Feeds.of(image, 1, SmallGapCnn.IMAGE_SIZE, SmallGapCnn.IMAGE_SIZE, 1);
          Result r = session.runner().feed(model.x(), x).fetch(fw.featureMaps()).fetch(fw.denseWeights()).run()) {
        maps = Numbers.values(r.get(0));
        weights = Numbers.values(r.get(1));
        mapsShape = r.get(0).shape();
        weightsShape = r.get(1).shape();
      }
      if (mapsShape.numDimensions() != 4) {
        return SQUEEZED.verdict("Yours have shapes " + mapsShape + " and " + weightsShape + ".");
      }
      // The model's own tensors, fetched in a run of their own (one run cannot fetch a tensor twice).
      try (TFloat32 x = Feeds.of(image, 1, SmallGapCnn.IMAGE_SIZE, SmallGapCnn.IMAGE_SIZE, 1)) {
        var runner = session.runner().feed(model.x(), x).fetch(kernel).fetch(bias);
        layers.forEach(runner::fetch);
        try (Result r = runner.run()) {
          if (!same(maps, Numbers.values(r.get(5)))) {
            for (int i = 0; i < layers.size(); i++) {
              if (i != 3 && same(maps, Numbers.values(r.get(2 + i)))) {
                return WRONG_LAYER.verdict("Yours are " + layerNames[i] + ", shape " + mapsShape + "; skip4 has shape "
                    + r.get(5).shape() + ".");
              }
            }
            return Verdict.fail("the feature maps (shape " + mapsShape + ") are not skip4's output (shape "
                + r.get(5).shape() + ")");
          }
          if (!same(weights, Numbers.values(r.get(0)))) {
            if (same(weights, Numbers.values(r.get(1)))) {
              return BIAS_NOT_KERNEL.verdict("Yours have shape " + weightsShape + ".");
            }
            return Verdict.fail("the weights (shape " + weightsShape + ") are not the dense kernel "
                + r.get(0).shape());
          }
        }
      }
      if (weightsShape.numDimensions() != 2) {
        return SQUEEZED.verdict("Yours have shapes " + mapsShape + " and " + weightsShape + ".");
      }
      String together = runsWithCam(code, graph, session, model, fw, image);
      if (together.startsWith("threw") || together.startsWith("your graph")) {
        return BREAKS_CAM.verdict(together);
      }
      return Verdict.pass("skip4 and dense/kernel, checked by value and rank on a small model of the lab's shape; "
          + together);
    }
  }

  /**
   * Runs the student's computeCam and upsample on what their extractFeaturesWeights returned, as {@code xray cam
   * --exercises} will: what went wrong, or a note on what was run.
   */
  private static String runsWithCam(StudentCode code, Graph graph, Session session, XrayModel model,
      FeaturesWeights fw, float[] image) {
    Ops tf = Ops.create(graph);
    Operand<TFloat32> up;
    try {
      Operand<TFloat32> cam = code.call("computeCam", tf, fw.featureMaps(), fw.denseWeights(), 1);
      up = code.call("upsample", tf, cam, SmallGapCnn.IMAGE_SIZE);
    } catch (StudentException e) {
      return e.getMessage().startsWith("not done yet") ? "computeCam and upsample not written yet, so not run with it"
          : e.getMessage();
    } catch (RuntimeException e) {
      return "your graph failed when built: " + code.explain(e);
    }
    if (up == null) {
      return "computeCam and upsample run with it";
    }
    try (TFloat32 x = Feeds.of(image, 1, SmallGapCnn.IMAGE_SIZE, SmallGapCnn.IMAGE_SIZE, 1);
        Result r = session.runner().feed(model.x(), x).fetch(up).run()) {
      return "computeCam and upsample run with it (map " + r.get(0).shape() + ")";
    } catch (RuntimeException e) {
      return "your graph failed when run: " + code.explain(e);
    }
  }

  private static boolean same(float[] a, float[] b) {
    return a.length == b.length && Numbers.firstMismatch(a, Numbers.toDoubles(b), 1e-6) < 0;
  }

  /** The shapes the CAM graders try: the lab's 16 x 16 x 512, and a small uneven one. */
  private static final int[][] CAM_SHAPES = {{16, 16, 512}, {5, 7, 3}};

  static Verdict gradeCam(StudentCode code) {
    Random random = new Random(29);
    for (int[] hwc : CAM_SHAPES) {
      for (int classIndex : new int[] {1, 0}) {
        int h = hwc[0];
        int w = hwc[1];
        int channels = hwc[2];
        float[] maps = Feeds.uniform(random, h * w * channels, 0, 2);
        float[] weights = Feeds.normal(random, channels * 2);
        float[] got;
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
          Ops tf = Ops.create(graph);
          Placeholder<TFloat32> fm = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, h, w, channels)));
          Placeholder<TFloat32> dw = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(channels, 2)));
          Operand<TFloat32> cam = code.call("computeCam", tf, fm, dw, classIndex);
          if (cam == null) {
            return Verdict.fail("computeCam returned null");
          }
          try (TFloat32 mv = Feeds.of(maps, 1, h, w, channels); TFloat32 wv = Feeds.of(weights, channels, 2);
              Result r = session.runner().feed(fm, mv).feed(dw, wv).fetch(cam).run()) {
            if (!r.get(0).shape().equals(Shape.of(1, h, w, 1))) {
              return Verdict.fail("for maps [1, " + h + ", " + w + ", " + channels + "] the CAM has shape "
                  + r.get(0).shape() + ", expected [1, " + h + ", " + w + ", 1]");
            }
            got = Numbers.values(r.get(0));
          }
        }
        double[] expected = PlainCam.cam(maps, h, w, channels, weights, 2, classIndex);
        int bad = Numbers.firstMismatch(got, expected, Numbers.TOLERANCE);
        if (bad >= 0) {
          String evidence = "Maps [1, " + h + ", " + w + ", " + channels + "], class " + classIndex + ": cell (" + bad / w
              + ", " + bad % w + ") is " + got[bad] + ", expected " + Numbers.format(expected[bad]) + ".";
          if (Numbers.resembles(got, PlainCam.cam(maps, h, w, channels, weights, 2, 1 - classIndex))) {
            return OTHER_CLASS.verdict(evidence);
          }
          return Verdict.fail(evidence + " (the reference sums maps x weights[:, class] in double)");
        }
      }
    }
    return Verdict.pass("equal to the weighted sum of the maps in double to 1e-5 (16x16x512 and 5x7x3, both classes)");
  }

  static Verdict gradeUpsample(StudentCode code) {
    Random random = new Random(256);
    int[][] cases = {{16, 16, 256}, {5, 7, 20}};
    for (int[] c : cases) {
      int h = c[0];
      int w = c[1];
      int size = c[2];
      float[] cam = Feeds.normal(random, h * w);
      float[] got;
      try (Graph graph = new Graph(); Session session = new Session(graph)) {
        Ops tf = Ops.create(graph);
        Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, h, w, 1)));
        Operand<TFloat32> up = code.call("upsample", tf, in, size);
        if (up == null) {
          return Verdict.fail("upsample returned null");
        }
        try (TFloat32 v = Feeds.of(cam, 1, h, w, 1); Result r = session.runner().feed(in, v).fetch(up).run()) {
          if (!r.get(0).shape().equals(Shape.of(1, size, size, 1))) {
            return Verdict.fail("a [1, " + h + ", " + w + ", 1] map upsampled to " + size + " has shape "
                + r.get(0).shape() + ", expected [1, " + size + ", " + size + ", 1]");
          }
          got = Numbers.values(r.get(0));
        }
      }
      double[] expected = PlainCam.resize(cam, h, w, size, size, PlainCam.Sampling.TF1_DEFAULT);
      int bad = Numbers.firstMismatch(got, expected, Numbers.TOLERANCE);
      if (bad >= 0) {
        String evidence = "[" + h + " x " + w + "] to " + size + ": pixel (" + bad / size + ", " + bad % size + ") is "
            + got[bad] + ", expected " + Numbers.format(expected[bad]) + ".";
        for (var mistake : List.of(
            java.util.Map.entry(PlainCam.Sampling.ALIGN_CORNERS, ALIGN_CORNERS),
            java.util.Map.entry(PlainCam.Sampling.HALF_PIXEL, HALF_PIXEL),
            java.util.Map.entry(PlainCam.Sampling.NEAREST, NEAREST))) {
          if (Numbers.resembles(got, PlainCam.resize(cam, h, w, size, size, mistake.getKey()))) {
            return mistake.getValue().verdict(evidence);
          }
        }
        return Verdict.fail(evidence + " (the reference is TF1's resize_bilinear in double)");
      }
    }
    return Verdict.pass("equal to TF1's resize_bilinear (align_corners=false) in double to 1e-5, 16->256 and 5x7->20");
  }
}
