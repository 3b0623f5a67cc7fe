package org.introdl.exercises.grading;

/**
 * A classic mistake a grader recognises: a short key (for tests and the catalogue) and the teaching message its
 * failure line starts with.
 */
public record Mistake(String key, String message) {
  /** The failure for this mistake, with the numbers that show it. */
  public Verdict verdict(String evidence) {
    return Verdict.fail(message + " " + evidence);
  }
}
