package org.introdl.music.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.introdl.core.optim.Tf1Adam;
import org.introdl.core.testing.SharedFixtures;
import org.introdl.music.data.SongBatches;
import org.introdl.music.data.SongDataset;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TFloat32;

/**
 * What the music graph tests share: runs of any model graph that must agree with the notebook's ({@link MusicLstm}),
 * the Python-made frozen {@code BasicLSTMCell} graph they all must reproduce, and the comparisons.
 */
public final class GraphParity {
  public static final double TOLERANCE = 1e-5;

  private GraphParity() {}

  /** What the variants must agree on: the first batch's prediction and last (c, h), losses and variables after Adam. */
  public record Run(float[] prediction, float[] lastState, float[] losses, List<float[]> variables) {}

  /** {@code count} batches of {@code batch} windows of {@code steps} rows from the built-in songs. */
  public static List<SongBatches.Batch> batches(int batch, int steps, long seed, int count) {
    SongBatches sampler = SongDataset.builtin(128).batches(batch, steps, seed);
    List<SongBatches.Batch> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(sampler.next());
    }
    return out;
  }

  /** The notebook's graph trained as {@link #train} does; its last (c, h) read from the graph that computes h. */
  public static Run notebook(MusicLstm.Config config, List<SongBatches.Batch> batches) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      MusicLstm model = MusicLstm.build(tf, config);
      // logits = h @ weights + biases, h = tanh(c) * sigmoid(o): walk back from the logits to h and c.
      Output<?> matMul = input(model.logits, 0, "MatMul");
      Output<TFloat32> h = cast(input(matMul, 0, "Mul"));
      Output<TFloat32> c = cast(input(input(h, 0, "Tanh"), 0, "AddV2", "Add"));
      return train(g, tf, model, ConfigProto.getDefaultInstance(), batches, c, h);
    }
  }

  /** Input {@code k} of the op that computes {@code output}, which must be one of {@code types}. */
  private static Output<?> input(Operand<?> output, int k, String... types) {
    GraphOperation op = (GraphOperation) output.op();
    Output<?> in = op.input(k);
    assertTrue(Arrays.asList(types).contains(in.op().type()), "the notebook graph's " + op.name() + " reads a "
        + in.op().type() + ", expected " + Arrays.toString(types));
    return in;
  }

  @SuppressWarnings("unchecked")
  private static Output<TFloat32> cast(Output<?> output) {
    return (Output<TFloat32>) output;
  }

  /** Forward on the first batch, then one Adam step per batch; the last state where the graph has one. */
  public static Run train(Graph g, Ops tf, LstmGraph model, ConfigProto config, List<SongBatches.Batch> batches,
      Operand<TFloat32> lastC, Operand<TFloat32> lastH) {
    Tf1Adam.Update update = new Tf1Adam(0.01f).applyGradients(tf, model.gradients(tf), model.trainables());
    try (Session s = new Session(g, config)) {
      float[] prediction;
      float[] lastState;
      try (ModelFeed feed = ModelFeed.of(model, batches.get(0));
          Result r = feed.into(s.runner()).fetch(model.prediction()).fetch(lastC).fetch(lastH).run()) {
        prediction = floats((TFloat32) r.get(0));
        float[] c = floats((TFloat32) r.get(1));
        float[] h = floats((TFloat32) r.get(2));
        lastState = Arrays.copyOf(c, c.length + h.length);
        System.arraycopy(h, 0, lastState, c.length, h.length);
      }
      float[] losses = new float[batches.size()];
      for (int i = 0; i < batches.size(); i++) {
        try (ModelFeed feed = ModelFeed.of(model, batches.get(i));
            Result r = feed.into(s.runner()).fetch(model.loss()).addTarget(update.train()).run()) {
          losses[i] = ((TFloat32) r.get(0)).getFloat();
        }
      }
      List<float[]> vars = new ArrayList<>();
      for (Tf1Adam.Trainable v : model.trainables()) {
        try (Result r = s.runner().fetch(v.variable()).run()) {
          vars.add(floats((TFloat32) r.get(0)));
        }
      }
      return new Run(prediction, lastState, losses, vars);
    }
  }

  /** Asserts {@code run} agrees with {@code reference} in everything a {@link Run} holds. */
  public static void assertSameRun(Run reference, Run run, String what) {
    assertClose(reference.prediction(), run.prediction(), TOLERANCE, what + " prediction");
    assertClose(reference.lastState(), run.lastState(), TOLERANCE, what + " last (c, h)");
    for (int k = 0; k < reference.losses().length; k++) {
      assertEquals(reference.losses()[k], run.losses()[k], TOLERANCE, what + " loss at step " + k);
    }
    for (int v = 0; v < reference.variables().size(); v++) {
      assertClose(reference.variables().get(v), run.variables().get(v), TOLERANCE, what + " variable " + v);
    }
  }

  /** The values of {@code model.gradients} on one batch, from the seeded initial weights. */
  public static List<float[]> gradients(Graph g, Ops tf, LstmGraph model, ConfigProto config,
      SongBatches.Batch batch) {
    List<Operand<TFloat32>> grads = model.gradients(tf);
    try (Session s = new Session(g, config); ModelFeed feed = ModelFeed.of(model, batch)) {
      Session.Runner runner = feed.into(s.runner());
      grads.forEach(runner::fetch);
      try (Result r = runner.run()) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < grads.size(); i++) {
          out.add(floats((TFloat32) r.get(i)));
        }
        return out;
      }
    }
  }

  /** Autodiff of the notebook's graph on one batch. */
  public static List<float[]> notebookGradients(MusicLstm.Config config, SongBatches.Batch batch) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      return gradients(g, tf, MusicLstm.build(tf, config), ConfigProto.getDefaultInstance(), batch);
    }
  }

  /**
   * The Python-made frozen {@code BasicLSTMCell} graph (28 rows of 28 inputs, 128 units, 10 outputs): its variables
   * (kernel, bias, dense weights, dense biases) and its logits for the inputs {@link #FROZEN_INPUTS}.
   */
  public record Frozen(float[][] weights, float[][] logits) {}

  /** The README's logits of the frozen graph for the ramp input 1..784 and for zeros. */
  private static final float[] RAMP_LOGITS = {2.8886368f, -0.26002476f, -2.258127f, 6.429122f, -0.64027953f,
      -3.3643663f, -7.451693f, 8.490967f, -6.879125f, 4.2324576f};
  private static final float[] ZERO_LOGITS = {2.1319842f, 0.39741081f, 2.5303667f, -3.6100883f, -3.5999622f,
      7.1842332f, -2.3966916f, -2.2982705f, -3.8367765f, -2.7516975f};

  /** The ramp 1..784, the ramp over 784, and zeros. */
  public static final float[][] FROZEN_INPUTS = frozenInputs();

  private static float[][] frozenInputs() {
    float[] ramp = new float[784];
    float[] scaled = new float[784];
    for (int i = 0; i < ramp.length; i++) {
      ramp[i] = i + 1;
      scaled[i] = ramp[i] / 784f;
    }
    return new float[][] {ramp, scaled, new float[784]};
  }

  /** Loads the frozen graph, reads its variables and runs it; checks its logits against the README's. */
  public static Frozen frozen() throws Exception {
    Path pb = SharedFixtures.require("python-tf1-graphs/basic_lstm_mnist_frozen.pb");
    float[][] weights = new float[4][];
    float[][] logits = new float[FROZEN_INPUTS.length][];
    try (Graph frozen = new Graph()) {
      frozen.importGraphDef(GraphDef.parseFrom(Files.readAllBytes(pb)));
      try (Session s = new Session(frozen)) {
        String[] names = {"rnn/basic_lstm_cell/kernel", "rnn/basic_lstm_cell/bias", "model/w1", "model/b1"};
        for (int k = 0; k < 4; k++) {
          try (Result r = s.runner().fetch(names[k]).run()) {
            weights[k] = floats((TFloat32) r.get(0));
          }
        }
        for (int k = 0; k < FROZEN_INPUTS.length; k++) {
          try (TFloat32 x = TFloat32.tensorOf(Shape.of(1, 784), DataBuffers.of(FROZEN_INPUTS[k]));
              TFloat32 keep = TFloat32.scalarOf(1f);
              Result r = s.runner().feed("X", x).feed("keep_prob", keep).fetch("output").run()) {
            logits[k] = floats((TFloat32) r.get(0));
          }
        }
      }
    }
    assertClose(RAMP_LOGITS, logits[0], TOLERANCE, "frozen graph vs README");
    assertClose(ZERO_LOGITS, logits[2], TOLERANCE, "frozen graph vs README");
    return new Frozen(weights, logits);
  }

  /**
   * Loads the frozen graph's variables into a model of its shape (one-hot float input [1, 28, 28]) and asserts the
   * model's logits equal the frozen graph's for every input.
   */
  public static void assertReproducesFrozen(Frozen frozen, Graph g, Ops tf, LstmGraph model,
      Operand<TFloat32> logits, String what) {
    List<Tf1Adam.Trainable> vars = model.trainables();
    try (Session s = new Session(g)) {
      load(tf, s, vars.get(2).variable(), frozen.weights()[0], 156, 512);
      load(tf, s, vars.get(3).variable(), frozen.weights()[1], 512);
      load(tf, s, vars.get(0).variable(), frozen.weights()[2], 128, 10);
      load(tf, s, vars.get(1).variable(), frozen.weights()[3], 10);
      for (int k = 0; k < FROZEN_INPUTS.length; k++) {
        try (ModelFeed feed = ModelFeed.floats(model, FROZEN_INPUTS[k], 1, null);
            Result r = feed.into(s.runner()).fetch(logits).run()) {
          assertClose(frozen.logits()[k], floats((TFloat32) r.get(0)), TOLERANCE, what + " input " + k);
        }
      }
    }
  }

  static void load(Ops tf, Session s, Operand<TFloat32> variable, float[] values, long... shape) {
    try (TFloat32 t = TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(values))) {
      var ph = tf.placeholder(TFloat32.class);
      var assign = tf.assign(variable, ph);
      s.runner().feed(ph, t).addTarget(assign).run();
    }
  }

  public static float[] floats(TFloat32 t) {
    float[] out = new float[(int) t.size()];
    t.asRawTensor().data().asFloats().read(out);
    return out;
  }

  public static double maxAbs(float[] values) {
    double m = 0;
    for (float v : values) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  public static void assertClose(float[] expected, float[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
    }
    assertTrue(worst <= tol, what + ": largest difference " + worst + " > " + tol);
  }
}
