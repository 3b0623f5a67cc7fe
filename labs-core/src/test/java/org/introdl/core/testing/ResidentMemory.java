package org.introdl.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's resident set size (RSS), read from {@code /proc/self/status}: native memory included. */
public final class ResidentMemory {
  private ResidentMemory() {}

  /**
   * RSS minus the JVM's own committed heap and non-heap memory, in kB: what TensorFlow's native side holds. A
   * growing Java heap raises RSS without any leak; this number does not move with it.
   */
  public static long nativeKilobytes() {
    long rss = kilobytes();
    if (rss < 0) {
      return -1;
    }
    var memory = java.lang.management.ManagementFactory.getMemoryMXBean();
    long jvm = memory.getHeapMemoryUsage().getCommitted() + memory.getNonHeapMemoryUsage().getCommitted();
    return rss - jvm / 1024;
  }

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
