package org.introdl.core.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Why a worker crashed, in one phrase, from what it left in its folder: TensorFlow's own fatal line in the native log
 * (a failed CHECK, an uncaught C++ exception) or the JVM's crash report ({@code hs_err_pid*.log}: the signal and the
 * library it hit).
 */
final class CrashReports {
  private CrashReports() {}

  /** The reason the child crashed, or empty if it exited normally (an exit code below 128 and no crash report). */
  static String reason(Path folder, String nativeLogName, int exitCode) {
    List<String> report = crashReport(folder);
    if (exitCode < 128 && report.isEmpty()) {
      return "";
    }
    // Read only for a crash: after a normal exit the log can be long and says nothing here.
    List<String> log = lines(folder.resolve(nativeLogName));
    for (String line : log) {
      int check = line.indexOf("Check failed");
      if (check >= 0) {
        return line.substring(check).strip();
      }
    }
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i).contains("terminate called")) {
        String what = i + 1 < log.size() && log.get(i + 1).contains("what():") ? log.get(i + 1).strip() : "";
        return log.get(i).strip() + (what.isEmpty() ? "" : " (" + what + ")");
      }
    }
    return fromCrashReport(report, exitCode);
  }

  /** A reason that says memory ran out (an allocation failed under the address-space limit). */
  static boolean isMemory(String reason) {
    String r = reason.toLowerCase(Locale.ROOT);
    return r.contains("bad_alloc") || r.contains("insufficient memory") || r.contains("outofmemory")
        || r.contains("out of memory");
  }

  /** "# SIGSEGV (0xb) at pc=..." and "# C  [libtensorflow_cc.so.2+0x...]": the signal and where. */
  private static String fromCrashReport(List<String> report, int exitCode) {
    String signal = null;
    String frame = null;
    for (int i = 0; i < report.size(); i++) {
      String line = report.get(i).replaceFirst("^#\\s*", "").strip();
      if (signal == null && (line.startsWith("SIG") || line.startsWith("There is insufficient memory")
          || line.startsWith("Out of Memory") || line.contains("OutOfMemory"))) {
        signal = line.split(" at pc=")[0];
      } else if (report.get(i).startsWith("# Problematic frame:") && i + 1 < report.size()) {
        frame = report.get(i + 1).replaceFirst("^#\\s*", "").strip();
      }
    }
    if (signal == null) {
      return exitCode >= 128 ? "killed by signal " + (exitCode - 128) : "a fatal error in the JVM";
    }
    return frame == null ? signal : signal + " in " + frame;
  }

  private static List<String> crashReport(Path folder) {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(f -> f.getFileName().toString().startsWith("hs_err_pid")).findFirst()
          .map(CrashReports::lines).orElse(List.of());
    } catch (IOException e) {
      return List.of();
    }
  }

  private static List<String> lines(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
