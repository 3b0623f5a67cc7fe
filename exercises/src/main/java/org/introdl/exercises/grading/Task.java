package org.introdl.exercises.grading;

import java.util.List;

/**
 * One exercise: the method {@code name} of a lab's file, what it asks in a line, its graduated hints, its grader and
 * the classic mistakes the grader recognises.
 */
public record Task(String name, String summary, List<String> hints, Grader grader, List<Mistake> mistakes) {
  /** The mistake with this key (graders report through it, tests look it up). */
  public Mistake mistake(String key) {
    return mistakes.stream().filter(m -> m.key().equals(key)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(name + " has no mistake " + key));
  }
}
