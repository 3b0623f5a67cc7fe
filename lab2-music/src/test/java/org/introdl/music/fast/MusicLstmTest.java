package org.introdl.music.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.introdl.core.optim.Tf1Adam;
import org.introdl.core.testing.SharedFixtures;
import org.introdl.music.data.SongBatches;
import org.introdl.music.data.SongDataset;
import org.introdl.music.model.LstmGraph;
import org.introdl.music.model.ModelFeed;
import org.introdl.music.model.MusicLstm;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TFloat32;

public class MusicLstmTest {
  private static final double TOLERANCE = 1e-5;

  /** The README's logits of the Python-made frozen BasicLSTMCell graph, for the ramp input 1..784. */
  private static final float[] RAMP_LOGITS = {2.8886368f, -0.26002476f, -2.258127f, 6.429122f, -0.64027953f,
      -3.3643663f, -7.451693f, 8.490967f, -6.879125f, 4.2324576f};
  private static final float[] ZERO_LOGITS = {2.1319842f, 0.39741081f, 2.5303667f, -3.6100883f, -3.5999622f,
      7.1842332f, -2.3966916f, -2.2982705f, -3.8367765f, -2.7516975f};

  @Test
  void unrolledCellEqualsPythonFrozenBasicLstmGraph() throws Exception {
    Path pb = SharedFixtures.require("python-tf1-graphs/basic_lstm_mnist_frozen.pb");
    float[] ramp = new float[784];
    for (int i = 0; i < ramp.length; i++) {
      ramp[i] = i + 1;
    }
    float[] scaled = ramp.clone();
    for (int i = 0; i < scaled.length; i++) {
      scaled[i] /= 784f;
    }
    float[][] weights;
    float[][] pythonOutputs = new float[3][];
    try (Graph frozen = new Graph()) {
      frozen.importGraphDef(GraphDef.parseFrom(Files.readAllBytes(pb)));
      try (Session s = new Session(frozen)) {
        weights = new float[4][];
        String[] names = {"rnn/basic_lstm_cell/kernel", "rnn/basic_lstm_cell/bias", "model/w1", "model/b1"};
        for (int k = 0; k < 4; k++) {
          try (Result r = s.runner().fetch(names[k]).run()) {
            weights[k] = floats((TFloat32) r.get(0));
          }
        }
        float[][] xs = {ramp, scaled, new float[784]};
        for (int k = 0; k < 3; k++) {
          try (TFloat32 x = TFloat32.tensorOf(Shape.of(1, 784), DataBuffers.of(xs[k]));
              TFloat32 keep = TFloat32.scalarOf(1f);
              Result r = s.runner().feed("X", x).feed("keep_prob", keep).fetch("output").run()) {
            pythonOutputs[k] = floats((TFloat32) r.get(0));
          }
        }
      }
    }
    assertClose(RAMP_LOGITS, pythonOutputs[0], TOLERANCE, "frozen graph vs README");
    assertClose(ZERO_LOGITS, pythonOutputs[2], TOLERANCE, "frozen graph vs README");

    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      MusicLstm notebook = MusicLstm.build(tf, new MusicLstm.Config(28, 10, 128, 28, 1));
      List<Tf1Adam.Trainable> vars = notebook.trainables();
      try (Session s = new Session(g)) {
        load(tf, s, vars.get(2).variable(), weights[0], 156, 512);
        load(tf, s, vars.get(3).variable(), weights[1], 512);
        load(tf, s, notebook.weights, weights[2], 128, 10);
        load(tf, s, notebook.biases, weights[3], 10);
        float[][] xs = {ramp, scaled, new float[784]};
        for (int k = 0; k < 3; k++) {
          try (ModelFeed feed = ModelFeed.floats(notebook, xs[k], 1, null);
              Result r = feed.into(s.runner()).fetch(notebook.logits).run()) {
            assertClose(pythonOutputs[k], floats((TFloat32) r.get(0)), TOLERANCE, "notebook graph input " + k);
          }
        }
      }
    }
    for (FastMusicLstm.Cell cell : FastMusicLstm.Cell.values()) {
      FastMusicLstm.Config config = new FastMusicLstm.Config(28, 10, 128, 28, cell, FastMusicLstm.Input.ONE_HOT, 1);
      try (Graph g = new Graph()) {
        Ops tf = Ops.create(g);
        FastMusicLstm model = FastMusicLstm.build(tf, config);
        try (Session s = new Session(g)) {
          load(tf, s, model.kernel, weights[0], 156, 512);
          load(tf, s, model.bias, weights[1], 512);
          load(tf, s, model.weights, weights[2], 128, 10);
          load(tf, s, model.biases, weights[3], 10);
          float[][] xs = {ramp, scaled, new float[784]};
          for (int k = 0; k < 3; k++) {
            try (ModelFeed feed = ModelFeed.floats(model, xs[k], 1, null);
                Result r = feed.into(s.runner()).fetch(model.logits).run()) {
              assertClose(pythonOutputs[k], floats((TFloat32) r.get(0)), TOLERANCE, cell + " input " + k);
            }
          }
        }
      }
    }
  }

  /** The fast forms' reference (unrolled, one-hot, any batch) is the notebook's graph: forward and after Adam. */
  @Test
  void theNotebookGraphEqualsTheFastFormsReference() {
    int steps = 10;
    List<SongBatches.Batch> batches = new ArrayList<>();
    SongBatches sampler = SongDataset.builtin(128).batches(6, steps, 3);
    for (int i = 0; i < 3; i++) {
      batches.add(sampler.next());
    }
    Run fast = train(FastMusicLstm.Config.of(16, steps, FastMusicLstm.Cell.PROJECTED,
        FastMusicLstm.Input.NOTE_INDICES, 7), new FastMusicLstm.Sharding(6, 2), batches);
    Run notebook;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      MusicLstm model = MusicLstm.build(tf, MusicLstm.Config.of(16, steps, 7));
      notebook = train(g, tf, model, ConfigProtoDefault.INSTANCE, batches, null, null);
    }
    assertClose(notebook.prediction, fast.prediction, TOLERANCE, "prediction");
    for (int k = 0; k < notebook.losses.length; k++) {
      assertEquals(notebook.losses[k], fast.losses[k], TOLERANCE, "loss at step " + k);
    }
    for (int v = 0; v < notebook.variables.size(); v++) {
      assertClose(notebook.variables.get(v), fast.variables.get(v), TOLERANCE, "variable " + v);
    }
    assertTrue(maxAbs(notebook.prediction) > 0.01, "predictions are not all ~0");
  }

  /** A student's RNN plugs into the notebook's graph in place of the notebook's own. */
  @Test
  void theRnnCellIsASeam() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      int[] calls = {0};
      MusicLstm model = MusicLstm.build(tf, MusicLstm.Config.of(8, 4, 1), (ops, x, w, b) -> {
        calls[0]++;
        return MusicLstm.rnn(ops, x, w, b);
      });
      assertEquals(1, calls[0]);
      assertEquals(4, model.trainables().size());
    }
  }

  private interface ConfigProtoDefault {
    org.tensorflow.proto.ConfigProto INSTANCE = org.tensorflow.proto.ConfigProto.getDefaultInstance();
  }

  /** Every batch layout the tests try at batch 6: any batch, fixed, and two or three parallel shards. */
  private static final List<FastMusicLstm.Sharding> LAYOUTS = List.of(FastMusicLstm.Sharding.NONE,
      new FastMusicLstm.Sharding(6, 1), new FastMusicLstm.Sharding(6, 2), new FastMusicLstm.Sharding(6, 3));

  @Test
  void fastPathsEqualThePlainGraphForwardAndAfterAdamSteps() {
    int batch = 6;
    int steps = 10;
    FastMusicLstm.Config plain = FastMusicLstm.Config.of(16, steps, FastMusicLstm.Cell.UNROLLED, FastMusicLstm.Input.ONE_HOT, 7);
    List<SongBatches.Batch> batches = new ArrayList<>();
    SongBatches sampler = SongDataset.builtin(128).batches(batch, steps, 3);
    for (int i = 0; i < 3; i++) {
      batches.add(sampler.next());
    }
    Run reference = train(plain, FastMusicLstm.Sharding.NONE, batches);
    for (FastMusicLstm.Cell cell : FastMusicLstm.Cell.values()) {
      for (FastMusicLstm.Input input : FastMusicLstm.Input.values()) {
        for (FastMusicLstm.Sharding layout : LAYOUTS) {
          Run run = train(plain.with(cell, input), layout, batches);
          String what = cell + "/" + input + "/" + layout;
          assertClose(reference.prediction, run.prediction, TOLERANCE, what + " prediction");
          assertClose(reference.lastState, run.lastState, TOLERANCE, what + " last (c, h)");
          for (int k = 0; k < reference.losses.length; k++) {
            assertEquals(reference.losses[k], run.losses[k], TOLERANCE, what + " loss at step " + k);
          }
          for (int v = 0; v < reference.variables.size(); v++) {
            assertClose(reference.variables.get(v), run.variables.get(v), TOLERANCE, what + " variable " + v);
          }
        }
      }
    }
  }

  /**
   * Adam's first steps hardly depend on a gradient's size (m / sqrt(v) is about its sign), so the gradients
   * themselves are compared too: every layout's {@link FastMusicLstm#gradients} against autodiff of the lab's graph.
   */
  @Test
  void gradientsOfEveryLayoutEqualAutodiffOfTheLabGraph() {
    FastMusicLstm.Config plain = FastMusicLstm.Config.of(16, 10, FastMusicLstm.Cell.UNROLLED, FastMusicLstm.Input.ONE_HOT, 11);
    SongBatches.Batch batch = SongDataset.builtin(128).batches(6, 10, 4).next();
    List<float[]> reference = gradients(plain, FastMusicLstm.Sharding.NONE, batch);
    double largest = reference.stream().mapToDouble(MusicLstmTest::maxAbs).max().orElse(0);
    assertTrue(largest > 1e-2, "the reference gradients are not all tiny: " + largest);
    for (FastMusicLstm.Cell cell : List.of(FastMusicLstm.Cell.UNROLLED, FastMusicLstm.Cell.PROJECTED)) {
      for (FastMusicLstm.Input input : FastMusicLstm.Input.values()) {
        for (FastMusicLstm.Sharding layout : LAYOUTS) {
          List<float[]> run = gradients(plain.with(cell, input), layout, batch);
          for (int v = 0; v < reference.size(); v++) {
            assertClose(reference.get(v), run.get(v), TOLERANCE, cell + "/" + input + "/" + layout + " gradient " + v);
          }
        }
      }
    }
  }

  @Test
  void shardsAreTheLargestDivisorOfTheBatchUpToTheCores() {
    assertEquals(2, FastMusicLstm.Sharding.forCores(256, 2).shards());
    assertEquals(1, FastMusicLstm.Sharding.forCores(256, 1).shards());
    assertEquals(3, FastMusicLstm.Sharding.forCores(30, 4).shards(), "4 does not divide 30");
    assertEquals(1, FastMusicLstm.Sharding.forCores(6, 8).shards(), "fewer than 8 rows a shard is not worth it");
    assertEquals(16, FastMusicLstm.Sharding.forCores(256, 64).shards(), "at most 16");
    assertEquals(256, FastMusicLstm.Sharding.forCores(256, 4).batch());
    assertThrows(IllegalArgumentException.class, () -> new FastMusicLstm.Sharding(10, 3));
    assertThrows(IllegalArgumentException.class, () -> new FastMusicLstm.Sharding(-1, 2));
  }

  @Test
  void variablesHaveThePythonLabsNamesInItsOrder() {
    try (Graph g = new Graph()) {
      MusicLstm model = MusicLstm.build(Ops.create(g), MusicLstm.Config.of(128, 64, 0));
      assertEquals(List.of("Variable", "Variable_1", "rnn/basic_lstm_cell/kernel", "rnn/basic_lstm_cell/bias"),
          model.trainables().stream().map(Tf1Adam.Trainable::name).toList());
      assertEquals(Shape.of(206, 512), model.trainables().get(2).shape());
      assertEquals("input_vec", model.inputVec.op().name());
    }
  }

  private record Run(float[] prediction, float[] lastState, float[] losses, List<float[]> variables) {}

  /** Forward on the first batch, then one Adam step per batch; returns what the variants must agree on. */
  private static Run train(FastMusicLstm.Config config, FastMusicLstm.Sharding layout, List<SongBatches.Batch> batches) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      FastMusicLstm model = FastMusicLstm.build(tf, config, FastMusicLstm.Naming.PYTHON, layout);
      return train(g, tf, model, layout.sessionConfig(), batches, model.lastC, model.lastH);
    }
  }

  /** As above for any model graph; the last state only where the graph has one (else an empty array). */
  private static Run train(Graph g, Ops tf, LstmGraph model, org.tensorflow.proto.ConfigProto config,
      List<SongBatches.Batch> batches, Operand<TFloat32> lastC, Operand<TFloat32> lastH) {
    Tf1Adam.Update update = new Tf1Adam(0.01f).applyGradients(tf, model.gradients(tf), model.trainables());
    try (Session s = new Session(g, config)) {
      float[] prediction;
      float[] lastState = new float[0];
      try (ModelFeed feed = ModelFeed.of(model, batches.get(0))) {
        Session.Runner runner = feed.into(s.runner()).fetch(model.prediction());
        if (lastC != null) {
          runner.fetch(lastC).fetch(lastH);
        }
        try (Result r = runner.run()) {
          prediction = floats((TFloat32) r.get(0));
          if (lastC != null) {
            float[] c = floats((TFloat32) r.get(1));
            float[] h = floats((TFloat32) r.get(2));
            lastState = java.util.Arrays.copyOf(c, c.length + h.length);
            System.arraycopy(h, 0, lastState, c.length, h.length);
          }
        }
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

  /** The values of {@link FastMusicLstm#gradients} on one batch, from the seeded initial weights. */
  private static List<float[]> gradients(FastMusicLstm.Config config, FastMusicLstm.Sharding layout,
      SongBatches.Batch batch) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      FastMusicLstm model = FastMusicLstm.build(tf, config, FastMusicLstm.Naming.PYTHON, layout);
      List<Operand<TFloat32>> grads = model.gradients(tf);
      try (Session s = new Session(g, layout.sessionConfig()); ModelFeed feed = ModelFeed.of(model, batch)) {
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
  }

  private static double maxAbs(float[] values) {
    double m = 0;
    for (float v : values) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  static void load(Ops tf, Session s, Operand<TFloat32> variable, float[] values, long... shape) {
    try (TFloat32 t = TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(values))) {
      var ph = tf.placeholder(TFloat32.class);
      var assign = tf.assign(variable, ph);
      s.runner().feed(ph, t).addTarget(assign).run();
    }
  }

  static float[] floats(TFloat32 t) {
    float[] out = new float[(int) t.size()];
    t.asRawTensor().data().asFloats().read(out);
    return out;
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
