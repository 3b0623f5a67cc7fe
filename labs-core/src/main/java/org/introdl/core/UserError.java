package org.introdl.core;

/**
 * A mistake in what the user gave us (a bad file, a bad value): the CLI prints its message as one line and exits
 * non-zero, without a stack trace. Messages name the file or option and say what is wrong with it.
 */
public class UserError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UserError(String message) {
    super(message);
  }

  public UserError(String message, Throwable cause) {
    super(message, cause);
  }

  /** A problem with one file: "{file}: {problem}". */
  public static UserError inFile(java.nio.file.Path file, String problem) {
    return new UserError(file + ": " + problem);
  }
}
