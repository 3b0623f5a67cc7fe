package org.introdl.exercises.lab2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.introdl.core.tf.GraphVariables;
import org.introdl.exercises.api.LstmCellVariables;
import org.introdl.exercises.grading.ChiSquare;
import org.introdl.exercises.grading.Feeds;
import org.introdl.exercises.grading.Lab;
import org.introdl.exercises.grading.Mistake;
import org.introdl.exercises.grading.Numbers;
import org.introdl.exercises.grading.StudentCode;
import org.introdl.exercises.grading.Task;
import org.introdl.exercises.grading.Verdict;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Lab 1 Part 2's tasks and their graders: the network against a plain-Java LSTM, the loss, Adam and accuracy against
 * double formulas, the sampler and the generation loop by seeded chi-square tests.
 */
public final class Lab2Exercises {
  public static final int TIMESTEPS = 64;
  public static final int NOTES = 78;
  public static final int HIDDEN = 128;

  static final Mistake FIRST_OUTPUT = new Mistake("first-output",
      "the dense layer got the LSTM's FIRST output: the notebook uses the last one, outputs[-1], which has read all 64 "
          + "rows.");
  static final Mistake NO_FORGET_BIAS = new Mistake("no-forget-bias",
      "the forget gate is sigmoid(f) without the forget bias: BasicLSTMCell adds FORGET_BIAS = 1.0, "
          + "sigmoid(f + 1.0), so that a fresh cell keeps its memory.");
  static final Mistake GATE_ORDER = new Mistake("gate-order",
      "the gates are read from the wrong column blocks: BasicLSTMCell's kernel holds them in the order i, j, f, o "
          + "(input gate, new input, forget gate, output gate), and split returns the blocks in that order.");
  static final Mistake STATE_FIRST = new Mistake("state-first",
      "the cell reads concat([h, x]): BasicLSTMCell concatenates [x, h], so the kernel's first 78 rows multiply the "
          + "note row x and the last 128 the previous output h.");
  static final Mistake OUTPUTS_STATE = new Mistake("outputs-state",
      "the dense layer got the cell state c: the LSTM's output is h = tanh(c) * sigmoid(o), the value static_rnn "
          + "returns in outputs; c is its inner memory.");
  static final Mistake RNN_SOFTMAX = new Mistake("returns-softmax",
      "rnn returns probabilities (a softmax): return the logits xW + b; the loss and the prediction apply softmax "
          + "themselves.");
  static final Mistake SOFTMAX_TWICE = new Mistake("softmax-twice",
      "softmax is applied twice: softmaxCrossEntropyWithLogits applies it itself, so pass the logits, not "
          + "tf.nn.softmax(logits).");
  static final Mistake LOSS_SWAPPED = new Mistake("loss-swapped",
      "the logits and the labels are swapped: softmaxCrossEntropyWithLogits(logits, labels) takes the logits first, "
          + "then the one-hot true notes.");
  static final Mistake LOSS_SUM = new Mistake("loss-sum",
      "the loss is the SUM over the batch: the notebook takes the mean (tf.reduce_mean), so the loss does not grow "
          + "with the batch size.");
  static final Mistake GRADIENT_DESCENT = new Mistake("gradient-descent",
      "the variables moved by learning_rate * gradient, plain gradient descent: the notebook uses Adam "
          + "(new AdamOptimizer(learningRate)).");
  static final Mistake FIXED_RATE = new Mistake("fixed-learning-rate",
      "the step ignores the learningRate passed in: make the optimizer with learningRate, so that the rate the "
          + "notebook sets (and any other) is the one used.");
  static final Mistake SOME_VARIABLES = new Mistake("some-variables",
      "a variable did not move: minimise the loss over every variable in the list you are given (the model's "
          + "trainable variables), or part of the network never learns.");
  static final Mistake ACCURACY_SUM = new Mistake("accuracy-sum",
      "accuracy is the NUMBER of correct predictions: take the mean of the 0/1 values (tf.math.mean), a fraction "
          + "in [0, 1].");
  static final Mistake ARGMAX_AXIS = new Mistake("argmax-axis-0",
      "argmax ran over axis 0 (the batch): the note is the argmax over axis 1, one per row.");
  static final Mistake SAMPLER_ARGMAX = new Mistake("argmax",
      "every draw is the most likely note (argmax): sample note k with probability p[k], as np.random.choice(..., "
          + "p=probs) does, or every song repeats itself.");
  static final Mistake SAMPLER_UNIFORM = new Mistake("uniform",
      "the draws ignore the probabilities (every note about equally often): note k must come with probability p[k].");
  static final Mistake FRESH_RANDOM = new Mistake("fresh-random",
      "every call drew the same note: a new Random(seed) made inside sampleNextNote starts over at each call, so "
          + "its first number is always the same; draw from the Random passed in, which moves on between calls.");
  static final Mistake OWN_RANDOM = new Mistake("own-random",
      "the same seed gave different draws: draw only from the Random passed in (not Math.random or a new Random), "
          + "so that a seed gives the same song again.");
  static final Mistake SAMPLED_LOGITS = new Mistake("sampled-logits",
      "the loop read model.logits(...), which are not probabilities (they can be negative and do not sum to 1): "
          + "sample from model.prediction(...), the softmax.");
  static final Mistake WINDOW_NOT_SLIDING = new Mistake("window-not-sliding",
      "every step fed the seed again: feed the LAST 64 rows of the song so far (gen_song[-timesteps:]), so the "
          + "notes you generate become the model's input.");
  static final Mistake LOOP_ARGMAX = new Mistake("loop-argmax",
      "every generated note is the model's most likely one (argmax): sample each note with sampleNextNote.");

  private Lab2Exercises() {}

  public static Lab lab() {
    return new Lab("lab2", "Music generation with an RNN (Lab 1 Part 2)", "Lab2Music", List.of(
        new Task("rnn", "RNN(input_vec, weights, biases): 64 unstacked rows through a BasicLSTMCell(128), the last "
            + "output through the dense layer",
            List.of("An LSTM reads the song one row at a time and carries two values from row to row: c, its "
                    + "memory, and h, its output. The notebook feeds the output after the LAST row to a dense layer.",
                "Look up LstmCellVariables (its Javadoc has the cell's equations; kernel(), bias(), zeroState), "
                    + "tf.unstack with Unstack.axis, tf.concat, tf.split, tf.linalg.matMul, tf.math.sigmoid and tanh.",
                "rows = unstack(inputVec, TIMESTEPS, axis 1); c = h = the zero state; for each row x: gates = [x, h] "
                    + "@ kernel + bias, split in four (i, j, f, o); update c, then h from c. At the end: h @ weights "
                    + "+ biases."),
            Lab2Exercises::gradeRnn, List.of(FIRST_OUTPUT, NO_FORGET_BIAS, GATE_ORDER, STATE_FIRST, OUTPUTS_STATE,
                RNN_SOFTMAX)),
        new Task("lossOp", "the mean softmax cross-entropy of the logits against the true next notes",
            List.of("Cross-entropy measures how surprised the model is by the true note: minus the log of the "
                    + "probability it gave that note. Averaged over the batch, it is the number training lowers.",
                "Look up tf.nn.softmaxCrossEntropyWithLogits(features, labels), its loss() output (one value per "
                    + "row; the features are the logits), and tf.math.mean.",
                "perRow = softmaxCrossEntropyWithLogits(<the logits>, <the one-hot labels>).loss(); return the mean of "
                    + "perRow over axis 0."),
            Lab2Exercises::gradeLoss, List.of(SOFTMAX_TWICE, LOSS_SWAPPED, LOSS_SUM)),
        new Task("trainOp", "Adam with the given learning rate, minimising the loss",
            List.of("Training moves every variable a small step against the gradient of the loss; Adam scales each "
                    + "step by running averages of the gradient, and the learning rate sets the step's size.",
                "Look up AdamOptimizer in this lab's API: a constructor that takes the learning rate, and "
                    + "minimize(tf, loss, variables), which returns the op that makes one step.",
                "Make the optimizer with the rate you were given (not a number of your own) and minimise lossOp over "
                    + "all of variables."),
            Lab2Exercises::gradeTrainOp, List.of(SOME_VARIABLES, FIXED_RATE, GRADIENT_DESCENT)),
        new Task("accuracy", "the fraction of rows whose most likely note is the true next note",
            List.of("A row is right when the note the model finds most likely is the true next note; accuracy is "
                    + "the fraction of right rows, a number in [0, 1].",
                "Look up tf.math.argMax (its axis is an operand), tf.math.equal, tf.dtypes.cast and tf.math.mean.",
                "predicted = argMax(prediction) along the notes; truth = argMax(outputVec) likewise; correct = "
                    + "equal(...) cast to float; return its mean."),
            Lab2Exercises::gradeAccuracy, List.of(ACCURACY_SUM, ARGMAX_AXIS)),
        new Task("sampleNextNote", "draw note k with probability probabilities[k] (np.random.choice)",
            List.of("Sampling picks note k with probability p[k]: lay the probabilities end to end on [0, 1) and see "
                    + "where a uniform random number falls.",
                "Look up java.util.Random.nextDouble(); draw from the Random passed in (never a new Random or "
                    + "Math.random), so that one seed gives one song.",
                "u = one uniform draw; add up p[0], p[1], ... and return the first k where the running sum passes u; "
                    + "if rounding leaves u above the total, the last note."),
            Lab2Exercises::gradeSampler, List.of(SAMPLER_ARGMAX, FRESH_RANDOM, SAMPLER_UNIFORM, OWN_RANDOM)),
        new Task("generateSong", "the generation loop: predict from the last 64 rows, sample, append, repeat",
            List.of("Generation feeds the model its own output: each new note joins the song, and the next "
                    + "prediction reads the last 64 rows, the new note among them.",
                "Look up MusicModel (timesteps(), noteCount(), prediction(window): probabilities, unlike logits) and "
                    + "List.subList.",
                "song = the seed rows; repeat steps times: window = the last timesteps() rows; note = "
                    + "sampleNextNote(the model's prediction for it, random); append a one-hot row for note. Return "
                    + "the new rows."),
            Lab2Exercises::gradeGenerate, List.of(SAMPLED_LOGITS, WINDOW_NOT_SLIDING, LOOP_ARGMAX))));
  }

  // ---- rnn ----

  static Verdict gradeRnn(StudentCode code) {
    Random random = new Random(2018);
    int batch = 3;
    float[][][] x = new float[batch][TIMESTEPS][NOTES];
    for (float[][] song : x) {
      for (float[] row : song) {
        if (random.nextDouble() > 0.2) {
          row[random.nextInt(NOTES)] = 1f;
        }
      }
    }
    float[][] kernel = matrix(random, NOTES + HIDDEN, 4 * HIDDEN, 0.2);
    float[] bias = Feeds.uniform(random, 4 * HIDDEN, -0.2, 0.2);
    float[][] weights = new float[HIDDEN][];
    for (int u = 0; u < HIDDEN; u++) {
      weights[u] = Feeds.normal(random, NOTES);
    }
    float[] biases = Feeds.normal(random, NOTES);

    float[] got;
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> inputVec = tf.withName("input_vec").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, TIMESTEPS, NOTES)));
      Placeholder<TFloat32> w = tf.withName("weights").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(HIDDEN, NOTES)));
      Placeholder<TFloat32> b = tf.withName("biases").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(NOTES)));
      Operand<TFloat32> logits = code.call("rnn", tf, inputVec, w, b);
      if (logits == null) {
        return Verdict.fail("rnn returned null: return the logits, h @ weights + biases");
      }
      GraphOperation kernelVar = graph.operation(LstmCellVariables.SCOPE + "/kernel");
      GraphOperation biasVar = graph.operation(LstmCellVariables.SCOPE + "/bias");
      if (kernelVar == null || biasVar == null) {
        return Verdict.fail("rnn made no LSTM cell: create its variables with new LstmCellVariables(tf, HIDDEN_SIZE, "
            + "INPUT_SIZE)");
      }
      // The cell's variables get the grader's random values, so the reference can use the same ones.
      Placeholder<TFloat32> kernelValue = tf.placeholder(TFloat32.class);
      Placeholder<TFloat32> biasValue = tf.placeholder(TFloat32.class);
      Op setKernel = tf.assign(kernelVar.<TFloat32>output(0), kernelValue);
      Op setBias = tf.assign(biasVar.<TFloat32>output(0), biasValue);
      session.initialize();
      try (TFloat32 k = Feeds.of(flat(kernel), NOTES + HIDDEN, 4 * HIDDEN); TFloat32 bb = Feeds.of(bias, 4 * HIDDEN)) {
        session.runner().feed(kernelValue, k).feed(biasValue, bb).addTarget(setKernel).addTarget(setBias).run();
      }
      try (TFloat32 in = Feeds.of(flat(x), batch, TIMESTEPS, NOTES); TFloat32 wv = Feeds.of(flat(weights), HIDDEN, NOTES);
          TFloat32 bv = Feeds.of(biases, NOTES);
          Result r = session.runner().feed(inputVec, in).feed(w, wv).feed(b, bv).fetch(logits).run()) {
        Shape shape = r.get(0).shape();
        if (!shape.equals(Shape.of(batch, NOTES))) {
          return Verdict.fail("for a batch of " + batch + " the logits have shape " + shape + ", expected [" + batch
              + ", " + NOTES + "]");
        }
        got = Numbers.values(r.get(0));
      }
    }
    double[] expected = flat(PlainLstm.logits(x, kernel, bias, weights, biases, PlainLstm.Variant.NOTEBOOK));
    int bad = Numbers.firstMismatch(got, expected, Numbers.TOLERANCE);
    if (bad < 0) {
      return Verdict.pass("logits equal a plain-Java BasicLSTMCell(128) over 64 rows to 1e-5 (3 random songs)");
    }
    String evidence = "Row " + bad / NOTES + ", note " + bad % NOTES + ": your logit " + got[bad] + ", expected "
        + Numbers.format(expected[bad]) + ".";
    return diagnoseRnn(got, evidence, variant -> flat(PlainLstm.logits(x, kernel, bias, weights, biases, variant)));
  }

  /**
   * Which classic mistake the logits match: each is computed in plain Java (the first output, no forget bias, every
   * other order of the four gates, [h, x], the state c, a softmax) and the first the student's numbers resemble names it.
   */
  private static Verdict diagnoseRnn(float[] got, String evidence,
      java.util.function.Function<PlainLstm.Variant, double[]> logitsOf) {
    List<java.util.Map.Entry<PlainLstm.Variant, Mistake>> variants = List.of(
        java.util.Map.entry(PlainLstm.Variant.FIRST_OUTPUT, FIRST_OUTPUT),
        java.util.Map.entry(PlainLstm.Variant.NO_FORGET_BIAS, NO_FORGET_BIAS),
        java.util.Map.entry(PlainLstm.Variant.STATE_FIRST, STATE_FIRST),
        java.util.Map.entry(PlainLstm.Variant.OUTPUTS_STATE, OUTPUTS_STATE));
    double[] logits = logitsOf.apply(PlainLstm.Variant.NOTEBOOK);
    int batch = logits.length / NOTES;
    double[] softmax = new double[logits.length];
    for (int n = 0; n < batch; n++) {
      System.arraycopy(PlainLstm.softmax(Arrays.copyOfRange(logits, n * NOTES, (n + 1) * NOTES)), 0, softmax,
          n * NOTES, NOTES);
    }
    if (Numbers.resembles(got, softmax)) {
      return RNN_SOFTMAX.verdict(evidence);
    }
    for (var variant : variants) {
      if (Numbers.resembles(got, logitsOf.apply(variant.getKey()))) {
        return variant.getValue().verdict(evidence);
      }
    }
    for (String order : gateOrders()) {
      if (Numbers.resembles(got, logitsOf.apply(PlainLstm.Variant.gateOrder(order)))) {
        return GATE_ORDER.verdict("Your numbers match the blocks read as " + String.join(", ", order.split(""))
            + ". " + evidence);
      }
    }
    return Verdict.fail(evidence + " (the reference is a plain-Java BasicLSTMCell with the same kernel and bias; "
        + "your numbers match none of the classic mistakes: the first output, no forget bias, another gate order, "
        + "[h, x], the state c, a softmax)");
  }

  /** The 23 ways to read the blocks i, j, f, o in another order. */
  private static List<String> gateOrders() {
    List<String> orders = new ArrayList<>();
    permute("", "ijfo", orders);
    orders.remove("ijfo");
    return orders;
  }

  private static void permute(String prefix, String rest, List<String> out) {
    if (rest.isEmpty()) {
      out.add(prefix);
    }
    for (int k = 0; k < rest.length(); k++) {
      permute(prefix + rest.charAt(k), rest.substring(0, k) + rest.substring(k + 1), out);
    }
  }

  // ---- loss, optimizer, accuracy ----

  static Verdict gradeLoss(StudentCode code) {
    Random random = new Random(3);
    int batch = 6;
    float[] logits = Feeds.normal(random, batch * NOTES);
    for (int i = 0; i < logits.length; i++) {
      logits[i] *= 2;
    }
    float[] labels = oneHotRows(random, batch);
    OneValue loss = runOnRows(code, "lossOp", logits, labels, batch, "the loss",
        "one number (the mean over the batch)");
    if (loss.failure() != null) {
      return loss.failure();
    }
    float got = loss.value();
    double expected = crossEntropy(logits, labels, batch, false) / batch;
    String evidence = "Your loss " + got + ", expected " + Numbers.format(expected) + " (6 random rows).";
    if (Numbers.close(new float[] {got}, new double[] {expected})) {
      return Verdict.pass("mean softmax cross-entropy equals the double formula to 1e-5");
    }
    if (Numbers.resembles(new float[] {got}, new double[] {crossEntropy(logits, labels, batch, true) / batch})) {
      return SOFTMAX_TWICE.verdict(evidence);
    }
    if (Numbers.resembles(new float[] {got}, new double[] {expected * batch})) {
      return LOSS_SUM.verdict(evidence);
    }
    String negative = got < 0 ? " A cross-entropy cannot be negative: it is -sum p log q with p and q probabilities, "
        + "so every term is at least 0." : "";
    if (Numbers.resembles(new float[] {got}, new double[] {swappedCrossEntropy(logits, labels, batch) / batch})) {
      return LOSS_SWAPPED.verdict(evidence + negative);
    }
    return Verdict.fail(negative.isEmpty() ? evidence : negative.strip() + " " + evidence);
  }

  /** What a student's op gave when run: its one value, or the verdict saying why there is none. */
  private record OneValue(float value, Verdict failure) {}

  /**
   * Runs the student's {@code method}(tf, a, b) on two [batch, 78] inputs and reads the one number it must give;
   * {@code what} names it in the message when it gives several, {@code expected} says what one number means.
   */
  private static OneValue runOnRows(StudentCode code, String method, float[] a, float[] b, int batch, String what,
      String expected) {
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> first = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, NOTES)));
      Placeholder<TFloat32> second = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, NOTES)));
      Operand<TFloat32> out = code.call(method, tf, first, second);
      if (out == null) {
        return new OneValue(Float.NaN, Verdict.fail(method + " returned null"));
      }
      try (TFloat32 av = Feeds.of(a, batch, NOTES); TFloat32 bv = Feeds.of(b, batch, NOTES);
          Result r = session.runner().feed(first, av).feed(second, bv).fetch(out).run()) {
        float[] values = Numbers.values(r.get(0));
        if (values.length != 1) {
          return new OneValue(Float.NaN, Verdict.fail(what + " has " + values.length + " values, expected " + expected));
        }
        return new OneValue(values[0], null);
      }
    }
  }

  /** The summed cross-entropy of the rows; {@code softmaxFirst} feeds softmax(logits) as the logits (the mistake). */
  private static double crossEntropy(float[] logits, float[] labels, int batch, boolean softmaxFirst) {
    double sum = 0;
    for (int n = 0; n < batch; n++) {
      double[] row = Numbers.toDoubles(Arrays.copyOfRange(logits, n * NOTES, (n + 1) * NOTES));
      double[] p = PlainLstm.softmax(softmaxFirst ? PlainLstm.softmax(row) : row);
      for (int k = 0; k < NOTES; k++) {
        sum -= labels[n * NOTES + k] * Math.log(p[k]);
      }
    }
    return sum;
  }

  /** The mistake's loss: the labels fed as the logits and the logits as the labels. */
  private static double swappedCrossEntropy(float[] logits, float[] labels, int batch) {
    double sum = 0;
    for (int n = 0; n < batch; n++) {
      double[] q = PlainLstm.softmax(Numbers.toDoubles(Arrays.copyOfRange(labels, n * NOTES, (n + 1) * NOTES)));
      for (int k = 0; k < NOTES; k++) {
        sum -= logits[n * NOTES + k] * Math.log(q[k]);
      }
    }
    return sum;
  }

  /** The learning rates trainOp is graded with: the notebook's and another, so a rate of its own shows. */
  static final float[] LEARNING_RATES = {0.01f, 0.05f};
  /** Three variables of different shapes ([5], [2, 2], [3]), flattened: start, target and scale of each element. */
  private static final long[][] TRAIN_SHAPES = {{5}, {2, 2}, {3}};
  private static final float[] TRAIN_START = {0.5f, -1.5f, 2f, 0.25f, -0.75f, 1f, -2f, 0.5f, 3f, -1f, 0f, 2.5f};
  private static final float[] TRAIN_TARGET = {1f, 1f, -1f, 0.3f, 0f, -1f, 0.5f, 0.5f, 0f, 1f, -2f, 2f};
  private static final float[] TRAIN_SCALE = {1f, 0.1f, 3f, 10f, 0.5f, 2f, 1f, 0.3f, 4f, 1f, 0.2f, 5f};
  private static final int TRAIN_STEPS = 3;

  /**
   * trainOp on the loss {@code sum(scale (v - target)^2)} over three variables, at two learning rates: every
   * variable must move, the two rates must differ, and 3 steps must equal TF1's Adam computed in double.
   */
  static Verdict gradeTrainOp(StudentCode code) {
    float[][] got = new float[LEARNING_RATES.length][];
    for (int r = 0; r < LEARNING_RATES.length; r++) {
      got[r] = trainVariables(code, LEARNING_RATES[r]);
      if (got[r] == null) {
        return Verdict.fail("trainOp returned null: return the optimizer's minimize(...) op");
      }
      int offset = 0;
      for (int v = 0; v < TRAIN_SHAPES.length; v++) {
        int size = (int) Shape.of(TRAIN_SHAPES[v]).size();
        if (Arrays.equals(Arrays.copyOfRange(got[r], offset, offset + size),
            Arrays.copyOfRange(TRAIN_START, offset, offset + size))) {
          return SOME_VARIABLES.verdict("After " + TRAIN_STEPS + " steps variable " + v + " of "
              + TRAIN_SHAPES.length + " (shape " + Shape.of(TRAIN_SHAPES[v]) + ") still holds its start value.");
        }
        offset += size;
      }
    }
    if (Arrays.equals(got[0], got[1])) {
      return FIXED_RATE.verdict("Learning rates " + LEARNING_RATES[0] + " and " + LEARNING_RATES[1]
          + " moved the variables exactly alike.");
    }
    for (int r = 0; r < LEARNING_RATES.length; r++) {
      float rate = LEARNING_RATES[r];
      double[] adam = adam(TRAIN_START, TRAIN_TARGET, TRAIN_SCALE, rate, TRAIN_STEPS);
      int bad = Numbers.firstMismatch(got[r], adam, Numbers.TOLERANCE);
      if (bad < 0) {
        continue;
      }
      String evidence = "With learning rate " + rate + ", after " + TRAIN_STEPS + " steps element " + bad + " is "
          + got[r][bad] + ", expected " + Numbers.format(adam[bad]) + " (Adam).";
      if (Numbers.resembles(got[r], gradientDescent(TRAIN_START, TRAIN_TARGET, TRAIN_SCALE, rate, TRAIN_STEPS))) {
        return GRADIENT_DESCENT.verdict(evidence);
      }
      return Verdict.fail(evidence);
    }
    return Verdict.pass("3 steps over 3 variables equal TF1's Adam computed in double to 1e-5, at learning rates "
        + LEARNING_RATES[0] + " and " + LEARNING_RATES[1]);
  }

  /** The three variables' values, flattened, after the student's op ran 3 times at {@code rate}; null for no op. */
  private static float[] trainVariables(StudentCode code, float rate) {
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      List<Output<TFloat32>> variables = new ArrayList<>();
      Operand<TFloat32> loss = null;
      int offset = 0;
      for (int v = 0; v < TRAIN_SHAPES.length; v++) {
        Shape shape = Shape.of(TRAIN_SHAPES[v]);
        int size = (int) shape.size();
        float[] start = Arrays.copyOfRange(TRAIN_START, offset, offset + size);
        Output<TFloat32> variable = GraphVariables.create(tf, "v" + v, shape, TFloat32.class,
            init -> init.reshape(init.constant(start), init.constant(shape.asArray())));
        variables.add(variable);
        Operand<TFloat32> flat = tf.reshape(tf.identity(variable), tf.constant(new long[] {size}));
        Operand<TFloat32> diff = tf.math.sub(flat, tf.constant(Arrays.copyOfRange(TRAIN_TARGET, offset, offset + size)));
        Operand<TFloat32> term = tf.reduceSum(tf.math.mul(
            tf.constant(Arrays.copyOfRange(TRAIN_SCALE, offset, offset + size)), tf.math.square(diff)), tf.constant(0));
        loss = loss == null ? term : tf.math.add(loss, term);
        offset += size;
      }
      Op train = code.call("trainOp", tf, loss, variables, rate);
      if (train == null) {
        return null;
      }
      for (int s = 0; s < TRAIN_STEPS; s++) {
        session.run(train);
      }
      float[] values = new float[TRAIN_START.length];
      int at = 0;
      for (Output<TFloat32> variable : variables) {
        try (Result r = session.runner().fetch(variable).run()) {
          float[] part = Numbers.values(r.get(0));
          System.arraycopy(part, 0, values, at, part.length);
          at += part.length;
        }
      }
      return values;
    }
  }

  /** TF1's Adam ({@code lr_t = lr sqrt(1 - b2^t) / (1 - b1^t)}) on {@code sum(scale (v - target)^2)}. */
  static double[] adam(float[] start, float[] target, float[] scale, float lr, int steps) {
    double b1 = 0.9;
    double b2 = 0.999;
    double eps = 1e-8;
    double[] v = Numbers.toDoubles(start);
    double[] m = new double[v.length];
    double[] s = new double[v.length];
    for (int t = 1; t <= steps; t++) {
      double lrT = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
      for (int i = 0; i < v.length; i++) {
        double g = 2 * scale[i] * (v[i] - target[i]);
        m[i] = b1 * m[i] + (1 - b1) * g;
        s[i] = b2 * s[i] + (1 - b2) * g * g;
        v[i] -= lrT * m[i] / (Math.sqrt(s[i]) + eps);
      }
    }
    return v;
  }

  static double[] gradientDescent(float[] start, float[] target, float[] scale, float lr, int steps) {
    double[] v = Numbers.toDoubles(start);
    for (int t = 0; t < steps; t++) {
      for (int i = 0; i < v.length; i++) {
        v[i] -= lr * 2 * scale[i] * (v[i] - target[i]);
      }
    }
    return v;
  }

  static Verdict gradeAccuracy(StudentCode code) {
    Random random = new Random(5);
    int batch = 10;
    float[] prediction = new float[batch * NOTES];
    float[] labels = new float[batch * NOTES];
    int[] predicted = new int[batch];
    for (int n = 0; n < batch; n++) {
      double[] row = PlainLstm.softmax(Numbers.toDoubles(Feeds.normal(random, NOTES)));
      int best = 0;
      for (int k = 0; k < NOTES; k++) {
        prediction[n * NOTES + k] = (float) row[k];
        best = row[k] > row[best] ? k : best;
      }
      predicted[n] = best;
      // Rows 0..3 are right, the others name another note.
      int truth = n < 4 ? best : (best + 1 + random.nextInt(NOTES - 1)) % NOTES;
      labels[n * NOTES + truth] = 1f;
    }
    OneValue accuracy = runOnRows(code, "accuracy", prediction, labels, batch, "accuracy", "one number");
    if (accuracy.failure() != null) {
      return accuracy.failure();
    }
    float got = accuracy.value();
    String evidence = "With 4 of 10 rows right your accuracy is " + got + ", expected 0.4.";
    if (Math.abs(got - 0.4) < 1e-6) {
      return Verdict.pass("4 right of 10 gives 0.4");
    }
    if (Math.abs(got - 4) < 1e-6) {
      return ACCURACY_SUM.verdict(evidence);
    }
    if (Math.abs(got - axisZeroAccuracy(prediction, labels, batch)) < 1e-6) {
      return ARGMAX_AXIS.verdict(evidence);
    }
    return Verdict.fail(evidence);
  }

  /** The accuracy of the argmax-over-axis-0 mistake: per note column, which row is largest. */
  private static double axisZeroAccuracy(float[] prediction, float[] labels, int batch) {
    int same = 0;
    for (int k = 0; k < NOTES; k++) {
      int bestP = 0;
      int bestY = 0;
      for (int n = 0; n < batch; n++) {
        bestP = prediction[n * NOTES + k] > prediction[bestP * NOTES + k] ? n : bestP;
        bestY = labels[n * NOTES + k] > labels[bestY * NOTES + k] ? n : bestY;
      }
      same += bestP == bestY ? 1 : 0;
    }
    return (double) same / NOTES;
  }

  // ---- sampling and generation ----

  /** A distribution with a few likely notes, many unlikely ones and some impossible ones. */
  static double[] testDistribution(Random random) {
    double[] p = new double[NOTES];
    double sum = 0;
    for (int k = 0; k < NOTES; k++) {
      p[k] = k % 7 == 3 || k == 40 ? 0 : Math.pow(random.nextDouble(), 3);
      sum += p[k];
    }
    p[40] = sum * 0.5; // the argmax, a third of the mass
    sum += p[40];
    for (int k = 0; k < NOTES; k++) {
      p[k] /= sum;
    }
    return p;
  }

  static Verdict gradeSampler(StudentCode code) {
    double[] p = testDistribution(new Random(41));
    float[] probabilities = new float[NOTES];
    for (int k = 0; k < NOTES; k++) {
      probabilities[k] = (float) p[k];
    }
    int draws = 20_000;
    int[] first = draw(code, probabilities, new Random(2018), draws);
    for (int note : first) {
      if (note < 0 || note >= NOTES) {
        return Verdict.fail("drew note " + note + ", outside 0.." + (NOTES - 1));
      }
    }
    if (!Arrays.equals(first, draw(code, probabilities, new Random(2018), draws))) {
      return OWN_RANDOM.verdict("(two runs with the seed 2018 differ)");
    }
    long[] counts = new long[NOTES];
    for (int note : first) {
      counts[note]++;
    }
    ChiSquare.Test test = ChiSquare.test(counts, p);
    if (test.fits()) {
      return Verdict.pass("20,000 seeded draws fit the probabilities: " + test);
    }
    String evidence = "Note 40 (p = " + Numbers.format(p[40]) + ") came " + counts[40] + " times of " + draws
        + ", expected about " + Math.round(p[40] * draws) + "; " + test + ".";
    if (counts[first[0]] == draws) {
      if (first[0] == 40 && followsArgmax(code)) {
        return SAMPLER_ARGMAX.verdict(evidence);
      }
      return FRESH_RANDOM.verdict("All " + draws + " draws were note " + first[0] + " (p = "
          + Numbers.format(p[first[0]]) + ").");
    }
    double[] uniform = new double[NOTES];
    Arrays.fill(uniform, 1.0 / NOTES);
    if (ChiSquare.test(counts, uniform).fits()) {
      return SAMPLER_UNIFORM.verdict(evidence);
    }
    return Verdict.fail("the draws do not follow the probabilities: " + evidence);
  }

  /**
   * Whether the sampler always returns the most likely note, also on a flat distribution whose most likely note
   * holds only 2% of the mass (so a fixed random number almost never lands on it).
   */
  private static boolean followsArgmax(StudentCode code) {
    float[] flat = new float[NOTES];
    Arrays.fill(flat, 0.98f / (NOTES - 1));
    flat[70] = 0.02f;
    int[] notes = draw(code, flat, new Random(5), 20);
    return Arrays.stream(notes).allMatch(n -> n == 70);
  }

  private static int[] draw(StudentCode code, float[] probabilities, Random random, int draws) {
    int[] notes = new int[draws];
    for (int i = 0; i < draws; i++) {
      notes[i] = code.<Integer>call("sampleNextNote", probabilities.clone(), random);
    }
    return notes;
  }

  static Verdict gradeGenerate(StudentCode code) {
    Random random = new Random(64);
    double[] p = testDistribution(new Random(7));
    RecordingModel model = new RecordingModel(TIMESTEPS, NOTES, p);
    float[][] seed = new float[TIMESTEPS][];
    for (int t = 0; t < TIMESTEPS; t++) {
      seed[t] = oneHotRows(random, 1);
    }
    int steps = 3000;
    float[][] generated = code.call("generateSong", model, seed, steps, new Random(1));
    if (generated == null || generated.length != steps) {
      return Verdict.fail("generateSong returned " + (generated == null ? "null" : generated.length + " rows")
          + " for " + steps + " steps: return only the new rows, one per step");
    }
    List<float[]> song = new ArrayList<>(Arrays.asList(seed));
    long[] counts = new long[NOTES];
    for (int i = 0; i < steps; i++) {
      int note = RecordingModel.noteOf(generated[i]);
      if (note < 0) {
        return Verdict.fail("generated row " + i + " is not one-hot (exactly one 1 among " + NOTES + " zeros)");
      }
      counts[note]++;
      song.add(generated[i]);
    }
    if (model.predictionCalls() == 0 && model.logitsCalls() > 0) {
      return SAMPLED_LOGITS.verdict("(" + model.logitsCalls() + " calls to logits, none to prediction)");
    }
    if (model.windows().size() != steps) {
      return Verdict.fail("the model was asked " + model.windows().size() + " times for " + steps
          + " steps: predict once per generated note");
    }
    for (int i = 0; i < steps; i++) {
      int[] fed = model.windows().get(i);
      int[] expected = RecordingModel.notesOf(song.subList(i, i + TIMESTEPS));
      if (!Arrays.equals(fed, expected)) {
        if (i > 0 && Arrays.equals(fed, RecordingModel.notesOf(Arrays.asList(seed)))) {
          return WINDOW_NOT_SLIDING.verdict("(step " + i + " fed the seed)");
        }
        return Verdict.fail("step " + i + " fed a window that is not the last " + TIMESTEPS
            + " rows of the song so far (seed plus the notes generated before it)");
      }
    }
    ChiSquare.Test test = ChiSquare.test(counts, p);
    if (test.fits()) {
      return Verdict.pass("3000 steps: windows slide over the song, notes follow the prediction (" + test + ")");
    }
    String evidence = "Note 40 (p = " + Numbers.format(p[40]) + ") came " + counts[40] + " times of " + steps + "; "
        + test + ".";
    if (counts[40] == steps) {
      return LOOP_ARGMAX.verdict(evidence);
    }
    return Verdict.fail("the generated notes do not follow the model's prediction: " + evidence);
  }

  private static float[] oneHotRows(Random random, int rows) {
    float[] out = new float[rows * NOTES];
    for (int n = 0; n < rows; n++) {
      out[n * NOTES + random.nextInt(NOTES)] = 1f;
    }
    return out;
  }

  private static float[][] matrix(Random random, int rows, int cols, double range) {
    float[][] m = new float[rows][];
    for (int r = 0; r < rows; r++) {
      m[r] = Feeds.uniform(random, cols, -range, range);
    }
    return m;
  }

  private static float[] flat(float[][] m) {
    float[] out = new float[m.length * m[0].length];
    for (int r = 0; r < m.length; r++) {
      System.arraycopy(m[r], 0, out, r * m[0].length, m[0].length);
    }
    return out;
  }

  private static float[] flat(float[][][] m) {
    int inner = m[0].length * m[0][0].length;
    float[] out = new float[m.length * inner];
    for (int n = 0; n < m.length; n++) {
      System.arraycopy(flat(m[n]), 0, out, n * inner, inner);
    }
    return out;
  }

  private static double[] flat(double[][] m) {
    double[] out = new double[m.length * m[0].length];
    for (int r = 0; r < m.length; r++) {
      System.arraycopy(m[r], 0, out, r * m[0].length, m[0].length);
    }
    return out;
  }
}
