package org.introdl.exercises.grading;

/** Checks one task of a student's compiled lab file by running it and comparing with an independent reference. */
@FunctionalInterface
public interface Grader {
  Verdict grade(StudentCode code);
}
