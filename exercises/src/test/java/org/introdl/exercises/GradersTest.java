package org.introdl.exercises;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.introdl.exercises.grading.Lab;
import org.introdl.exercises.grading.Mistake;
import org.introdl.exercises.grading.StudentCode;
import org.introdl.exercises.grading.Task;
import org.introdl.exercises.grading.Verdict;
import org.introdl.exercises.workspace.InMemoryCompiler;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every grader can tell right from wrong: it fails on the untouched task file, passes on the reference solution, and
 * fails with its own teaching message on each catalogued mistake, made here by editing the reference.
 */
class GradersTest {
  @TempDir static Path dir;

  private static StudentCode compile(Lab lab, String source, String tag) throws IOException {
    Path folder = Files.createDirectories(dir.resolve(tag));
    Path file = folder.resolve(lab.fileName());
    Files.writeString(file, source);
    InMemoryCompiler.Compilation c = InMemoryCompiler.compile(file, lab.fileName(), lab.className());
    assertTrue(c.succeeded(), () -> tag + " does not compile:\n" + c.errors());
    return new StudentCode(c.mainClass());
  }

  @TestFactory
  Stream<DynamicTest> referenceSolutionsPass() {
    return Exercises.labs().stream().map(lab -> DynamicTest.dynamicTest(lab.id(), () -> {
      StudentCode code = compile(lab, Exercises.referenceSource(lab), lab.id() + "-reference");
      for (Task task : lab.tasks()) {
        Verdict v = ExerciseSteps.grade(task, code);
        assertTrue(v.passed(), () -> task.name() + ": " + v.message());
      }
    }));
  }

  @TestFactory
  Stream<DynamicTest> untouchedTaskFilesFail() {
    return Exercises.labs().stream().map(lab -> DynamicTest.dynamicTest(lab.id(), () -> {
      StudentCode code = compile(lab, Exercises.templateSource(lab), lab.id() + "-template");
      for (Task task : lab.tasks()) {
        Verdict v = ExerciseSteps.grade(task, code);
        assertFalse(v.passed(), task.name());
        assertTrue(v.message().startsWith("not done yet: "), () -> task.name() + ": " + v.message());
      }
    }));
  }

  @TestFactory
  Stream<DynamicTest> eachCataloguedMistakeGetsItsMessage() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Lab lab : Exercises.labs()) {
      for (Task task : lab.tasks()) {
        for (Mistake mistake : task.mistakes()) {
          tests.add(DynamicTest.dynamicTest(task.name() + " / " + mistake.key(), () -> {
            var edits = Mutations.BY_TASK.getOrDefault(task.name(), Map.of()).get(mistake.key());
            assertTrue(edits != null, "no mutation for " + task.name() + " / " + mistake.key());
            String source = Mutations.apply(Exercises.referenceSource(lab), task.name(), edits);
            StudentCode code = compile(lab, source, task.name() + "-" + mistake.key());
            Verdict v = ExerciseSteps.grade(task, code);
            assertFalse(v.passed(), () -> "passed: " + v.message());
            assertTrue(v.message().startsWith(mistake.message()), () -> "expected the message of " + mistake.key()
                + ", got: " + v.message());
          }));
        }
      }
    }
    return tests.stream();
  }

  @Test
  void aStudentsExceptionIsOneLineNamingTheirLine() throws IOException {
    Lab lab = Exercises.lab("lab1");
    String source = Mutations.apply(Exercises.referenceSource(lab), "collatz",
        List.of(new Mutations.Edit("List<Integer> printed = new ArrayList<>();", "List<Integer> printed = null;")));
    Verdict v = ExerciseSteps.grade(lab.task("collatz").orElseThrow(), compile(lab, source, "npe"));
    assertFalse(v.passed());
    assertTrue(v.message().matches("threw NullPointerException: .* \\(Lab1Basics\\.java:\\d+, in collatz\\)"),
        v.message());
    assertFalse(v.message().contains("\n"));
  }

  @Test
  void aTaskThatNeverEndsIsStopped() throws IOException {
    Lab lab = Exercises.lab("lab1");
    String source = Mutations.apply(Exercises.referenceSource(lab), "collatz", List.of(new Mutations.Edit(
        "List<Integer> printed = new ArrayList<>();", "List<Integer> printed = new ArrayList<>(); "
            + "try { Thread.sleep(600_000); } catch (InterruptedException e) { return printed; }")));
    Verdict v = ExerciseSteps.grade(lab.task("collatz").orElseThrow(), compile(lab, source, "sleeps"), 1);
    assertEquals("did not finish in 1 s: is there a loop that never ends?", v.message());
  }

  @Test
  void everyMutationBelongsToACataloguedMistake() {
    Mutations.BY_TASK.forEach((task, byMistake) -> byMistake.keySet().forEach(key ->
        assertEquals(key, Exercises.task(task).mistake(key).key())));
  }
}
