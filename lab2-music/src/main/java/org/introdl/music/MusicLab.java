package org.introdl.music;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.introdl.core.UserError;

/** The lab's main job for `./labs run`: a short end-to-end run on built-in defaults, offline. */
public final class MusicLab {
  private MusicLab() {}

  /** Runs the lab end to end into {@code outDir}; returns the files a user should look at. */
  public static List<Path> runMainJob(Path outDir, PrintStream out) {
    throw new UserError("MusicLab: not built yet");
  }

  /** `./labs data fetch` for this lab: downloads the lab's data (pinned URLs, SHA-256 checked) into {@code dir}. */
  public static Path fetchData(Path dir, PrintStream out) {
    throw new UserError("MusicLab: data fetch not built yet");
  }
}
