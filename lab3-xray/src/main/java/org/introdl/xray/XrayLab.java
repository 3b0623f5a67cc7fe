package org.introdl.xray;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.introdl.core.UserError;

/** The lab's main job for `./labs run`: a short end-to-end run on built-in defaults, offline. */
public final class XrayLab {
  private XrayLab() {}

  /** Runs the lab end to end into {@code outDir}; returns the files a user should look at. */
  public static List<Path> runMainJob(Path outDir, PrintStream out) {
    throw new UserError("XrayLab: not built yet");
  }

  /** `./labs data fetch` for this lab: downloads the lab's data (pinned URLs, SHA-256 checked) into {@code dir}. */
  public static Path fetchData(Path dir, PrintStream out) {
    throw new UserError("XrayLab: data fetch not built yet");
  }
}
