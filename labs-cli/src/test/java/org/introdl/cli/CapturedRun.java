package org.introdl.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One {@code ./labs} command run in this JVM, with what it printed to stdout and stderr. */
record CapturedRun(int exitCode, String out, String err) {
  static CapturedRun of(String... args) {
    return run(false, args);
  }

  /** As {@code ./labs} runs it: a model from a file runs in a worker process. */
  static CapturedRun isolated(String... args) {
    return run(true, args);
  }

  private static CapturedRun run(boolean isolated, String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = LabsMain.execute(isolated, args);
      return new CapturedRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }
}
