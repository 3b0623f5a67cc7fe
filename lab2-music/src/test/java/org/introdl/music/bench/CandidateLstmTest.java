package org.introdl.music.bench;

import static org.introdl.music.model.GraphParity.TOLERANCE;
import static org.introdl.music.model.GraphParity.assertClose;
import static org.introdl.music.model.GraphParity.assertSameRun;

import java.util.List;
import org.introdl.music.data.SongBatches;
import org.introdl.music.data.SongDataset;
import org.introdl.music.fast.FastMusicLstm;
import org.introdl.music.model.GraphParity;
import org.introdl.music.model.MusicLstm;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.op.Ops;

/** Every graph the bench measures beside the fast form equals the notebook's graph (1e-5). */
class CandidateLstmTest {
  /** Rows per window: small, so that every candidate trains in well under a second. */
  private static final int STEPS = 10;
  private static final List<FastMusicLstm.Sharding> LAYOUTS = List.of(FastMusicLstm.Sharding.NONE,
      new FastMusicLstm.Sharding(6, 1), new FastMusicLstm.Sharding(6, 2), new FastMusicLstm.Sharding(6, 3));

  @Test
  void everyCandidateCellEqualsThePythonFrozenBasicLstmGraph() throws Exception {
    GraphParity.Frozen frozen = GraphParity.frozen();
    for (CandidateLstm.Cell cell : CandidateLstm.Cell.values()) {
      try (Graph g = new Graph()) {
        Ops tf = Ops.create(g);
        CandidateLstm model = CandidateLstm.build(tf,
            new FastMusicLstm.Config(28, 10, 128, 28, FastMusicLstm.Input.ONE_HOT, 1), cell);
        GraphParity.assertReproducesFrozen(frozen, g, tf, model, model.logits, cell.toString());
      }
    }
  }

  /** Every cell, feed, batch layout and naming: forward, last (c, h), losses and variables after 3 Adam steps. */
  @Test
  void everyCandidateEqualsTheNotebookGraphForwardAndAfterAdamSteps() {
    List<SongBatches.Batch> batches = GraphParity.batches(6, STEPS, 3, 3);
    GraphParity.Run notebook = GraphParity.notebook(MusicLstm.Config.of(16, STEPS, 7), batches);
    for (CandidateLstm.Cell cell : CandidateLstm.Cell.values()) {
      for (FastMusicLstm.Input input : FastMusicLstm.Input.values()) {
        for (FastMusicLstm.Sharding layout : LAYOUTS) {
          assertSameRun(notebook, train(cell, input, CandidateLstm.Naming.PYTHON, layout, batches),
              cell + "/" + input + "/" + layout);
        }
      }
    }
    // The bench's baseline: the same graph under flat names (trained here with TF1 Adam, as the others).
    assertSameRun(notebook, train(CandidateLstm.Cell.UNROLLED, FastMusicLstm.Input.ONE_HOT, CandidateLstm.Naming.FLAT,
        FastMusicLstm.Sharding.NONE, batches), "baseline");
  }

  @Test
  void unrolledGradientsEqualAutodiffOfTheNotebookGraph() {
    SongBatches.Batch batch = SongDataset.builtin(128).batches(6, STEPS, 4).next();
    List<float[]> reference = GraphParity.notebookGradients(MusicLstm.Config.of(16, STEPS, 11), batch);
    for (FastMusicLstm.Input input : FastMusicLstm.Input.values()) {
      for (FastMusicLstm.Sharding layout : LAYOUTS) {
        try (Graph g = new Graph()) {
          Ops tf = Ops.create(g);
          CandidateLstm model = CandidateLstm.build(tf, FastMusicLstm.Config.of(16, STEPS, input, 11),
              CandidateLstm.Cell.UNROLLED, CandidateLstm.Naming.PYTHON, layout);
          List<float[]> run = GraphParity.gradients(g, tf, model, layout.sessionConfig(), batch);
          for (int v = 0; v < reference.size(); v++) {
            assertClose(reference.get(v), run.get(v), TOLERANCE, input + "/" + layout + " gradient " + v);
          }
        }
      }
    }
  }

  private static GraphParity.Run train(CandidateLstm.Cell cell, FastMusicLstm.Input input,
      CandidateLstm.Naming naming, FastMusicLstm.Sharding layout, List<SongBatches.Batch> batches) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      CandidateLstm model = CandidateLstm.build(tf, FastMusicLstm.Config.of(16, STEPS, input, 7), cell, naming, layout);
      return GraphParity.train(g, tf, model, layout.sessionConfig(), batches, model.lastC, model.lastH);
    }
  }
}
