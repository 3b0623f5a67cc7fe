package org.introdl.savedmodels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.introdl.core.cli.Cli;
import picocli.CommandLine;

/** Runs one of this module's commands as {@code ./labs} would, capturing exit code, stdout and stderr. */
public record CliRun(int exitCode, String out, String err) {

  public static CliRun run(Object command, String... args) {
    CommandLine cli = Cli.configure(new CommandLine(command), false);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** A user error: the given exit code, one line on stderr holding every fragment, no stack trace. */
  public CliRun assertOneLineError(int expectedExit, String... fragments) {
    assertEquals(expectedExit, exitCode, () -> "exit code; stderr: " + err + " stdout: " + out);
    String line = err.strip();
    assertFalse(line.contains("\n"), () -> "more than one line on stderr: " + err);
    assertFalse(line.contains("Exception") && line.contains("\tat "), () -> "stack trace: " + err);
    assertFalse(line.contains("internal error"), () -> "not handled as a user error: " + err);
    for (String f : fragments) {
      assertTrue(line.contains(f), () -> "stderr lacks '" + f + "': " + err);
    }
    return this;
  }

  public CliRun assertOk() {
    assertEquals(0, exitCode, () -> "exit code; stderr: " + err + " stdout: " + out);
    return this;
  }
}
