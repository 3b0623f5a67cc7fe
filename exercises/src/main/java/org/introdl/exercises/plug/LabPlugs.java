package org.introdl.exercises.plug;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.introdl.core.UserError;
import org.introdl.core.exercises.ExerciseCode;
import org.introdl.exercises.ExerciseSteps;
import org.introdl.exercises.Workspace;
import org.introdl.exercises.api.FeaturesWeights;
import org.introdl.exercises.api.XrayModel;
import org.introdl.exercises.grading.Lab;
import org.introdl.exercises.grading.StudentCode;
import org.introdl.exercises.grading.StudentException;
import org.introdl.exercises.grading.Verdict;
import org.introdl.exercises.grading.Watchdog;
import org.introdl.exercises.lab2.Lab2Exercises;
import org.introdl.exercises.lab3.Lab3Exercises;
import org.introdl.exercises.workspace.InMemoryCompiler;
import org.introdl.exercises.workspace.SourceEditor;
import org.introdl.music.model.MusicLstm;
import org.introdl.music.model.NotePredictor;
import org.introdl.music.sample.SongLoop;
import org.introdl.music.sample.SongSampler;
import org.introdl.music.train.NotebookTraining;
import org.introdl.xray.cam.CamStep;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A student's functions as the labs' seams: {@code rnn}, {@code lossOp}, {@code trainOp} and {@code accuracy} as the
 * music lab's {@link NotebookTraining}; {@code generateSong} and {@code sampleNextNote} as its {@link SongLoop};
 * {@code extractFeaturesWeights}, {@code computeCam} and {@code upsample} together as the x-ray lab's
 * {@link CamStep}. Found by the labs through {@link ExerciseCode}.
 *
 * <p>Before a run it says which tasks are the student's and which the lab runs itself (not written yet), and warns
 * in one line about each plugged task that fails its check. Every call into the student's code runs under the same
 * {@link Watchdog} as {@code check}: an endless loop ends the run with one line.
 */
public final class LabPlugs implements ExerciseCode {
  /** The music lab's training cells, in notebook order; the first must be written. */
  static final List<String> TRAINING = List.of("rnn", "lossOp", "trainOp", "accuracy");
  /** The generation cells; the sampler must be written, the loop may be left to the lab. */
  static final List<String> GENERATION = List.of("sampleNextNote", "generateSong");
  static final List<String> CAM = List.of("extractFeaturesWeights", "computeCam", "upsample");

  /** How long one call into the student's code may run. */
  private final long seconds;

  /** What {@link java.util.ServiceLoader} makes: the watchdog of {@code check}. */
  public LabPlugs() {
    this(Watchdog.SECONDS);
  }

  LabPlugs(long seconds) {
    this.seconds = seconds;
  }

  @Override
  public <T> T plug(Path workspace, Class<T> seam) {
    if (seam == MusicLstm.Rnn.class) {
      return seam.cast(training(Student.load(workspace, Lab2Exercises.lab(), TRAINING, 1, seconds)));
    }
    if (seam == SongSampler.NoteSampler.class) {
      return seam.cast(generation(Student.load(workspace, Lab2Exercises.lab(), GENERATION, 1, seconds)));
    }
    if (seam == CamStep.class) {
      return seam.cast(cam(Student.load(workspace, Lab3Exercises.lab(), CAM, CAM.size(), seconds)));
    }
    throw new IllegalArgumentException("no exercise plugs into " + seam.getName());
  }

  private static NotebookTraining training(Student s) {
    return new NotebookTraining() {
      @Override
      public Operand<TFloat32> rnn(Ops tf, Operand<TFloat32> inputVec, Operand<TFloat32> weights,
          Operand<TFloat32> biases) {
        return s.call("rnn", tf, inputVec, weights, biases);
      }

      @Override
      public Operand<TFloat32> lossOp(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> outputVec) {
        return s.yours("lossOp") ? s.call("lossOp", tf, logits, outputVec) : null;
      }

      @Override
      public Op trainOp(Ops tf, Operand<TFloat32> loss, List<Output<TFloat32>> variables, float learningRate) {
        return s.yours("trainOp") ? s.call("trainOp", tf, loss, variables, learningRate) : null;
      }

      @Override
      public Operand<TFloat32> accuracy(Ops tf, Operand<TFloat32> prediction, Operand<TFloat32> outputVec) {
        return s.yours("accuracy") ? s.call("accuracy", tf, prediction, outputVec) : null;
      }

      @Override
      public Origin origin() {
        return s.origin();
      }
    };
  }

  private static SongSampler.NoteSampler generation(Student s) {
    SongSampler.NoteSampler sampler = (probabilities, random) ->
        s.<Integer>call("sampleNextNote", probabilities, new DrawsFrom(random));
    if (!s.yours("generateSong")) {
      return sampler;
    }
    return new SongLoop() {
      @Override
      public int sampleNextNote(float[] probabilities, SplittableRandom random) {
        return sampler.sampleNextNote(probabilities, random);
      }

      @Override
      public int[] generateSong(NotePredictor model, int[] seed, int notes, SplittableRandom random) {
        try (PredictorModel view = new PredictorModel(model, s.watchdog)) {
          float[][] rows = s.call("generateSong", view, PredictorModel.oneHot(seed), notes, new DrawsFrom(random));
          return PredictorModel.notes(rows, notes);
        }
      }
    };
  }

  private static CamStep cam(Student s) {
    return (tf, model, classIndex, imageSize) -> {
      List<Operand<TFloat32>> skips = model.skips();
      XrayModel view = new XrayModel((Graph) tf.scope().env(), model.images(), skips.get(0), skips.get(1),
          skips.get(2), skips.get(3), model.globalAveragePool(), model.logits());
      FeaturesWeights fw = s.call("extractFeaturesWeights", view);
      Operand<TFloat32> cam = s.call("computeCam", tf, fw.featureMaps(), fw.denseWeights(), classIndex);
      Operand<TFloat32> up = s.call("upsample", tf, cam, imageSize);
      return tf.reshape(up, tf.constant(new long[] {-1, imageSize, imageSize}));
    };
  }

  /** A workspace's compiled lab file, which of the plugged tasks are written, and the watchdog over its calls. */
  private static final class Student {
    final Path workspace;
    final StudentCode code;
    final List<String> yours = new ArrayList<>();
    final List<String> labsOwn = new ArrayList<>();
    final Watchdog watchdog;

    private Student(Path workspace, StudentCode code, long seconds) {
      this.workspace = workspace;
      this.code = code;
      this.watchdog = new Watchdog("student-code", seconds);
    }

    /**
     * Compiles the lab's file; the first {@code required} of {@code tasks} must be written, the others run as the
     * lab's own until they are. Prints which is which, and a warning for each written task that fails its check.
     */
    static Student load(Path workspace, Lab lab, List<String> tasks, int required, long seconds) {
      Workspace ws = Workspace.at(workspace);
      if (!ws.started(lab)) {
        throw new UserError(workspace + ": no " + lab.fileName() + "; start it with './labs exercises start "
            + lab.id() + " --dir " + workspace + "'");
      }
      String source = ws.read(lab);
      InMemoryCompiler.Compilation compiled = InMemoryCompiler.compile(ws.file(lab), ws.shownAs(lab),
          lab.className());
      if (!compiled.succeeded()) {
        throw new UserError(compiled.errors().lines().findFirst().orElse(ws.shownAs(lab)) + " (see './labs "
            + "exercises check " + workspace + "')");
      }
      Student s = new Student(workspace, new StudentCode(compiled.mainClass()), seconds);
      for (int i = 0; i < tasks.size(); i++) {
        boolean written = SourceEditor.state(source, tasks.get(i)) != SourceEditor.State.TODO;
        if (!written && i < required) {
          throw new UserError(ws.file(lab) + ": " + tasks.get(i) + " is not written yet (it still throws its TODO)");
        }
        (written ? s.yours : s.labsOwn).add(tasks.get(i));
      }
      System.out.println("Your code from " + workspace + ": " + String.join(", ", s.yours)
          + (s.labsOwn.isEmpty() ? "" : "; the lab's own " + String.join(", ", s.labsOwn) + " (not written yet)"));
      for (String task : s.yours) {
        Verdict v = ExerciseSteps.grade(lab.task(task).orElseThrow(), s.code, seconds);
        if (v.message().startsWith(Watchdog.TimedOut.PREFIX)) {
          // The run would hang the same way: say so now rather than after another minute.
          throw new UserError("your " + task + " " + v.message() + " (it did in its check)");
        }
        if (!v.passed()) {
          System.out.println("Warning: your " + task + " fails its check, and runs as it is: " + shorter(v.message()));
        }
      }
      return s;
    }

    boolean yours(String task) {
      return yours.contains(task);
    }

    Origin origin() {
      return new Origin(workspace.toAbsolutePath().normalize().toString(), List.copyOf(yours), List.copyOf(labsOwn));
    }

    /** Calls the task under the watchdog; whatever goes wrong is one line naming the task. */
    <T> T call(String task, Object... args) {
      Callable<T> work = () -> code.call(task, args);
      try {
        return watchdog.run(work);
      } catch (Watchdog.TimedOut e) {
        throw new UserError("your " + task + " " + e.getMessage());
      } catch (ExecutionException e) {
        if (e.getCause() instanceof StudentException student) {
          throw new UserError("your " + task + " " + student.getMessage());
        }
        if (e.getCause() instanceof UserError user) {
          throw user;
        }
        throw new UserError("your " + task + " failed: " + code.explain(e.getCause()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UserError("interrupted while your " + task + " ran");
      }
    }

    private static String shorter(String message) {
      return message.length() <= 200 ? message : message.substring(0, 197) + "...";
    }
  }

  /** The student's {@code java.util.Random}, drawing from the lab's seeded generator (so a seed gives one song). */
  static final class DrawsFrom extends Random {
    private static final long serialVersionUID = 1L;
    private final transient SplittableRandom source;

    DrawsFrom(SplittableRandom source) {
      super(0);
      this.source = source;
    }

    @Override
    protected int next(int bits) {
      return source.nextInt() >>> (32 - bits);
    }
  }
}
