package org.introdl.core.cli;

/**
 * A value the settings of a run do not accept, raised where the settings are checked (their record), not in the
 * command: the command line reports it like picocli's own errors, naming the one option, with exit code 2.
 */
public final class BadOption extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String option;

  public BadOption(String option, String problem) {
    super(option + " " + problem);
    this.option = option;
  }

  /** Throws when {@code ok} is false: "{option} {problem}". */
  public static void check(boolean ok, String option, String problem) {
    if (!ok) {
      throw new BadOption(option, problem);
    }
  }

  public String option() {
    return option;
  }
}
