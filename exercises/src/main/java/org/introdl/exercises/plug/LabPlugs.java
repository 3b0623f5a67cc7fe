package org.introdl.exercises.plug;

import java.nio.file.Path;
import java.util.List;
import org.introdl.core.UserError;
import org.introdl.core.exercises.ExerciseCode;
import org.introdl.exercises.api.FeaturesWeights;
import org.introdl.exercises.api.XrayModel;
import org.introdl.exercises.grading.Lab;
import org.introdl.exercises.grading.StudentCode;
import org.introdl.exercises.grading.StudentException;
import org.introdl.exercises.lab2.Lab2Exercises;
import org.introdl.exercises.lab3.Lab3Exercises;
import org.introdl.exercises.workspace.InMemoryCompiler;
import org.introdl.exercises.workspace.SourceEditor;
import org.introdl.exercises.workspace.Workspace;
import org.introdl.music.model.MusicLstm;
import org.introdl.music.sample.SongSampler;
import org.introdl.xray.cam.CamStep;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A student's functions as the labs' seams: {@code rnn} as the music lab's {@link MusicLstm.Rnn},
 * {@code sampleNextNote} as its {@link SongSampler.NoteSampler}, and {@code extractFeaturesWeights}, {@code computeCam} and
 * {@code upsample} together as the x-ray lab's {@link CamStep}. Found by the labs through {@link ExerciseCode}.
 */
public final class LabPlugs implements ExerciseCode {
  @Override
  public <T> T plug(Path workspace, Class<T> seam) {
    if (seam == MusicLstm.Rnn.class) {
      StudentCode code = load(workspace, Lab2Exercises.lab(), List.of("rnn"));
      MusicLstm.Rnn rnn = (tf, inputVec, weights, biases) -> explained("rnn",
          () -> code.call("rnn", tf, inputVec, weights, biases));
      return seam.cast(rnn);
    }
    if (seam == SongSampler.NoteSampler.class) {
      StudentCode code = load(workspace, Lab2Exercises.lab(), List.of("sampleNextNote"));
      SongSampler.NoteSampler sampler = (probabilities, random) -> explained("sampleNextNote",
          () -> code.<Integer>call("sampleNextNote", probabilities, new DrawsFrom(random)));
      return seam.cast(sampler);
    }
    if (seam == CamStep.class) {
      StudentCode code = load(workspace, Lab3Exercises.lab(), List.of("extractFeaturesWeights", "computeCam", "upsample"));
      CamStep step = (tf, model, classIndex, imageSize) -> {
        List<Operand<TFloat32>> skips = model.skips();
        XrayModel view = new XrayModel((Graph) tf.scope().env(), model.images(), skips.get(0), skips.get(1),
            skips.get(2), skips.get(3), model.globalAveragePool(), model.logits());
        FeaturesWeights fw = explained("extractFeaturesWeights", () -> code.call("extractFeaturesWeights", view));
        Operand<TFloat32> cam = explained("computeCam",
            () -> code.call("computeCam", tf, fw.featureMaps(), fw.denseWeights(), classIndex));
        Operand<TFloat32> up = explained("upsample", () -> code.call("upsample", tf, cam, imageSize));
        return tf.reshape(up, tf.constant(new long[] {-1, imageSize, imageSize}));
      };
      return seam.cast(step);
    }
    throw new IllegalArgumentException("no exercise plugs into " + seam.getName());
  }

  /** Compiles the lab's file of the workspace; each of {@code tasks} must be written (no longer its TODO). */
  private static StudentCode load(Path workspace, Lab lab, List<String> tasks) {
    Workspace ws = Workspace.at(workspace);
    if (!ws.started(lab)) {
      throw new UserError(workspace + ": no " + lab.fileName() + "; start it with './labs exercises start " + lab.id()
          + " --dir " + workspace + "'");
    }
    String source = ws.read(lab);
    for (String task : tasks) {
      if (SourceEditor.state(source, task) == SourceEditor.State.TODO) {
        throw new UserError(ws.file(lab) + ": " + task + " is not written yet (it still throws its TODO)");
      }
    }
    InMemoryCompiler.Compilation compiled = InMemoryCompiler.compile(ws.file(lab), ws.shownAs(lab), lab.className());
    if (!compiled.succeeded()) {
      throw new UserError(compiled.errors().lines().findFirst().orElse(ws.shownAs(lab)) + " (see './labs exercises "
          + "check " + workspace + "')");
    }
    return new StudentCode(compiled.mainClass());
  }

  /** The student's {@code java.util.Random}, drawing from the lab's seeded generator (so a seed gives one song). */
  private static final class DrawsFrom extends java.util.Random {
    private static final long serialVersionUID = 1L;
    private final transient java.util.SplittableRandom source;

    DrawsFrom(java.util.SplittableRandom source) {
      super(0);
      this.source = source;
    }

    @Override
    protected int next(int bits) {
      return source.nextInt() >>> (32 - bits);
    }
  }

  /** The student's exception as a one-line user error naming the function. */
  private static <T> T explained(String task, java.util.function.Supplier<T> call) {
    try {
      return call.get();
    } catch (StudentException e) {
      throw new UserError("your " + task + " " + e.getMessage());
    }
  }
}
