package org.introdl.exercises;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.introdl.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** solve keeps the student's attempt; check tells the reference from the student's own passing code. */
class ExerciseStepsTest {
  @TempDir Path home;

  private Path attempt(Path ws, String task, String body) throws Exception {
    Path file = ws.resolve("lab1/Lab1Basics.java");
    Files.writeString(file, Files.readString(file).replace("throw new UnsupportedOperationException(\"TODO: " + task
        + "\");", body));
    return file;
  }

  @Test
  void solveKeepsTheAttemptItReplacesAndNoUntouchedTemplate() throws Exception {
    Path ws = home.resolve("ws");
    ExerciseSteps.start("lab1", ws);
    Path file = attempt(ws, "collatz", "return List.of(42); // my attempt");
    List<ExerciseSteps.Solved> first = ExerciseSteps.solve(ws, Optional.of("collatz"));
    Path backup = ws.resolve("lab1/Lab1Basics.java.orig");
    assertEquals(backup, first.get(0).backup());
    assertTrue(Files.readString(backup).contains("return List.of(42); // my attempt"));
    assertTrue(!Files.readString(file).contains("my attempt"));

    assertNull(ExerciseSteps.solve(ws, Optional.of("placeholders")).get(0).backup(), "an untouched TODO needs none");
    attempt(ws, "perceptron", "return x; // second attempt");
    Path second = ExerciseSteps.solve(ws, Optional.of("perceptron")).get(0).backup();
    assertEquals(ws.resolve("lab1/Lab1Basics.java.orig.2"), second, "the first backup is not overwritten");
    assertTrue(Files.readString(second).contains("second attempt"));

    assertNull(ExerciseSteps.solve(ws, Optional.of("perceptron")).get(0).backup(), "solving a solved task again");
    Files.writeString(file, Files.readString(file).replace("return tf.math.sigmoid(z);", "return z; // edited"));
    Path third = ExerciseSteps.solve(ws, Optional.of("perceptron")).get(0).backup();
    assertTrue(third != null && Files.readString(third).contains("// edited"), "an edited reference is an attempt");
  }

  @Test
  void checkMarksTheReferenceApartFromTheStudentsOwnPass() throws Exception {
    Path ws = home.resolve("ws");
    ExerciseSteps.start("lab1", ws);
    attempt(ws, "collatz", "List<Integer> out = "
        + "new java.util.ArrayList<>(); Operand<TInt32> a = tf.constant(start); while (a.asTensor().getInt() != 1) { "
        + "a = tf.math.equal(tf.math.floorMod(a, tf.constant(2)), tf.constant(0)).asTensor().getBoolean() ? "
        + "tf.math.floorDiv(a, tf.constant(2)) : tf.math.add(tf.math.mul(a, tf.constant(3)), tf.constant(1)); "
        + "out.add(a.asTensor().getInt()); } return out;");
    ExerciseSteps.solve(ws, Optional.of("placeholders"));
    var results = ExerciseSteps.check(ws, Optional.empty()).labs().get(0).results();
    assertEquals("reference", results.get(0).status());
    assertEquals("passed", results.get(3).status());
    assertEquals("FAILED", results.get(1).status());
  }

  @Test
  void aMistypedTaskGetsTheNearestName() {
    UserError e = assertThrows(UserError.class, () -> Exercises.task("sampleNextnote"));
    assertEquals("no task 'sampleNextnote'; did you mean 'sampleNextNote'?", e.getMessage());
  }

  @Test
  void startWritesAPomOnTheLabsArtifactsAndAReadmeNamingTheApiAndOps() throws Exception {
    Path ws = home.resolve("ws");
    ExerciseSteps.Started started = ExerciseSteps.start("lab2", ws);
    String pom = Files.readString(started.pom());
    var versions = org.introdl.exercises.workspace.WorkspacePom.Versions.ofThisBuild();
    assertTrue(!versions.version().contains("${") && !versions.tensorflow().contains("${"), versions.toString());
    assertTrue(pom.contains("<artifactId>exercises</artifactId>\n      <version>" + versions.version() + "</version>"), pom);
    assertTrue(pom.contains("<artifactId>tensorflow-core-api</artifactId>\n      <version>" + versions.tensorflow()), pom);
    javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(started.pom().toFile());

    String readme = Files.readString(started.readme());
    var names = java.util.regex.Pattern.compile("- `([\\w.]+)`: ").matcher(readme).results().map(m -> m.group(1)).toList();
    for (var task : Exercises.lab("lab2").tasks()) {
      assertTrue(readme.contains("- `" + task.name() + "`: " + task.summary() + ". Uses "), task.name());
      assertTrue(!readme.contains(task.summary() + ". Uses null"), task.name());
    }
    long classes = names.stream().filter(n -> n.contains(".")).peek(n -> {
      try {
        Class.forName(n);
      } catch (ClassNotFoundException e) {
        throw new AssertionError("the README names a class that does not exist: " + n);
      }
    }).count();
    assertEquals(4, classes, readme);
  }

  /** Hint 3 sketches the code: no hint may hold a statement of the reference solution as it is written. */
  @Test
  void noHintGivesAwayALineOfTheReference() {
    for (var lab : Exercises.labs()) {
      String reference = Exercises.referenceSource(lab);
      for (var task : lab.tasks()) {
        assertEquals(3, task.hints().size(), task.name());
        for (String line : org.introdl.exercises.workspace.SourceEditor.statements(reference, task.name()).split("\n")) {
          String statement = line.strip();
          if (statement.length() < 16) {
            continue; // "return h;" and braces give nothing away
          }
          for (String hint : task.hints()) {
            assertTrue(!hint.contains(statement), task.name() + ": a hint holds the line " + statement);
          }
        }
      }
    }
  }
}
