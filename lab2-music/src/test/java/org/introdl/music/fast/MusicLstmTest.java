package org.introdl.music.fast;

import static org.introdl.music.model.GraphParity.TOLERANCE;
import static org.introdl.music.model.GraphParity.assertClose;
import static org.introdl.music.model.GraphParity.assertSameRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.introdl.core.optim.Tf1Adam;
import org.introdl.music.data.SongBatches;
import org.introdl.music.data.SongDataset;
import org.introdl.music.model.GraphParity;
import org.introdl.music.model.MusicLstm;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;

/** The notebook's graph against Python, and its fast form ({@link FastMusicLstm}) against the notebook's graph. */
public class MusicLstmTest {
  /** Every batch layout the tests try at batch 6: any batch, fixed, and two or three parallel shards. */
  static final List<FastMusicLstm.Sharding> LAYOUTS = List.of(FastMusicLstm.Sharding.NONE,
      new FastMusicLstm.Sharding(6, 1), new FastMusicLstm.Sharding(6, 2), new FastMusicLstm.Sharding(6, 3));

  @Test
  void theNotebookGraphAndTheFastFormEqualThePythonFrozenBasicLstmGraph() throws Exception {
    GraphParity.Frozen frozen = GraphParity.frozen();
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      MusicLstm notebook = MusicLstm.build(tf, new MusicLstm.Config(28, 10, 128, 28, 1));
      GraphParity.assertReproducesFrozen(frozen, g, tf, notebook, notebook.logits, "notebook graph");
    }
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      FastMusicLstm fast = FastMusicLstm.build(tf,
          new FastMusicLstm.Config(28, 10, 128, 28, FastMusicLstm.Input.ONE_HOT, 1));
      GraphParity.assertReproducesFrozen(frozen, g, tf, fast, fast.logits, "fast form");
    }
  }

  /**
   * Every feed and batch layout of the fast form equals the notebook's graph: forward, last (c, h), losses and
   * variables after 3 Adam steps.
   */
  @Test
  void theFastFormEqualsTheNotebookGraphForwardAndAfterAdamSteps() {
    int steps = 10;
    List<SongBatches.Batch> batches = GraphParity.batches(6, steps, 3, 3);
    GraphParity.Run notebook = GraphParity.notebook(MusicLstm.Config.of(16, steps, 7), batches);
    assertTrue(GraphParity.maxAbs(notebook.prediction()) > 0.01, "predictions are not all ~0");
    for (FastMusicLstm.Input input : FastMusicLstm.Input.values()) {
      for (FastMusicLstm.Sharding layout : LAYOUTS) {
        try (Graph g = new Graph()) {
          Ops tf = Ops.create(g);
          FastMusicLstm model = FastMusicLstm.build(tf, FastMusicLstm.Config.of(16, steps, input, 7), layout);
          GraphParity.Run run = GraphParity.train(g, tf, model, layout.sessionConfig(), batches, model.lastC,
              model.lastH);
          assertSameRun(notebook, run, input + "/" + layout);
        }
      }
    }
  }

  /** A control: a fast form from another seed is told apart (the comparison above can fail). */
  @Test
  void aFastFormWithOtherWeightsDiffersFromTheNotebookGraph() {
    List<SongBatches.Batch> batches = GraphParity.batches(6, 10, 3, 1);
    GraphParity.Run notebook = GraphParity.notebook(MusicLstm.Config.of(16, 10, 7), batches);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      FastMusicLstm other = FastMusicLstm.build(tf, FastMusicLstm.Config.of(16, 10, FastMusicLstm.Input.ONE_HOT, 8));
      GraphParity.Run run = GraphParity.train(g, tf, other, FastMusicLstm.Sharding.NONE.sessionConfig(), batches,
          other.lastC, other.lastH);
      assertThrows(AssertionError.class, () -> assertSameRun(notebook, run, "another seed"));
    }
  }

  /**
   * Adam's first steps hardly depend on a gradient's size (m / sqrt(v) is about its sign), so the gradients
   * themselves are compared too: every layout's {@link FastMusicLstm#gradients} against autodiff of the notebook graph.
   */
  @Test
  void gradientsOfEveryLayoutEqualAutodiffOfTheNotebookGraph() {
    SongBatches.Batch batch = SongDataset.builtin(128).batches(6, 10, 4).next();
    List<float[]> reference = GraphParity.notebookGradients(MusicLstm.Config.of(16, 10, 11), batch);
    double largest = reference.stream().mapToDouble(GraphParity::maxAbs).max().orElse(0);
    assertTrue(largest > 1e-2, "the reference gradients are not all tiny: " + largest);
    for (FastMusicLstm.Input input : FastMusicLstm.Input.values()) {
      for (FastMusicLstm.Sharding layout : LAYOUTS) {
        try (Graph g = new Graph()) {
          Ops tf = Ops.create(g);
          FastMusicLstm model = FastMusicLstm.build(tf, FastMusicLstm.Config.of(16, 10, input, 11), layout);
          List<float[]> run = GraphParity.gradients(g, tf, model, layout.sessionConfig(), batch);
          for (int v = 0; v < reference.size(); v++) {
            assertClose(reference.get(v), run.get(v), TOLERANCE, input + "/" + layout + " gradient " + v);
          }
        }
      }
    }
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
    List<String> python = List.of("Variable", "Variable_1", "rnn/basic_lstm_cell/kernel", "rnn/basic_lstm_cell/bias");
    try (Graph g = new Graph()) {
      MusicLstm model = MusicLstm.build(Ops.create(g), MusicLstm.Config.of(128, 64, 0));
      assertEquals(python, model.trainables().stream().map(Tf1Adam.Trainable::name).toList());
      assertEquals(Shape.of(206, 512), model.trainables().get(2).shape());
      assertEquals("input_vec", model.inputVec.op().name());
    }
    try (Graph g = new Graph()) {
      FastMusicLstm fast = FastMusicLstm.build(Ops.create(g),
          FastMusicLstm.Config.of(128, 64, FastMusicLstm.Input.NOTE_INDICES, 0));
      assertEquals(python, fast.trainables().stream().map(Tf1Adam.Trainable::name).toList());
    }
  }
}
