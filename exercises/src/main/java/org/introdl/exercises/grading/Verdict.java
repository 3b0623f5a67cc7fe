package org.introdl.exercises.grading;

/** A grader's answer for one task: passed, or failed with one line that says what was wrong and what was expected. */
public record Verdict(boolean passed, String message) {
  public static Verdict pass(String message) {
    return new Verdict(true, message);
  }

  public static Verdict fail(String message) {
    return new Verdict(false, message);
  }
}
