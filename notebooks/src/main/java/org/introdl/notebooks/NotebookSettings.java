package org.introdl.notebooks;

import java.nio.file.Path;
import org.introdl.core.LabPaths;

/**
 * What a notebook's cells ask of the place they run in: whether to train on small settings, and where to write
 * files. {@code ./labs notebook LAB --run --quick} and the tests set them; in jshell or Jupyter the defaults hold (the
 * lab's own settings, files under {@code out/notebook-LAB}).
 */
public final class NotebookSettings {
  /** System property: {@code true} asks the cells that train for small settings. */
  public static final String QUICK = "introdl.notebook.quick";
  /** System property: the folder the cells write their files into (each lab in its own subfolder). */
  public static final String OUT = "introdl.notebook.out";

  private NotebookSettings() {}

  /** Whether the cells that train should use small settings (a few steps, small images). */
  public static boolean quick() {
    return Boolean.getBoolean(QUICK);
  }

  /** The folder a lab's cells write into. */
  public static Path outputDir(String lab) {
    String root = System.getProperty(OUT);
    return (root == null ? LabPaths.defaultOutputDir() : Path.of(root)).resolve("notebook-" + lab);
  }
}
