package org.introdl.exercises.grading;

/** The student's code threw, or could not be called: the message explains it in one line. */
public final class StudentException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StudentException(String message) {
    super(message);
  }
}
