package org.introdl.core.exercises;

import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.introdl.core.UserError;

/**
 * A student's functions from an exercise workspace, plugged into a lab at one of the notebook's seams (the music
 * lab's {@code RNN(input_vec, weights, biases)} and note sampler, the x-ray lab's CAM). A lab names the seam by its
 * own interface; the exercises module, found through {@link ServiceLoader}, compiles the workspace and returns an
 * implementation that calls the student's code. So the labs never depend on the exercises module.
 */
public interface ExerciseCode {
  /**
   * Where a plugged-in implementation came from: the workspace, the tasks whose code is the student's, and the tasks
   * the lab ran its own code for (not written yet in the student's file). Recorded in a run's {@code run.json}.
   */
  record Origin(String workspace, List<String> yours, List<String> labsOwn) {}

  /** What a plugged-in implementation says about itself. */
  interface Plugged {
    Origin origin();
  }

  /** The student's implementation of {@code seam}, from the workspace at {@code workspace}. */
  <T> T plug(Path workspace, Class<T> seam);

  /** {@link #plug} through the installed exercises module. */
  static <T> T load(Path workspace, Class<T> seam) {
    ExerciseCode provider = ServiceLoader.load(ExerciseCode.class).findFirst().orElseThrow(() -> new UserError(
        "--exercises needs the exercises module, which is not on the classpath"));
    return provider.plug(workspace, seam);
  }
}
