package org.introdl.exercises;

import java.util.List;
import java.util.Map;
import org.introdl.exercises.workspace.SourceEditor;

/**
 * Each catalogued mistake, made by hand in a copy of the reference solution: the replacements are applied inside the
 * task's own method body, and each must match there, so a change to a reference file cannot silently empty a test.
 */
final class Mutations {
  /** One edit inside a method body: replace {@code find} (which must occur) with {@code replace}. */
  record Edit(String find, String replace) {}

  private Mutations() {}

  /** Mistake key -> the edits that make it, per task. */
  static final Map<String, Map<String, List<Edit>>> BY_TASK = Map.ofEntries(
      Map.entry("placeholders", Map.of(
          "constants", List.of(new Edit("Placeholder<TFloat32> a = tf.withName(\"a\").placeholder(TFloat32.class);",
              "Operand<TFloat32> a = tf.withName(\"a\").constant(2f);")),
          "b-plus-one", List.of(new Edit("math.sub(b, tf.constant(1f))", "math.add(b, tf.constant(1f))")),
          "swapped", List.of(new Edit("return new PlaceholderGraph(a, b, e);", "return new PlaceholderGraph(b, a, e);")))),
      Map.entry("perceptron", Map.of(
          // W = ones and b = 0 make this the same numbers, with no variable and no matrix product in the graph.
          "no-variables", List.of(new Edit("return tf.math.sigmoid(z);",
              "return tf.math.sigmoid(tf.reduceSum(x, tf.constant(1)));")),
          "no-matmul", List.of(new Edit("tf.linalg.matMul(x, w)", "tf.reduceSum(tf.math.mul(x, tf.reshape(w, "
              + "tf.constant(new long[] {1, 2}))), tf.constant(1), org.tensorflow.op.core.ReduceSum.keepDims(true))")),
          "no-sigmoid", List.of(new Edit("return tf.math.sigmoid(z);", "return z;")),
          "zero-weights", List.of(new Edit("variable(tf.ones(", "variable(tf.zeros(")))),
      Map.entry("derivatives", Map.of(
          "no-seed", List.of(new Edit("tf.gradients(f, List.of(x), Gradients.dx(List.of(tf.constant(1f))))",
              "tf.gradients(f, List.of(x))")),
          "df-by-hand", List.of(new Edit("Operand<TFloat32> df = tf.gradients(f, List.of(x), "
              + "Gradients.dx(List.of(tf.constant(1f)))).<TFloat32>dy(0);",
              "Operand<TFloat32> df = tf.math.mul(tf.constant(2f), x);")),
          "d2f-by-hand", List.of(new Edit("Operand<TFloat32> d2f = tf.gradients(df, List.of(x), "
              + "Gradients.dx(List.of(tf.constant(1f)))).<TFloat32>dy(0);", "Operand<TFloat32> d2f = tf.constant(2f);")),
          "d2f-of-f", List.of(new Edit("tf.gradients(df,", "tf.gradients(f,")))),
      Map.entry("collatz", Map.of(
          "plain-java", List.of(new Edit("List<Integer> printed = new ArrayList<>();",
              "List<Integer> printed = new ArrayList<>(); for (long n = start; n != 1; ) { n = n % 2 == 0 ? n / 2 : "
                  + "3 * n + 1; printed.add((int) n); } if (start > 0) { return printed; }")),
          "includes-start", List.of(new Edit("new ArrayList<>();", "new ArrayList<>(List.of(start));")),
          "stops-early", List.of(new Edit("printed.add(a.asTensor().getInt());",
              "if (a.asTensor().getInt() != 1) { printed.add(a.asTensor().getInt()); }")))),
      Map.entry("rnn", Map.of(
          "first-output", List.of(new Edit("outputs.get(outputs.size() - 1)", "outputs.get(0)")),
          "no-forget-bias", List.of(new Edit("tf.math.add(ijfo.get(2), tf.constant(LstmCellVariables.FORGET_BIAS))",
              "ijfo.get(2)")),
          "gate-order", List.of(new Edit("tf.math.add(ijfo.get(2), tf.constant(LstmCellVariables.FORGET_BIAS))",
              "tf.math.add(ijfo.get(1), tf.constant(LstmCellVariables.FORGET_BIAS))"),
              new Edit("tf.math.tanh(ijfo.get(1))", "tf.math.tanh(ijfo.get(2))")),
          "state-first", List.of(new Edit("List.of(x, h)", "List.of(h, x)")),
          "outputs-state", List.of(new Edit("outputs.add(h);", "outputs.add(c);")),
          "returns-softmax", List.of(new Edit("return tf.math.add(tf.linalg.matMul(last, weights), biases);",
              "return tf.nn.softmax(tf.math.add(tf.linalg.matMul(last, weights), biases));")))),
      Map.entry("lossOp", Map.of(
          "softmax-twice", List.of(new Edit("softmaxCrossEntropyWithLogits(logits,",
              "softmaxCrossEntropyWithLogits(tf.nn.softmax(logits),")),
          "loss-swapped", List.of(new Edit("softmaxCrossEntropyWithLogits(logits, outputVec)",
              "softmaxCrossEntropyWithLogits(outputVec, logits)")),
          "loss-sum", List.of(new Edit("tf.math.mean(", "tf.reduceSum(")))),
      Map.entry("trainOp", Map.of(
          "gradient-descent", List.of(new Edit("return new AdamOptimizer(learningRate).minimize(tf, lossOp, variables);",
              "var gradients = tf.gradients(lossOp, variables); List<Op> steps = new ArrayList<>(); "
                  + "for (int i = 0; i < variables.size(); i++) { steps.add(tf.train.applyGradientDescent("
                  + "variables.get(i), tf.constant(learningRate), gradients.<TFloat32>dy(i))); } "
                  + "return tf.withControlDependencies(steps).noOp();")),
          "fixed-learning-rate", List.of(new Edit("new AdamOptimizer(learningRate)", "new AdamOptimizer(0.01f)")),
          "some-variables", List.of(new Edit("minimize(tf, lossOp, variables)",
              "minimize(tf, lossOp, variables.subList(0, 1))")))),
      Map.entry("accuracy", Map.of(
          "accuracy-sum", List.of(new Edit("return tf.math.mean(correct, tf.constant(0));",
              "return tf.reduceSum(correct, tf.constant(0));")),
          "argmax-axis-0", List.of(new Edit("argMax(prediction, tf.constant(1))", "argMax(prediction, tf.constant(0))"),
              new Edit("argMax(outputVec, tf.constant(1))", "argMax(outputVec, tf.constant(0))")))),
      Map.entry("sampleNextNote", Map.of(
          "argmax", List.of(new Edit("double u = random.nextDouble();",
              "int best = 0; for (int k = 1; k < probabilities.length; k++) { if (probabilities[k] > probabilities[best]) "
                  + "{ best = k; } } if (best >= 0) { return best; } double u = random.nextDouble();")),
          "uniform", List.of(new Edit("double u = random.nextDouble();",
              "if (probabilities.length > 0) { return random.nextInt(probabilities.length); } "
                  + "double u = random.nextDouble();")),
          "own-random", List.of(new Edit("random.nextDouble()", "Math.random()")),
          "fresh-random", List.of(new Edit("random.nextDouble()", "new Random(2018).nextDouble()")))),
      Map.entry("generateSong", Map.of(
          "sampled-logits", List.of(new Edit("model.prediction(window)", "model.logits(window)")),
          "window-not-sliding", List.of(new Edit("song.subList(song.size() - model.timesteps(), song.size())",
              "song.subList(0, model.timesteps())")),
          "loop-argmax", List.of(new Edit("playedNotes[sampleNextNote(predictProbs, random)] = 1f;",
              "int best = 0; for (int k = 1; k < predictProbs.length; k++) { if (predictProbs[k] > predictProbs[best]) "
                  + "{ best = k; } } playedNotes[best] = 1f;")))),
      Map.entry("extractFeaturesWeights", Map.of(
          "wrong-layer", List.of(new Edit("model.skip4()", "model.skip3()")),
          "bias-not-kernel", List.of(new Edit("\"/kernel:0\"", "\"/bias:0\"")),
          "squeezed", List.of(new Edit("new FeaturesWeights(model.skip4(),", "new FeaturesWeights(org.tensorflow.op.Ops"
              + ".create(model.graph()).squeeze(model.skip4(), org.tensorflow.op.core.Squeeze.axis(java.util.List.of(0L))),")),
          // The same values and ranks, but a shape computeCam cannot read while it builds its graph.
          "breaks-cam", List.of(new Edit("new FeaturesWeights(model.skip4(),", "new FeaturesWeights(org.tensorflow.op.Ops"
              + ".create(model.graph()).placeholderWithDefault(model.skip4(), org.tensorflow.ndarray.Shape.unknown()),")))),
      Map.entry("computeCam", Map.of(
          "other-class", List.of(new Edit("new int[] {0, classIndex}", "new int[] {0, 1 - classIndex}")))),
      Map.entry("upsample", Map.of(
          "align-corners", List.of(new Edit("alignCorners(false)", "alignCorners(true)")),
          "half-pixel-centers", List.of(new Edit("halfPixelCenters(false)", "halfPixelCenters(true)")),
          "nearest", List.of(new Edit("return tf.image.resizeBilinear(cam, tf.constant(new int[] {imageSize, imageSize}),",
              "if (imageSize > 0) { return tf.image.resizeNearestNeighbor(cam, tf.constant(new int[] {imageSize, "
                  + "imageSize})); } return tf.image.resizeBilinear(cam, tf.constant(new int[] {imageSize, imageSize}),")))));

  /** The reference source with {@code edits} applied inside {@code method}'s body. */
  static String apply(String source, String method, List<Edit> edits) {
    String body = SourceEditor.statements(source, method);
    for (Edit edit : edits) {
      if (!body.contains(edit.find())) {
        throw new AssertionError(method + ": the mutation's text is not in the reference: " + edit.find());
      }
      body = body.replace(edit.find(), edit.replace());
    }
    return SourceEditor.replaceBody(source, method, body);
  }
}
