package org.introdl.exercises.lab1;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.introdl.exercises.api.Derivatives;
import org.introdl.exercises.api.EGraph;
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

/** Lab 1 Part 1's tasks and their graders, each checked against closed forms computed here in double. */
public final class Lab1Exercises {
  static final Mistake CONSTANTS = new Mistake("constants",
      "a and b must be placeholders (tf.placeholder), values fed when the session runs:");
  static final Mistake B_PLUS_ONE = new Mistake("b-plus-one", "d must be b - 1, not b + 1:");
  static final Mistake NO_SIGMOID = new Mistake("no-sigmoid",
      "out is z = x W + b without the activation: apply tf.math.sigmoid(z).");
  static final Mistake ZERO_WEIGHTS = new Mistake("zero-weights",
      "every output is 0.5, so W is zero: the notebook initialises W to ones (tf.ones) and b to zeros.");
  static final Mistake NO_SEED = new Mistake("no-seed",
      "the second derivative needs an explicit gradient seed in TF Java:");
  static final Mistake D2F_OF_F = new Mistake("d2f-of-f",
      "d2f equals df: the second derivative is the gradient of df, not of f.");
  static final Mistake INCLUDES_START = new Mistake("includes-start",
      "the list starts with the start value itself: the notebook printed a only after each step.");
  static final Mistake STOPS_EARLY = new Mistake("stops-early",
      "the sequence stops before it reaches 1: the notebook printed the final 1 too.");

  private Lab1Exercises() {}

  public static Lab lab() {
    return new Lab("lab1", "TensorFlow basics (Lab 1 Part 1)", "Lab1Basics", List.of(
        new Task("placeholders", "e = (a + b) * (b - 1) with placeholders a and b",
            List.of("A placeholder is tf.placeholder(TFloat32.class); name it with tf.withName(\"a\").",
                "c = tf.math.add(a, b), d = tf.math.sub(b, tf.constant(1f)), e = tf.math.mul(c, d).",
                "return new EGraph(a, b, e); the grader feeds a and b itself."),
            Lab1Exercises::gradePlaceholders, List.of(CONSTANTS, B_PLUS_ONE)),
        new Task("perceptron", "out = sigmoid(x W + b) with W = ones(2, 1), b = zeros(1)",
            List.of("Variables hold state: tf.variable(initialValue) makes one; a new Session initialises it.",
                "W = tf.variable(tf.ones(tf.constant(new long[] {2, 1}), TFloat32.class)); b likewise with tf.zeros "
                    + "and shape {1}.",
                "z = tf.math.add(tf.linalg.matMul(x, W), b); return tf.math.sigmoid(z)."),
            Lab1Exercises::gradePerceptron, List.of(NO_SIGMOID, ZERO_WEIGHTS)),
        new Task("derivatives", "f(x) = x^2 + 3, its derivative df and second derivative d2f with tf.gradients",
            List.of("f is tf.math.add(tf.math.mul(x, x), tf.constant(3f)).",
                "tf.gradients(f, List.of(x), ...).dy(0) is df/dx; differentiate df the same way for d2f.",
                "TF Java's default seed (OnesLike) has no gradient itself: pass Gradients.dx(List.of(tf.constant(1f))) "
                    + "to both tf.gradients calls."),
            Lab1Exercises::gradeDerivatives, List.of(NO_SEED, D2F_OF_F)),
        new Task("collatz", "the Collatz loop with eager tensors: halve even a, 3a + 1 for odd a, until 1",
            List.of("In an EagerSession every op runs at once; a.asTensor().getInt() reads its value.",
                "Test evenness with tf.math.equal(tf.math.floorMod(a, two), zero).asTensor().getBoolean().",
                "Loop while a is not 1; after each step add a's value to the list (not the start, yes the final 1)."),
            Lab1Exercises::gradeCollatz, List.of(INCLUDES_START, STOPS_EARLY))));
  }

  static Verdict gradePlaceholders(StudentCode code) {
    Random random = new Random(12);
    float[][] pairs = new float[21][];
    pairs[0] = new float[] {2f, 4f};
    for (int i = 1; i < pairs.length; i++) {
      pairs[i] = Feeds.uniform(random, 2, -5, 5);
    }
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      EGraph g = code.call("placeholders", tf);
      if (g == null || g.a() == null || g.b() == null || g.e() == null) {
        return Verdict.fail("placeholders returned null (or an EGraph with a null part): return new EGraph(a, b, e)");
      }
      for (Operand<TFloat32> input : List.of(g.a(), g.b())) {
        String type = input.op().type();
        if (!type.equals("Placeholder")) {
          return CONSTANTS.verdict("yours is a " + type + " op, so its value is fixed when the graph is built.");
        }
      }
      for (float[] pair : pairs) {
        float a = pair[0];
        float b = pair[1];
        float e = run(session, g.e(), g.a(), a, g.b(), b);
        double expected = ((double) a + b) * ((double) b - 1);
        if (Math.abs(e - expected) > Numbers.TOLERANCE * (1 + Math.abs(expected))) {
          String evidence = "a = " + a + ", b = " + b + " gave e = " + e + ", expected (a + b)(b - 1) = "
              + Numbers.format(expected) + ".";
          double plusOne = ((double) a + b) * ((double) b + 1);
          return Math.abs(e - plusOne) <= 1e-3 * (1 + Math.abs(plusOne)) ? B_PLUS_ONE.verdict(evidence)
              : Verdict.fail(evidence);
        }
      }
    }
    return Verdict.pass("e = (a + b)(b - 1) on 21 fed pairs, [18.0] for a = 2, b = 4 as the notebook");
  }

  private static float run(Session session, Operand<TFloat32> e, Operand<TFloat32> a, float av, Operand<TFloat32> b,
      float bv) {
    try (TFloat32 fa = TFloat32.scalarOf(av); TFloat32 fb = TFloat32.scalarOf(bv);
        Result r = session.runner().feed(a, fa).feed(b, fb).fetch(e).run()) {
      float[] values = Numbers.values(r.get(0));
      if (values.length != 1) {
        throw new StudentException("e has " + values.length + " values for scalar a and b, expected 1");
      }
      return values[0];
    }
  }

  static Verdict gradePerceptron(StudentCode code) {
    Random random = new Random(13);
    int rows = 31;
    float[] x = Feeds.uniform(random, rows * 2, -3, 3);
    x[0] = 0.25f;
    x[1] = 0.15f;
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> input = tf.withName("x").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, 2)));
      Operand<TFloat32> out = code.call("perceptron", tf, input);
      if (out == null) {
        return Verdict.fail("perceptron returned null: return out = sigmoid(z)");
      }
      float[] got;
      try (TFloat32 feed = Feeds.of(x, rows, 2); Result r = session.runner().feed(input, feed).fetch(out).run()) {
        got = Numbers.values(r.get(0));
      }
      if (got.length != rows) {
        return Verdict.fail("out has " + got.length + " values for " + rows + " input rows, expected " + rows
            + " (shape [N, 1])");
      }
      double[] expected = new double[rows];
      double[] linear = new double[rows];
      double[] half = new double[rows];
      for (int i = 0; i < rows; i++) {
        linear[i] = (double) x[2 * i] + x[2 * i + 1];
        expected[i] = 1 / (1 + Math.exp(-linear[i]));
        half[i] = 0.5;
      }
      int bad = Numbers.firstMismatch(got, expected, Numbers.TOLERANCE);
      if (bad < 0) {
        return Verdict.pass("sigmoid(x W + b) on " + rows + " rows; [0.25, 0.15] -> " + got[0]
            + " (the notebook printed [0.59868765])");
      }
      String evidence = "x = [" + x[2 * bad] + ", " + x[2 * bad + 1] + "] gave " + got[bad] + ", expected "
          + Numbers.format(expected[bad]) + ".";
      if (Numbers.resembles(got, linear)) {
        return NO_SIGMOID.verdict(evidence);
      }
      if (Numbers.resembles(got, half)) {
        return ZERO_WEIGHTS.verdict(evidence);
      }
      return Verdict.fail(evidence);
    }
  }

  static Verdict gradeDerivatives(StudentCode code) {
    float[] points = {4f, -3f, -0.5f, 0f, 1.5f, 10f};
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class);
      Derivatives d;
      try {
        d = code.call("derivatives", tf, x);
      } catch (StudentException e) {
        if (e.getMessage().contains("OnesLike")) {
          return NO_SEED.verdict("tf.gradients(df, ...) failed with \"No gradient defined for op: OnesLike\"; pass "
              + "Gradients.dx(List.of(tf.constant(1f))).");
        }
        throw e;
      }
      if (d == null || d.f() == null || d.df() == null || d.d2f() == null) {
        return Verdict.fail("derivatives returned null (or a null part): return new Derivatives(f, df, d2f)");
      }
      for (float p : points) {
        float[] got = new float[3];
        try (TFloat32 feed = TFloat32.scalarOf(p);
            Result r = session.runner().feed(x, feed).fetch(d.f()).fetch(d.df()).fetch(d.d2f()).run()) {
          for (int i = 0; i < 3; i++) {
            got[i] = Numbers.values(r.get(i))[0];
          }
        }
        double[] expected = {(double) p * p + 3, 2.0 * p, 2.0};
        String[] names = {"f", "df", "d2f"};
        int bad = Numbers.firstMismatch(got, expected, Numbers.TOLERANCE);
        if (bad >= 0) {
          String evidence = "at x = " + p + ": " + names[bad] + " = " + got[bad] + ", expected "
              + Numbers.format(expected[bad]) + ".";
          if (bad == 2 && Math.abs(got[2] - got[1]) < 1e-4 && p != 1f) {
            return D2F_OF_F.verdict(evidence);
          }
          return Verdict.fail(evidence);
        }
      }
    }
    return Verdict.pass("f, df, d2f at 6 points; f(4) = 19.00, df(4) = 8.00, d2f(4) = 2.00 as the notebook");
  }

  static Verdict gradeCollatz(StudentCode code) {
    List<Integer> starts = new ArrayList<>(List.of(12));
    for (int s = 1; s <= 40; s++) {
      starts.add(s);
    }
    for (int start : starts) {
      List<Integer> got = code.call("collatz", start);
      List<Integer> expected = collatz(start);
      if (!expected.equals(got)) {
        String evidence = "from " + start + " you gave " + got + ", expected " + expected + ".";
        if (got != null && !got.isEmpty() && got.get(0) == start && got.subList(1, got.size()).equals(expected)) {
          return INCLUDES_START.verdict(evidence);
        }
        if (got != null && !expected.isEmpty() && got.equals(expected.subList(0, expected.size() - 1))) {
          return STOPS_EARLY.verdict(evidence);
        }
        return Verdict.fail(evidence);
      }
    }
    return Verdict.pass("the sequences from 1 to 40 and 12 -> 6, 3, 10, 5, 16, 8, 4, 2, 1 as the notebook");
  }

  /** The reference: plain Java longs. */
  static List<Integer> collatz(int start) {
    List<Integer> out = new ArrayList<>();
    long a = start;
    while (a != 1) {
      a = a % 2 == 0 ? a / 2 : 3 * a + 1;
      out.add((int) a);
    }
    return out;
  }
}
