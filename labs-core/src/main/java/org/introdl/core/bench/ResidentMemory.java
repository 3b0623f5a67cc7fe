package org.introdl.core.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's resident set size (RSS), read from {@code /proc/self/status}: native memory included. */
public final class ResidentMemory {
  private ResidentMemory() {}

  /** Current RSS in kB, or -1 where {@code /proc} is not available. */
  public static long kilobytes() {
    Path status = Path.of("/proc/self/status");
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
