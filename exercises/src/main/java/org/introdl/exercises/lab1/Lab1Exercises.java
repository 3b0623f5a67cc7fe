package org.introdl.exercises.lab1;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.introdl.exercises.api.Derivatives;
import org.introdl.exercises.api.PlaceholderGraph;
import org.introdl.exercises.grading.EagerRecorder;
import org.introdl.exercises.grading.Feeds;
import org.introdl.exercises.grading.GraphInspection;
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
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/** Lab 1 Part 1's tasks and their graders, each checked against closed forms computed here in double. */
public final class Lab1Exercises {
  static final Mistake CONSTANTS = new Mistake("constants",
      "a and b must be placeholders (tf.placeholder), values fed when the session runs:");
  static final Mistake B_PLUS_ONE = new Mistake("b-plus-one", "d must be b - 1, not b + 1:");
  static final Mistake SWAPPED = new Mistake("swapped",
      "a and b are swapped: e came out as (a + b)(a - 1), so the placeholder fed as a is used as b (check the order "
          + "in new PlaceholderGraph(a, b, e) and that d is b - 1):");
  static final Mistake NO_VARIABLES = new Mistake("no-variables",
      "the perceptron has no trainable variables: W and b must be tf.variable(...), the state that training would "
          + "change, not constants or a formula that happens to give the same numbers for W = ones.");
  static final Mistake NO_MATMUL = new Mistake("no-matmul",
      "z = x W + b is a matrix product: compute it with tf.linalg.matMul(x, W), which also works for any number of "
          + "inputs and outputs.");
  static final Mistake NO_SIGMOID = new Mistake("no-sigmoid",
      "out is z = x W + b without the activation: apply tf.math.sigmoid(z).");
  static final Mistake ZERO_WEIGHTS = new Mistake("zero-weights",
      "every output is 0.5, so W is zero: the notebook initialises W to ones (tf.ones) and b to zeros.");
  static final Mistake NO_SEED = new Mistake("no-seed",
      "the second derivative needs an explicit gradient seed in TF Java:");
  static final Mistake DF_BY_HAND = new Mistake("df-by-hand",
      "df was written by hand (its graph has no gradient ops): the lesson is automatic differentiation, so let "
          + "tf.gradients(f, ...) compute it; it then follows any f you write.");
  static final Mistake D2F_BY_HAND = new Mistake("d2f-by-hand",
      "d2f was written by hand (its graph has no gradient ops): differentiate df with tf.gradients(df, ...).");
  static final Mistake D2F_OF_F = new Mistake("d2f-of-f",
      "d2f equals df: the second derivative is the gradient of df, not of f.");
  static final Mistake PLAIN_JAVA = new Mistake("plain-java",
      "the loop ran no int32 TensorFlow ops on the eager tf it was given: the lesson is eager execution, so do the "
          + "arithmetic and the tests with tf ops (tf.constant, tf.math.floorMod, ...) and read values with "
          + "asTensor().getInt().");
  static final Mistake INCLUDES_START = new Mistake("includes-start",
      "the list starts with the start value itself: the notebook printed a only after each step.");
  static final Mistake STOPS_EARLY = new Mistake("stops-early",
      "the sequence stops before it reaches 1: the notebook printed the final 1 too.");

  private Lab1Exercises() {}

  public static Lab lab() {
    return new Lab("lab1", "TensorFlow basics (Lab 1 Part 1)", "Lab1Basics", List.of(
        new Task("placeholders", "e = (a + b) * (b - 1) with placeholders a and b",
            List.of("A placeholder is a node without a value: the session is given its value when it runs, so one "
                    + "graph computes e for any a and b.",
                "Look up Ops.placeholder(Class) and the ops tf.math.add, tf.math.sub, tf.math.mul; a number enters "
                    + "the graph as tf.constant(1f).",
                "a, b = two float placeholders; c = add(a, b); d = sub(b, <a constant 1>); e = mul(c, d); return the "
                    + "three as a PlaceholderGraph."),
            Lab1Exercises::gradePlaceholders, List.of(CONSTANTS, B_PLUS_ONE, SWAPPED)),
        new Task("perceptron", "out = sigmoid(x W + b) with W = ones(2, 1), b = zeros(1)",
            List.of("A perceptron's parameters are variables: graph nodes that hold state between runs, which "
                    + "training later changes. The layer is a matrix product followed by the activation.",
                "Look up Ops.variable(Operand init), tf.ones / tf.zeros (a shape and a type), tf.linalg.matMul and "
                    + "tf.math.sigmoid.",
                "W = variable(ones of shape {N_INPUT_NODES, N_OUTPUT_NODES}); b = variable(zeros of shape "
                    + "{N_OUTPUT_NODES}); z = matMul(x, W) + b; out = sigmoid(z)."),
            Lab1Exercises::gradePerceptron, List.of(NO_VARIABLES, NO_MATMUL, NO_SIGMOID, ZERO_WEIGHTS)),
        new Task("derivatives", "f(x) = x^2 + 3, its derivative df and second derivative d2f with tf.gradients",
            List.of("Automatic differentiation: TensorFlow builds the derivative's graph from f's graph, so you write "
                    + "f only; df and d2f are asked of tf.gradients.",
                "Look up Ops.gradients(Operand y, Iterable x, Gradients.Options...) and Gradients.dy(int); the "
                    + "option Gradients.dx(List) gives the seed.",
                "df = the first dy of gradients(f, [x]); d2f = the same for df, and that second call needs the seed "
                    + "dx([constant 1]) because TF Java's default seed (OnesLike) has no gradient itself."),
            Lab1Exercises::gradeDerivatives, List.of(NO_SEED, DF_BY_HAND, D2F_BY_HAND, D2F_OF_F)),
        new Task("collatz", "the Collatz loop with eager tensors: halve even a, 3a + 1 for odd a, until 1",
            List.of("In eager mode every op runs the moment it is made, so Java's own while and if can test a "
                    + "tensor's value between ops: that is the dynamic control flow of the notebook.",
                "tf here is eager: tf.constant(int) makes an int32 tensor; look up tf.math.floorMod, floorDiv, mul, "
                    + "add, equal, and Operand.asTensor() with getInt() / getBoolean().",
                "a = constant(start); while a's value is not 1: if floorMod(a, 2) equals 0 then a = floorDiv(a, 2) "
                    + "else a = 3a + 1; add a's value to the list."),
            Lab1Exercises::gradeCollatz, List.of(PLAIN_JAVA, INCLUDES_START, STOPS_EARLY))));
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
      PlaceholderGraph g = code.call("placeholders", tf);
      if (g == null || g.a() == null || g.b() == null || g.e() == null) {
        return Verdict.fail("placeholders returned null (or a PlaceholderGraph with a null part): return new PlaceholderGraph(a, b, e)");
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
          double swapped = ((double) a + b) * ((double) a - 1);
          if (near(e, plusOne)) {
            return B_PLUS_ONE.verdict(evidence);
          }
          return near(e, swapped) ? SWAPPED.verdict(evidence) : Verdict.fail(evidence);
        }
      }
    }
    return Verdict.pass("e = (a + b)(b - 1) on 21 fed pairs, [18.0] for a = 2, b = 4 as the notebook");
  }

  private static boolean near(float got, double variant) {
    return Math.abs(got - variant) <= 1e-3 * (1 + Math.abs(variant));
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
      long variables = GraphInspection.count(out, "VariableV2", "Variable", "VarHandleOp");
      if (variables < 2) {
        return NO_VARIABLES.verdict("(out depends on " + variables + " variables, expected 2: W and b)");
      }
      if (GraphInspection.count(out, "MatMul", "BatchMatMulV2") == 0) {
        return NO_MATMUL.verdict("(out's graph has no MatMul)");
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
      if (!GraphInspection.usesGradients(d.df())) {
        return DF_BY_HAND.verdict("(df is made of " + opTypes(d.df()) + ")");
      }
      if (!GraphInspection.usesGradients(d.d2f())) {
        return D2F_BY_HAND.verdict("(d2f is made of " + opTypes(d.d2f()) + ")");
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

  /** The op types an output is computed from, in a short sorted list. */
  private static String opTypes(Operand<?> output) {
    return GraphInspection.ancestors(output).stream().map(op -> op.type()).distinct().sorted().toList().toString();
  }

  static Verdict gradeCollatz(StudentCode code) {
    List<Integer> starts = new ArrayList<>(List.of(12));
    for (int s = 1; s <= 40; s++) {
      starts.add(s);
    }
    for (int start : starts) {
      List<Integer> got;
      long int32Ops;
      try (EagerRecorder eager = new EagerRecorder()) {
        got = code.call("collatz", eager.tf(), start);
        int32Ops = eager.count(DataType.DT_INT32);
      }
      List<Integer> expected = collatz(start);
      if (int32Ops < expected.size()) {
        return PLAIN_JAVA.verdict("(from " + start + ": " + expected.size() + " steps, " + int32Ops
            + " int32 ops ran)");
      }
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
