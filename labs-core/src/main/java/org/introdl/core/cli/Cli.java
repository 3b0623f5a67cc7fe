package org.introdl.core.cli;

import java.io.PrintWriter;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.introdl.core.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How every command of {@code ./labs} reports trouble: a user's mistake is one line on stderr and a non-zero exit
 * (2 for a bad option or value, 1 for a bad file or other bad input); only {@code --debug} adds a stack trace.
 */
public final class Cli {
  /** A dash and the letter after it, in an option name ({@code --checkpoint-every}). */
  private static final Pattern DASH_LETTER = Pattern.compile("-([a-z])");

  /** Exit code for a bad option or value (picocli's usage error). */
  public static final int EXIT_USAGE = 2;
  /** Exit code for bad input data (an unreadable file, a wrong shape). */
  public static final int EXIT_BAD_INPUT = 1;
  /** Exit code after Ctrl-C (128 + SIGINT), as a shell reports it. */
  public static final int EXIT_INTERRUPTED = 130;
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
      err.println(where + ": " + describe(e) + " (see '" + where + " --help')");
      if (debug) {
        e.printStackTrace(err);
      }
      return EXIT_USAGE;
    });
    commandLine.setExecutionExceptionHandler((Exception e, CommandLine cmd, CommandLine.ParseResult parsed) -> {
      PrintWriter err = cmd.getErr();
      String where = cmd.getCommandSpec().qualifiedName();
      if (e instanceof ParameterException pe) {
        String at = pe.getCommandLine().getCommandSpec().qualifiedName();
        err.println(at + ": " + describe(pe) + " (see '" + at + " --help')");
        return EXIT_USAGE;
      }
      if (e instanceof BadOption) {
        err.println(where + ": " + oneLine(e.getMessage()) + " (see '" + where + " --help')");
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

  /**
   * The options the user gave on this command line, as settings keys: the long name in camelCase
   * ({@code --checkpoint-every} -> {@code checkpointEvery}). A resumed run takes every other setting from its
   * {@code run.json}.
   */
  public static Set<String> givenOptions(CommandSpec spec) {
    Set<String> given = new LinkedHashSet<>();
    for (CommandLine.Model.OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
      String name = o.longestName().replaceFirst("^-+", "");
      given.add(DASH_LETTER.matcher(name).replaceAll(r -> r.group(1).toUpperCase(Locale.ROOT)));
    }
    return given;
  }

  /** The error in plain words: a mistyped command or option is named, with the nearest known ones. */
  static String describe(ParameterException e) {
    if (!(e instanceof UnmatchedArgumentException unmatched) || unmatched.getUnmatched().isEmpty()) {
      return oneLine(e.getMessage());
    }
    String typed = unmatched.getUnmatched().get(0);
    CommandSpec spec = e.getCommandLine().getCommandSpec();
    boolean option = typed.startsWith("-");
    Collection<String> known = option ? spec.optionsMap().keySet() : spec.subcommands().keySet();
    String what = option ? "unknown option '" + typed.split("=", 2)[0] + "'"
        : spec.subcommands().isEmpty() ? "unexpected argument '" + typed + "'" : "unknown command '" + typed + "'";
    List<String> near = Suggestions.closest(typed.split("=", 2)[0], known);
    return what + (near.isEmpty() ? "" : "; did you mean " + String.join(" or ", near) + "?");
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
