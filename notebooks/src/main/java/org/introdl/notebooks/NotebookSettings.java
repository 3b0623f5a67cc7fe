package org.introdl.notebooks;

import java.nio.file.Path;
import java.util.Optional;
import org.introdl.core.LabPaths;
import org.introdl.core.exercises.ExerciseCode;

/**
 * What a notebook's cells ask of the place they run in: whether to train on small settings
 * ({@code ./labs notebook LAB --run --quick} sets it; in jshell or Jupyter the lab's own settings hold), and where to
 * write files ({@code out/notebook-LAB}), and whose code runs the exercise tasks: the student's, from the workspace
 * {@code ./labs notebook LAB --exercises DIR} names, or the lab's own.
 */
public final class NotebookSettings {
  /** System property: {@code true} asks the cells that train for small settings. */
  public static final String QUICK = "introdl.notebook.quick";

  /** System property: the exercise workspace whose code the cells holding an exercise task call. */
  public static final String EXERCISES = "introdl.notebook.exercises";

  /** What a cell calls to use the student's code: this, in the cell source, marks a cell that holds a task. */
  public static final String YOUR_CODE_CALL = "NotebookSettings.yourCode";

  private NotebookSettings() {}

  /** Whether the cells that train should use small settings (a few steps, small images). */
  public static boolean quick() {
    return Boolean.getBoolean(QUICK);
  }

  /** The folder a lab's cells write into. */
  public static Path outputDir(String lab) {
    return LabPaths.defaultOutputDir().resolve("notebook-" + lab);
  }

  /** The exercise workspace given with {@code --exercises}, if any. */
  public static Optional<Path> exercises() {
    String dir = System.getProperty(EXERCISES, "");
    return dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir));
  }

  /**
   * The student's code for one of the lab's exercise seams (the music lab's {@code MusicLstm.Rnn} and
   * {@code SongSampler.NoteSampler}, the x-ray lab's {@code CamStep}) from the workspace given with
   * {@code --exercises}; {@code null} without one, which the lab's classes read as "the lab's own code".
   * Loading it prints which of the seam's tasks are the student's.
   */
  public static <T> T yourCode(Class<T> seam) {
    return exercises().map(dir -> ExerciseCode.load(dir, seam)).orElse(null);
  }

  /** As {@link #yourCode}, with {@code labsOwn} in place of the student's code when no workspace was given. */
  public static <T> T yourCodeOr(Class<T> seam, T labsOwn) {
    return exercises().isPresent() ? yourCode(seam) : labsOwn;
  }
}
