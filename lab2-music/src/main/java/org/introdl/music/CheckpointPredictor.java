package org.introdl.music;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.introdl.core.UserError;
import org.introdl.core.train.CheckpointStore;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A trained model restored from a checkpoint, for generation: the window graph (the fast exact variant: one input
 * gather for all rows, see {@link MusicLstm}) and a one-step graph on the same variables for the stateful scheme.
 */
public final class CheckpointPredictor implements NotePredictor {
  private final Graph graph;
  private final Session session;
  private final MusicLstm model;
  private final StepGraph step;

  private CheckpointPredictor(Graph graph, Session session, MusicLstm model, StepGraph step) {
    this.graph = graph;
    this.session = session;
    this.model = model;
    this.step = step;
  }

  /** Restores the newest complete checkpoint under a training run's folder (or the folders named in ModelSpec). */
  public static CheckpointPredictor open(Path checkpoint) {
    Path runDir = ModelSpec.locate(checkpoint);
    ModelSpec spec = ModelSpec.read(runDir.resolve(ModelSpec.FILE));
    MusicLstm.Config config = spec.config().with(MusicLstm.Cell.PROJECTED, MusicLstm.Input.NOTE_INDICES);
    Graph g = new Graph();
    try {
      Ops tf = Ops.create(g);
      MusicLstm model = MusicLstm.build(tf, config);
      StepGraph step = new StepGraph(tf, model);
      Session s = new Session(g);
      CheckpointStore store = new CheckpointStore(runDir.resolve("checkpoints"), Integer.MAX_VALUE, System.err);
      OptionalLong restored = store.restoreLatest(s);
      if (restored.isEmpty()) {
        s.close();
        throw new UserError(runDir.resolve("checkpoints") + ": no readable checkpoint");
      }
      return new CheckpointPredictor(g, s, model, step);
    } catch (RuntimeException e) {
      g.close();
      throw e;
    }
  }

  /** A freshly initialised model (no checkpoint): for benchmarks, where the weights do not change the timing. */
  public static CheckpointPredictor untrained(MusicLstm.Config config) {
    Graph g = new Graph();
    try {
      Ops tf = Ops.create(g);
      MusicLstm model = MusicLstm.build(tf, config.with(MusicLstm.Cell.PROJECTED, MusicLstm.Input.NOTE_INDICES));
      StepGraph step = new StepGraph(tf, model);
      Session s = new Session(g);
      s.initialize();
      return new CheckpointPredictor(g, s, model, step);
    } catch (RuntimeException e) {
      g.close();
      throw e;
    }
  }

  /** Wraps a live training session (tests, the main job): the graph must hold {@code model}. */
  public MusicLstm model() {
    return model;
  }

  /** Session of the restored model (tests compare it with exports). */
  public Session session() {
    return session;
  }

  @Override
  public int timesteps() {
    return model.config.timesteps();
  }

  @Override
  public float[] predict(int[] window) {
    try (ModelFeed feed = ModelFeed.inputsOnly(model, window, 1);
        Result r = feed.into(session.runner()).fetch(model.prediction).run()) {
      return MusicTensors.floats((TFloat32) r.get(0));
    }
  }

  /** Probabilities for many windows at once ({@code count} windows of {@code timesteps} notes). */
  public float[] predictBatch(int[] windows, int count) {
    try (ModelFeed feed = ModelFeed.inputsOnly(model, windows, count);
        Result r = feed.into(session.runner()).fetch(model.prediction).run()) {
      return MusicTensors.floats((TFloat32) r.get(0));
    }
  }

  @Override
  public StatefulStepper stepper() {
    return step.start(session, model.config.hidden());
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }

  /**
   * One BasicLSTMCell step at batch 1 on the model's variables: note index, c, h in; probabilities, c', h' out. The
   * state tensors returned by one run are fed straight back into the next (no copy through Java arrays).
   */
  static final class StepGraph {
    final Placeholder<TInt32> note;
    final Placeholder<TFloat32> c;
    final Placeholder<TFloat32> h;
    final Operand<TFloat32> probabilities;
    final Operand<TFloat32> newC;
    final Operand<TFloat32> newH;

    StepGraph(Ops root, MusicLstm model) {
      Ops tf = root.withSubScope("step");
      int hidden = model.config.hidden();
      int inputs = model.config.inputSize();
      note = tf.withName("note").placeholder(TInt32.class, Placeholder.shape(Shape.of(1)));
      c = tf.withName("c").placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, hidden)));
      h = tf.withName("h").placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, hidden)));
      List<Output<TFloat32>> parts = tf.splitV(tf.identity(model.kernel), tf.constant(new int[] {inputs, hidden}),
          tf.constant(0), 2L).output();
      Operand<TFloat32> table = tf.concat(List.of(parts.get(0),
          tf.zeros(tf.constant(new long[] {1, 4L * hidden}), TFloat32.class)), tf.constant(0));
      Operand<TFloat32> gates = tf.math.add(tf.math.add(tf.gather(table, note, tf.constant(0)),
          tf.linalg.matMul(h, parts.get(1))), tf.identity(model.bias));
      Operand<TFloat32>[] next = MusicLstm.cellUpdate(tf, gates, c);
      newC = next[0];
      newH = next[1];
      probabilities = tf.nn.softmax(tf.math.add(tf.linalg.matMul(newH, tf.identity(model.weights)),
          tf.identity(model.biases)));
    }

    StatefulStepper start(Session session, int hidden) {
      return new StatefulStepper() {
        private Tensor cValue = TFloat32.tensorOf(Shape.of(1, hidden), d -> d.scalars().forEach(x -> x.setFloat(0f)));
        private Tensor hValue = TFloat32.tensorOf(Shape.of(1, hidden), d -> d.scalars().forEach(x -> x.setFloat(0f)));

        @Override
        public float[] step(int n) {
          int index = n == Melody.REST ? MusicLstm.NOTE_COUNT : n;
          try (TInt32 noteT = TInt32.vectorOf(index)) {
            Result r = session.runner().feed(note, noteT).feed(c, cValue).feed(h, hValue)
                .fetch(probabilities).fetch(newC).fetch(newH).run();
            float[] p = MusicTensors.floats((TFloat32) r.get(0));
            cValue.close();
            hValue.close();
            cValue = r.get(1);
            hValue = r.get(2);
            r.get(0).close();
            return p;
          }
        }

        @Override
        public void close() {
          cValue.close();
          hValue.close();
        }
      };
    }
  }
}
