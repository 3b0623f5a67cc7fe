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
import org.introdl.xray.data.DataOption;
import org.introdl.xray.data.XrayDataset;
import org.introdl.xray.train.XraySettings;
import org.introdl.xray.train.XrayTrainingGraph;
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
    XrayDataset data = DataOption.load(DataOption.SYNTHETIC, 32, 3).select(new int[] {0, 1});
    try (XrayTrainingGraph net = new XrayTrainingGraph(XraySettings.lab().withImageSize(32).withSeed(5))) {
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

  /** A solved workspace whose {@code method} has {@code edits} made (a wrong attempt). */
  private Path solvedWith(String lab, String method, Mutations.Edit... edits) throws java.io.IOException {
    Path ws = solvedWorkspace(lab);
    org.introdl.exercises.grading.Lab l = Exercises.lab(lab);
    Path file = ws.resolve(l.id()).resolve(l.fileName());
    java.nio.file.Files.writeString(file, Mutations.apply(java.nio.file.Files.readString(file), method,
        java.util.List.of(edits)));
    return ws;
  }

  /** Runs {@code action} and returns what it printed on standard output. */
  private static String printed(Runnable action) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.PrintStream old = System.out;
    System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setOut(old);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void trainingRunsTheStudentsLossTrainOpAndAccuracyAndWarnsWhenTheyFailTheirCheck() throws Exception {
    Path ws = solvedWith("lab2", "lossOp", new Mutations.Edit("return tf.math.mean(", "return tf.math.mul(tf.constant(2f), tf.math.mean("),
        new Mutations.Edit("tf.constant(0));", "tf.constant(0)));"));
    Path file = ws.resolve("lab2/Lab2Music.java");
    String source = java.nio.file.Files.readString(file);
    source = Mutations.apply(source, "trainOp", java.util.List.of(new Mutations.Edit(
        "return new AdamOptimizer(learningRate).minimize(tf, lossOp, variables);", "return tf.noOp();")));
    source = Mutations.apply(source, "accuracy", java.util.List.of(new Mutations.Edit(
        "return tf.math.mean(correct, tf.constant(0));", "return tf.constant(0.25f);")));
    java.nio.file.Files.writeString(file, source);
    MusicLstm.Rnn[] plugged = new MusicLstm.Rnn[1];
    String out = printed(() -> plugged[0] = ExerciseCode.load(ws, MusicLstm.Rnn.class));
    assertTrue(out.contains("Your code from " + ws + ": rnn, lossOp, trainOp, accuracy\n"), out);
    for (String task : new String[] {"lossOp", "trainOp", "accuracy"}) {
      assertTrue(out.contains("Warning: your " + task + " fails its check, and runs as it is: "), out);
    }
    assertEquals(3, out.lines().filter(l -> l.startsWith("Warning: ")).count(), out);

    org.introdl.music.train.NotebookTraining cells = (org.introdl.music.train.NotebookTraining) plugged[0];
    assertEquals(java.util.List.of("rnn", "lossOp", "trainOp", "accuracy"), cells.origin().yours());
    float[] x = new float[64 * 78];
    float[] y = new float[78];
    y[5] = 1f;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      MusicLstm model = MusicLstm.build(tf, MusicLstm.Config.of(128, 64, 0), cells);
      var step = org.introdl.music.train.NotebookTraining.step(tf, model, cells, 0.01f);
      try (TFloat32 in = TFloat32.tensorOf(Shape.of(1, 64, 78), DataBuffers.of(x, true, false));
          TFloat32 label = TFloat32.tensorOf(Shape.of(1, 78), DataBuffers.of(y, true, false));
          Result before = s.runner().feed(model.inputVec, in).feed(model.outputVec, label).fetch(step.loss())
              .fetch(model.loss).fetch(step.accuracy()).fetch(model.weights).addTarget(step.train()).run();
          Result after = s.runner().fetch(model.weights).run()) {
        float loss = ((TFloat32) before.get(1)).getFloat();
        assertEquals(2 * loss, ((TFloat32) before.get(0)).getFloat(), 1e-5 * loss, "the printed loss is the student's");
        assertEquals(0.25f, ((TFloat32) before.get(2)).getFloat(), "the printed accuracy is the student's");
        assertEquals(((TFloat32) before.get(3)).getFloat(3, 7), ((TFloat32) after.get(0)).getFloat(3, 7),
            "the student's train op (a no-op) is the one that ran");
      }
    }
  }

  @Test
  void unwrittenTrainingCellsAreTheLabsOwnAndSaidSo() throws Exception {
    Path ws = home.resolve("rnn-only");
    ExerciseSteps.start("lab2", ws);
    ExerciseSteps.solve(ws, Optional.of("rnn"));
    MusicLstm.Rnn[] plugged = new MusicLstm.Rnn[1];
    String out = printed(() -> plugged[0] = ExerciseCode.load(ws, MusicLstm.Rnn.class));
    assertTrue(out.contains(": rnn; the lab's own lossOp, trainOp, accuracy (not written yet)"), out);
    var origin = ((org.introdl.music.train.NotebookTraining) plugged[0]).origin();
    assertEquals(java.util.List.of("lossOp", "trainOp", "accuracy"), origin.labsOwn());
  }

  /** A model that always predicts {@code p}, counting its calls. */
  private static final class FixedModel implements NotePredictor {
    final float[] p = new float[78];
    int calls;

    FixedModel() {
      p[3] = 0.25f;
      p[10] = 0.75f;
    }

    @Override
    public int timesteps() {
      return 4;
    }

    @Override
    public float[] predict(int[] window) {
      calls++;
      return p.clone();
    }

    @Override
    public void close() {}
  }

  @Test
  void generationRunsTheStudentsLoop() throws Exception {
    SongSampler.NoteSampler plugged = ExerciseCode.load(solvedWorkspace("lab2"), SongSampler.NoteSampler.class);
    assertTrue(plugged instanceof org.introdl.music.sample.SongLoop, "generateSong is plugged in");
    FixedModel model = new FixedModel();
    Melody seed = new Melody(new int[] {1, 2, 3, 4});
    SongSampler.Generated theirs = SongSampler.generate(model, seed, SongSampler.Options.lab(7), plugged);
    assertEquals(SongSampler.Options.NOTES_DEFAULT, model.calls, "one prediction per note, asked by their loop");
    SongSampler.NoteSampler samplerOnly = plugged::sampleNextNote;
    assertArrayEquals(SongSampler.generate(new FixedModel(), seed, SongSampler.Options.lab(7), samplerOnly).song().notes(),
        theirs.song().notes(), "their loop with their sampler draws what the lab's loop draws with it");

    Path broken = solvedWith("lab2", "generateSong", new Mutations.Edit("List<float[]> song",
        "if (steps > 0) { throw new IllegalStateException(\"my bug\"); } List<float[]> song"));
    SongSampler.NoteSampler throwing = ExerciseCode.load(broken, SongSampler.NoteSampler.class);
    UserError e = assertThrows(UserError.class,
        () -> SongSampler.generate(new FixedModel(), seed, SongSampler.Options.lab(7), throwing));
    assertTrue(e.getMessage().matches("your generateSong threw IllegalStateException: my bug \\(Lab2Music\\.java:\\d+, "
        + "in generateSong\\)"), e.getMessage());
  }

  @Test
  void anEndlessSamplerEndsTheRunInOneLine() throws Exception {
    Path ws = solvedWith("lab2", "sampleNextNote", new Mutations.Edit("double u = random.nextDouble();",
        "while (probabilities.length > 0) { try { Thread.sleep(1000); } catch (InterruptedException e) { } } double u = random.nextDouble();"));
    UserError caught = assertThrows(UserError.class, () -> new org.introdl.exercises.plug.LabPlugsAccess(1).sampler(ws));
    assertEquals("your sampleNextNote did not finish in 1 s: is there a loop that never ends? (it did in its check)",
        caught.getMessage(), "a loop its check meets stops the command before the run");

    // A loop only the run meets (the fixed model's p[3] = 0.25; no graded distribution has it).
    Path later = solvedWith("lab2", "sampleNextNote", new Mutations.Edit("double u = random.nextDouble();",
        "while (probabilities[3] == 0.25f) { try { Thread.sleep(1000); } catch (InterruptedException e) { } } double u = random.nextDouble();"));
    SongSampler.NoteSampler[] plugged = new SongSampler.NoteSampler[1];
    String out = printed(() -> plugged[0] = new org.introdl.exercises.plug.LabPlugsAccess(1).sampler(later));
    assertTrue(!out.contains("Warning"), out);
    UserError e = assertThrows(UserError.class, () -> SongSampler.generate(new FixedModel(),
        new Melody(new int[] {1, 2, 3, 4}), SongSampler.Options.lab(7), plugged[0]));
    assertEquals("your generateSong did not finish in 1 s: is there a loop that never ends?", e.getMessage());
  }
}
