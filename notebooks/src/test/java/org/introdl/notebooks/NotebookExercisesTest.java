package org.introdl.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.introdl.exercises.ExerciseSteps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./labs notebook lab2 --exercises DIR}: the training and generation cells run the student's code from the
 * workspace. A deliberately wrong student (a loss twice the mean, an accuracy always 0.25, a sampler that throws) shows
 * in what the cells print, and the same cells without a workspace print the lab's own numbers.
 */
class NotebookExercisesTest {
  private static final Pattern SUMMARY =
      Pattern.compile("loss (\\d+\\.\\d{3}) -> \\d+\\.\\d{3}, accuracy (\\d\\.\\d{3})");

  @TempDir Path home;

  @Test
  void theTrainingAndSamplingCellsRunTheStudentsCodeFromTheWorkspace() throws Exception {
    Path ws = wrongStudent();
    Notebook notebook = Notebook.load(Notebook.Lab.lab2);
    assertEquals(List.of("2.5 Train the LSTM", "2.6 Generate a song"), NotebookRunner.exerciseCells(notebook));

    NotebookRunner.Report student = NotebookRunner.run(notebook, true, Optional.of(ws), Optional.empty());
    NotebookRunner.Report lab = QuickRuns.of(Notebook.Lab.lab2);

    assertTrue(lab.passed(), () -> lab.runs().toString());
    assertEquals(notebook.codeCells().size(), student.runs().size(), () -> student.runs().toString());
    String studentOut = cell(student, "2.5 Train the LSTM").output();
    String labOut = cell(lab, "2.5 Train the LSTM").output();
    assertTrue(cell(student, "2.5 Train the LSTM").failure().isEmpty(), studentOut);
    assertTrue(studentOut.contains("Your code from " + ws + ": rnn, lossOp, trainOp, accuracy"), studentOut);
    assertFalse(labOut.contains("Your code from"), labOut);
    Matcher yours = summary(studentOut);
    Matcher labs = summary(labOut);
    // The first loss is before any update: the same weights and batch, so the student's is twice the lab's.
    double labFirst = Double.parseDouble(labs.group(1));
    assertEquals(2 * labFirst, Double.parseDouble(yours.group(1)), 0.0021, studentOut + "\n" + labOut);
    assertEquals("0.250", yours.group(2), studentOut);
    assertNotEquals("0.250", labs.group(2), labOut);
    // The student's sampler throws: the generation cell fails in one line naming it, as it calls the student's code.
    String generation = cell(student, "2.6 Generate a song").failure().orElseThrow();
    assertTrue(generation.startsWith("lab2 cell 12 \"2.6 Generate a song\" failed: your "), generation);
    assertTrue(generation.contains("a wrong sampler") && !generation.contains("UserError"), generation);
  }

  @Test
  void aWorkspaceWithoutTheTaskWrittenIsOneLineNamingTheCell() {
    Path ws = home.resolve("fresh");
    ExerciseSteps.start("lab2", ws);
    Notebook upToTraining = upTo(Notebook.load(Notebook.Lab.lab2), "2.5 Train the LSTM");
    NotebookRunner.Report report = NotebookRunner.run(upToTraining, true, Optional.of(ws), Optional.empty());
    assertEquals(Optional.of("lab2 cell 10 \"2.5 Train the LSTM\" failed: " + ws.resolve("lab2/Lab2Music.java")
        + ": rnn is not written yet (it still throws its TODO)"), cell(report, "2.5 Train the LSTM").failure());
  }

  /** A solved lab2 workspace whose lossOp is twice the mean, whose accuracy is always 0.25, whose sampler throws. */
  private Path wrongStudent() throws Exception {
    Path ws = home.resolve("ws");
    ExerciseSteps.start("lab2", ws);
    ExerciseSteps.solve(ws, Optional.empty());
    Path file = ws.resolve("lab2/Lab2Music.java");
    String source = Files.readString(file);
    String loss = "return tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, outputVec).loss(), tf.constant(0));";
    String accuracy = "return tf.math.mean(correct, tf.constant(0));";
    String draw = "double u = random.nextDouble();";
    assertTrue(source.contains(loss) && source.contains(accuracy) && source.contains(draw),
        "the reference solution changed: update the test");
    Files.writeString(file, source.replace(loss, "return tf.math.mul(tf.constant(2f), tf.math.mean("
        + "tf.nn.softmaxCrossEntropyWithLogits(logits, outputVec).loss(), tf.constant(0)));")
        .replace(accuracy, "return tf.constant(0.25f);")
        .replace(draw, "if (random != null) throw new IllegalStateException(\"a wrong sampler\");\n    " + draw));
    return ws;
  }

  private static Notebook upTo(Notebook notebook, String lastTitle) {
    List<Notebook.Cell> cells = notebook.cells();
    int last = 0;
    while (!lastTitle.equals(cells.get(last).title())) {
      last++;
    }
    return new Notebook(notebook.lab(), notebook.title(), notebook.from(), cells.subList(0, last + 1));
  }

  private static NotebookRunner.CellRun cell(NotebookRunner.Report report, String title) {
    return report.runs().stream().filter(r -> title.equals(r.cell().title())).findFirst().orElseThrow(
        () -> new AssertionError("no cell " + title + " ran: " + report.runs()));
  }

  private static Matcher summary(String output) {
    Matcher m = SUMMARY.matcher(output);
    assertTrue(m.find(), output);
    return m;
  }
}
