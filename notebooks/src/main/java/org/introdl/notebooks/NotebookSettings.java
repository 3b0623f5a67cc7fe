package org.introdl.notebooks;

import java.nio.file.Path;
import org.introdl.core.LabPaths;

/**
 * What a notebook's cells ask of the place they run in: whether to train on small settings
 * ({@code ./labs notebook LAB --run --quick} sets it; in jshell or Jupyter the lab's own settings hold), and where to
 * write files ({@code out/notebook-LAB}).
 */
public final class NotebookSettings {
  /** System property: {@code true} asks the cells that train for small settings. */
  public static final String QUICK = "introdl.notebook.quick";

  private NotebookSettings() {}

  /** Whether the cells that train should use small settings (a few steps, small images). */
  public static boolean quick() {
    return Boolean.getBoolean(QUICK);
  }

  /** The folder a lab's cells write into. */
  public static Path outputDir(String lab) {
    return LabPaths.defaultOutputDir().resolve("notebook-" + lab);
  }
}
