package org.introdl.exercises;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import org.introdl.core.UserError;
import org.introdl.core.exercises.ExerciseCode;
import org.introdl.music.data.Melody;
import org.introdl.music.model.MusicLstm;
import org.introdl.music.model.NotePredictor;
import org.introdl.music.sample.SongSampler;
import org.introdl.music.train.MusicSettings;
import org.introdl.xray.cam.CamGraph;
import org.introdl.xray.cam.CamStep;
import org.introdl.xray.data.XrayData;
import org.introdl.xray.data.XrayDataset;
import org.introdl.xray.train.XraySettings;
import org.introdl.xray.train.XrayTraining;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The reference solutions, plugged into the real labs through the seams, compute what the labs' own code does. */
class LabPlugsTest {
  @TempDir Path home;

  private Path solvedWorkspace(String lab) {
    Path ws = home.resolve("ws");
    ExerciseSteps.start(lab, ws);
    ExerciseSteps.solve(ws, Optional.empty());
    return ws;
  }

  @Test
  void aPluggedRnnIsTheLabsNotebookGraph() {
    MusicLstm.Rnn rnn = ExerciseCode.load(solvedWorkspace("lab2"), MusicLstm.Rnn.class);
    Random random = new Random(9);
    int batch = 2;
    float[] x = new float[batch * 64 * 78];
    for (int row = 0; row < batch * 64; row++) {
      x[row * 78 + random.nextInt(78)] = 1f;
    }
    MusicLstm.Config config = MusicLstm.Config.of(MusicSettings.HIDDEN_DEFAULT, MusicSettings.TIMESTEPS_DEFAULT, 0);
    float[] plugged = predictions(tf -> MusicLstm.build(tf, config, rnn), x, batch);
    float[] lab = predictions(tf -> MusicLstm.build(tf, config), x, batch);
    for (int i = 0; i < lab.length; i++) {
      assertEquals(lab[i], plugged[i], 1e-5, "probability " + i);
    }
  }

  private static float[] predictions(java.util.function.Function<Ops, MusicLstm> build, float[] x, int batch) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      MusicLstm model = build.apply(Ops.create(g));
      try (TFloat32 in = TFloat32.tensorOf(Shape.of(batch, 64, 78), DataBuffers.of(x, true, false));
          Result r = s.runner().feed(model.inputVec, in).fetch(model.prediction).run()) {
        float[] out = new float[batch * 78];
        ((TFloat32) r.get(0)).copyTo(DataBuffers.of(out, false, false));
        return out;
      }
    }
  }

  @Test
  void aPluggedSamplerDrawsEveryNoteOfTheSong() {
    SongSampler.NoteSampler sampler = ExerciseCode.load(solvedWorkspace("lab2"), SongSampler.NoteSampler.class);
    float[] p = new float[78];
    p[3] = 0.25f;
    p[10] = 0.75f;
    NotePredictor fixed = new NotePredictor() {
      @Override
      public int timesteps() {
        return 4;
      }

      @Override
      public float[] predict(int[] window) {
        return p.clone();
      }

      @Override
      public void close() {}
    };
    SongSampler.Generated g = SongSampler.generate(fixed, new Melody(new int[] {1, 2, 3, 4}),
        SongSampler.Options.lab(7), sampler);
    java.util.SplittableRandom same = new java.util.SplittableRandom(7);
    int[] expected = new int[g.song().length()];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = sampler.sampleNextNote(p, same);
    }
    assertArrayEquals(expected, g.song().notes());
    assertTrue(java.util.Arrays.stream(expected).allMatch(n -> n == 3 || n == 10));
  }

  @Test
  void pluggedCamFunctionsDrawTheLabsMaps() {
    CamStep step = ExerciseCode.load(solvedWorkspace("lab3"), CamStep.class);
    XrayDataset data = XrayData.load(XrayData.SYNTHETIC, 32, 3).select(new int[] {0, 1});
    try (XrayTraining net = new XrayTraining(XraySettings.lab().withImageSize(32).withSeed(5))) {
      CamGraph lab = new CamGraph(net.ops(), net.model(), 32);
      CamGraph plugged = new CamGraph(net.ops(), net.model(), 32, step);
      for (int classIndex = 0; classIndex < 2; classIndex++) {
        float[] expected = lab.activations(net.session(), data.pixels(), 1, 1, classIndex).cams();
        float[] got = plugged.activations(net.session(), data.pixels(), 1, 1, classIndex).cams();
        assertEquals(32 * 32, got.length);
        for (int i = 0; i < got.length; i++) {
          assertEquals(expected[i], got[i], 1e-5 * (1 + Math.abs(expected[i])), "pixel " + i);
        }
      }
    }
  }

  @Test
  void anUnwrittenTaskCannotBePlugged() {
    Path ws = home.resolve("fresh");
    ExerciseSteps.start("lab2", ws);
    UserError e = assertThrows(UserError.class, () -> ExerciseCode.load(ws, MusicLstm.Rnn.class));
    assertTrue(e.getMessage().contains("rnn is not written yet"), e.getMessage());
  }
}
