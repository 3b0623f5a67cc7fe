package org.introdl.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * {@code ./labs notebook lab2 --exercises DIR}: the training cell runs the student's code from the workspace. A
 * deliberately wrong student (a loss twice the mean, an accuracy that is always 0.25) shows in what the cell prints,
 * and the same cells without a workspace print the lab's own numbers.
 */
class NotebookExercisesTest {
  private static final Pattern SUMMARY = Pattern.compile("loss (\\d+\\.\\d{3}) -> \\d+\\.\\d{3}, accuracy (\\d\\.\\d{3})");

  @TempDir Path home;

  @Test
  void theTrainingCellRunsTheStudentsLossAndAccuracyFromTheWorkspace() throws Exception {
    Path ws = wrongStudent();
    Notebook upToTraining = upTo(Notebook.load(Notebook.Lab.lab2), "2.5 Train the LSTM");
    assertEquals(List.of("2.5 Train the LSTM", "2.6 Generate a song"),
        NotebookRunner.exerciseCells(Notebook.load(Notebook.Lab.lab2)));

    NotebookRunner.Report student = NotebookRunner.run(upToTraining, true, Optional.of(ws), Optional.empty());
    NotebookRunner.Report lab = NotebookRunner.run(upToTraining, true, Optional.empty(), Optional.empty());

    assertTrue(student.passed(), () -> student.runs().toString());
    assertTrue(lab.passed(), () -> lab.runs().toString());
    String studentOut = training(student).output();
    String labOut = training(lab).output();
    assertTrue(studentOut.contains("Your code from " + ws + ": rnn, lossOp, trainOp, accuracy"), studentOut);
    assertTrue(!labOut.contains("Your code from"), labOut);
    Matcher yours = summary(studentOut);
    Matcher labs = summary(labOut);
    // The first loss is before any update: the same weights and batch, so the student's is twice the lab's.
    double labFirst = Double.parseDouble(labs.group(1));
    assertEquals(2 * labFirst, Double.parseDouble(yours.group(1)), 0.0021, studentOut + "\n" + labOut);
    assertEquals("0.250", yours.group(2), studentOut);
    assertNotEquals("0.250", labs.group(2), labOut);
  }

  /** A solved lab2 workspace whose lossOp returns twice the mean and whose accuracy is always 0.25. */
  private Path wrongStudent() throws Exception {
    Path ws = home.resolve("ws");
    ExerciseSteps.start("lab2", ws);
    ExerciseSteps.solve(ws, Optional.empty());
    Path file = ws.resolve("lab2/Lab2Music.java");
    String source = Files.readString(file);
    String loss = "return tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, outputVec).loss(), tf.constant(0));";
    String accuracy = "return tf.math.mean(correct, tf.constant(0));";
    assertTrue(source.contains(loss) && source.contains(accuracy), "the reference solution changed: update the test");
    Files.writeString(file, source.replace(loss, "return tf.math.mul(tf.constant(2f), tf.math.mean("
        + "tf.nn.softmaxCrossEntropyWithLogits(logits, outputVec).loss(), tf.constant(0)));")
        .replace(accuracy, "return tf.constant(0.25f);"));
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

  private static NotebookRunner.CellRun training(NotebookRunner.Report report) {
    return report.runs().get(report.runs().size() - 1);
  }

  private static Matcher summary(String output) {
    Matcher m = SUMMARY.matcher(output);
    assertTrue(m.find(), output);
    return m;
  }
}
