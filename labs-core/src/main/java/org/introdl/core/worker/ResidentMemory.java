package org.introdl.core.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's memory as Linux reports it in {@code /proc/PID/status}: resident now and at its peak. */
final class ResidentMemory {
  private ResidentMemory() {}

  /** Resident memory now ({@code VmRSS}) and the most so far ({@code VmHWM}), in bytes; zeros once it is gone. */
  record Sample(long residentBytes, long peakBytes) {}

  static Sample of(long pid) {
    try {
      long rss = 0;
      long hwm = 0;
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = kilobytes(line);
        } else if (line.startsWith("VmHWM:")) {
          hwm = kilobytes(line);
        }
      }
      return new Sample(rss, Math.max(rss, hwm));
    } catch (IOException | RuntimeException gone) {
      return new Sample(0, 0);
    }
  }

  /** "VmRSS:	  123456 kB" in bytes. */
  private static long kilobytes(String line) {
    String[] parts = line.substring(line.indexOf(':') + 1).strip().split("\\s+");
    return Long.parseLong(parts[0]) << 10;
  }
}
