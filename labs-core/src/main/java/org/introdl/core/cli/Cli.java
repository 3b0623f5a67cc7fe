package org.introdl.core.cli;

import java.io.PrintWriter;
import org.introdl.core.UserError;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * How every command of {@code ./labs} reports trouble: a user's mistake is one line on stderr and a non-zero exit
 * (2 for a bad option or value, 1 for a bad file or other bad input); only {@code --debug} adds a stack trace.
 */
public final class Cli {
  /** Exit code for a bad option or value (picocli's usage error). */
  public static final int EXIT_USAGE = 2;
  /** Exit code for bad input data (an unreadable file, a wrong shape). */
  public static final int EXIT_BAD_INPUT = 1;
  /** Exit code for a bug: something the program should have handled. */
  public static final int EXIT_INTERNAL = 70;

  private Cli() {}

  /** Wires the one-line error handlers into {@code commandLine}. */
  public static CommandLine configure(CommandLine commandLine, boolean debug) {
    // "--input @x.npy" names an input file: picocli must not read it as a file of arguments.
    commandLine.setExpandAtFiles(false);
    commandLine.setParameterExceptionHandler((ParameterException e, String[] args) -> {
      PrintWriter err = e.getCommandLine().getErr();
      String where = e.getCommandLine().getCommandSpec().qualifiedName();
      err.println(where + ": " + oneLine(e.getMessage()) + " (see '" + where + " --help')");
      if (debug) {
        e.printStackTrace(err);
      }
      return EXIT_USAGE;
    });
    commandLine.setExecutionExceptionHandler((Exception e, CommandLine cmd, CommandLine.ParseResult parsed) -> {
      PrintWriter err = cmd.getErr();
      String where = cmd.getCommandSpec().qualifiedName();
      if (e instanceof ParameterException pe) {
        err.println(where + ": " + oneLine(pe.getMessage()) + " (see '" + where + " --help')");
        return EXIT_USAGE;
      }
      UserError userError = findUserError(e);
      if (userError != null) {
        err.println(where + ": error: " + oneLine(userError.getMessage()));
        if (debug) {
          e.printStackTrace(err);
        }
        return EXIT_BAD_INPUT;
      }
      err.println(where + ": internal error: " + oneLine(String.valueOf(e)) + (debug ? "" : " (run with --debug for details)"));
      if (debug) {
        e.printStackTrace(err);
      }
      return EXIT_INTERNAL;
    });
    return commandLine;
  }

  /** A parameter error raised from inside a command, e.g. after validating a value. */
  public static ParameterException badValue(CommandLine.Model.CommandSpec spec, String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private static UserError findUserError(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof UserError u) {
        return u;
      }
    }
    return null;
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", "; ");
  }
}
