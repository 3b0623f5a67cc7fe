package org.introdl.exercises;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.introdl.exercises.grading.Lab;
import org.introdl.exercises.grading.Task;

/** The README that {@code start} writes beside a lab's task file: the commands, the API and each task's ops. */
final class Readme {
  /** A class a task calls, and what it is for in a line. */
  private record Api(String type, String what) {}

  /** The exercise API of each lab (package {@code org.introdl.exercises.api}) and the TensorFlow Java basics. */
  private static final Map<String, List<Api>> API = Map.of(
      "lab1", List.of(
          new Api("org.tensorflow.op.Ops", "TensorFlow Java's op factory: tf.placeholder, tf.variable, tf.math.*, "
              + "tf.linalg.matMul, tf.gradients, ..."),
          new Api("api.PlaceholderGraph", "placeholders' answer: the placeholders a and b and the output e"),
          new Api("api.Derivatives", "derivatives' answer: f, df and d2f as graph ops"),
          new Api("org.tensorflow.op.core.Gradients", "tf.gradients' result (dy(i)) and its options (dx: the seed)")),
      "lab2", List.of(
          new Api("api.LstmCellVariables", "the variables of TF1's BasicLSTMCell (kernel, bias) with Python's names, "
              + "the zero state, and the cell's equations in its Javadoc"),
          new Api("api.AdamOptimizer", "TF1's tf.train.AdamOptimizer(learning_rate): minimize(tf, loss, variables)"),
          new Api("api.MusicModel", "a trained model as generateSong sees it: a window of rows in, the next note's "
              + "logits or probabilities out"),
          new Api("java.util.Random", "the seeded random numbers sampleNextNote and generateSong draw from")),
      "lab3", List.of(
          new Api("api.XrayModel", "the x-ray CNN as the CAM cells see it: x, skip1..skip4, gap, yPred, tensorByName"),
          new Api("api.FeaturesWeights", "extractFeaturesWeights' answer: the feature maps and the dense kernel"),
          new Api("org.tensorflow.op.image.ResizeBilinear", "the options of tf.image.resizeBilinear")));

  /** The TensorFlow Java ops (or Java calls) each task needs, as named in the API. */
  private static final Map<String, String> OPS = Map.ofEntries(
      Map.entry("placeholders", "tf.placeholder, tf.constant, tf.math.add, tf.math.sub, tf.math.mul"),
      Map.entry("perceptron", "tf.variable, tf.ones, tf.zeros, tf.constant, tf.linalg.matMul, tf.math.add, "
          + "tf.math.sigmoid"),
      Map.entry("derivatives", "tf.math.mul, tf.math.add, tf.constant, tf.gradients (Gradients.dx, dy)"),
      Map.entry("collatz", "tf.constant, tf.math.floorMod, tf.math.equal, tf.math.floorDiv, tf.math.mul, "
          + "tf.math.add, Operand.asTensor().getInt() / getBoolean()"),
      Map.entry("rnn", "tf.unstack (Unstack.axis), tf.concat, tf.linalg.matMul, tf.math.add, tf.split, "
          + "tf.math.sigmoid, tf.math.tanh, tf.math.mul; LstmCellVariables"),
      Map.entry("lossOp", "tf.nn.softmaxCrossEntropyWithLogits (.loss()), tf.math.mean, tf.constant"),
      Map.entry("trainOp", "AdamOptimizer.minimize"),
      Map.entry("accuracy", "tf.math.argMax, tf.math.equal, tf.dtypes.cast, tf.math.mean"),
      Map.entry("sampleNextNote", "Random.nextDouble (no TensorFlow)"),
      Map.entry("generateSong", "MusicModel.prediction, List.subList, your sampleNextNote (no TensorFlow)"),
      Map.entry("extractFeaturesWeights", "XrayModel.skip4, yPred().op().name(), tensorByName"),
      Map.entry("computeCam", "Operand.shape(), tf.reshape, tf.slice, tf.linalg.matMul"),
      Map.entry("upsample", "tf.image.resizeBilinear (ResizeBilinear.alignCorners, halfPixelCenters)"));

  private Readme() {}

  static String of(Lab lab, Path workspace) {
    StringBuilder out = new StringBuilder();
    out.append("# ").append(lab.title()).append(": exercises\n\n")
        .append("Edit `").append(lab.fileName()).append("`: each task is one method whose body throws a TODO. Replace ")
        .append("the throw with your code, in the notebook's order. The text above each method is the notebook's.\n\n")
        .append("From the repository of the labs:\n\n```\n")
        .append("./labs exercises check ").append(workspace).append("                 # every task: passed or what is wrong\n")
        .append("./labs exercises check ").append(workspace).append(" --task TASK     # one task\n")
        .append("./labs exercises hint ").append(workspace).append(" TASK             # one more hint each time\n")
        .append("./labs exercises solve ").append(workspace).append(" TASK            # the reference solution (your attempt kept as .orig)\n")
        .append("```\n\nIn an IDE: open this folder (`pom.xml` makes it a Maven project: completion and Javadoc for ")
        .append("the labs and TensorFlow Java); `mvn compile` here builds it too. `check` needs neither.\n\n")
        .append("## Tasks and the ops each needs\n\n");
    for (Task task : lab.tasks()) {
      out.append("- `").append(task.name()).append("`: ").append(task.summary()).append(". Uses ")
          .append(OPS.get(task.name())).append('\n');
    }
    out.append("\n## The API you call\n\n");
    for (Api api : API.get(lab.id())) {
      String type = api.type().startsWith("api.") ? "org.introdl.exercises." + api.type() : api.type();
      out.append("- `").append(type).append("`: ").append(api.what()).append('\n');
    }
    String plug = switch (lab.id()) {
      case "lab2" -> "\nTrain your own network and hear it (each task you have written runs; the others are the "
          + "lab's own, and the run says which):\n\n```\n"
          + "./labs music train --exercises " + workspace + " --out out/my-music\n"
          + "./labs music generate --exercises " + workspace + " --checkpoint out/my-music\n```\n";
      case "lab3" -> "\nWhen the three tasks pass, draw the lab's maps with your code:\n\n```\n"
          + "./labs xray cam --exercises " + workspace + " --checkpoint out/xray-train\n```\n";
      default -> "";
    };
    return out.append(plug).toString();
  }
}
