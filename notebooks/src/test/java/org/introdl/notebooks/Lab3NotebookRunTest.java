package org.introdl.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.introdl.core.testing.SharedFixtures;
import org.introdl.exercises.ExerciseSteps;
import org.introdl.notebooks.cli.NotebookCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ./labs notebook lab3 --run --quick}: every cell runs; the 2018 notebook was saved without outputs, and the
 * one sentence its code prints (whether the x-ray shown has a pneumothorax) is checked against its words in
 * {@code shared/data/lab-reference}. {@code --exercises DIR}: the CAM cell runs the student's code.
 */
class Lab3NotebookRunTest {
  private static final Pattern RATES = Pattern.compile("peak inside the lesion for \\d+% of the positives, within one"
      + " feature-map cell for \\d+%");
  private static NotebookRunner.Report report;
  private static JsonNode xray;

  @TempDir Path home;

  @BeforeAll
  static void runTheNotebook() throws IOException {
    xray = new ObjectMapper().readTree(SharedFixtures.require("lab-reference/reference-outputs.json").toFile())
        .path("lab2_part2_pneumothorax_cnn_cam");
    report = QuickRuns.of(Notebook.Lab.lab3);
  }

  @Test
  void everyCellRunsOnTheQuickSettingsAndWritesItsPictures() {
    report.runs().forEach(run -> assertEquals(Optional.empty(), run.failure()));
    assertTrue(report.passed());
    assertEquals(List.of(), xray.path("printed_outputs").findValuesAsText("stdout"),
        "the 2018 notebook printed nothing: if the reference gains outputs, check them here");
    for (String picture : List.of("loss.png", "roc.png", "cam-sheet.png")) {
      assertTrue(report.runs().stream().anyMatch(r -> r.output().contains(picture)), picture + " in " + report);
    }
  }

  @Test
  void theDataCellSaysWhetherTheXrayHasAPneumothoraxInTheNotebooksWords() {
    String meaning = xray.path("dataset").path("label_meaning").asText();
    assertTrue(meaning.contains("'This X-Ray HAS a pneumothorax' when argmax is 1"), meaning);
    assertEquals(12, xray.path("dataset").path("visualised_train_index").asInt());
    String data = QuickRuns.cell(report, "The data").output();
    assertTrue(data.lines().anyMatch(line -> line.equals("This X-Ray HAS a pneumothorax")
        || line.equals("This X-Ray does NOT have a pneumothorax")), data);
  }

  @Test
  void withExercisesTheCamCellRunsTheStudentsCodeAndASolvedWorkspacePrintsTheLabsNumbers() throws Exception {
    Path ws = solvedStudentWhoSaysSo();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    int exit;
    try {
      System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
      exit = new CommandLine(new NotebookCommand()).execute("lab3", "--run", "--quick", "--exercises", ws.toString());
    } finally {
      System.setOut(stdout);
    }
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, printed);
    assertTrue(printed.startsWith("Exercises: your code from " + ws + " runs in the cells Class Activation Maps"),
        printed);
    assertTrue(printed.contains("Your code from " + ws + ": extractFeaturesWeights, computeCam, upsample"), printed);
    assertTrue(printed.contains("the student's computeCam ran"), printed);
    String labs = QuickRuns.cell(report, "Class Activation Maps").output();
    assertFalse(labs.contains("the student's computeCam ran"), labs);
    assertEquals(rates(labs), rates(printed), "the reference solution draws the lab's maps");
  }

  /** A solved lab3 workspace whose computeCam prints a line when it runs. */
  private Path solvedStudentWhoSaysSo() throws IOException {
    Path ws = home.resolve("ws");
    ExerciseSteps.start("lab3", ws);
    ExerciseSteps.solve(ws, Optional.empty());
    Path file = ws.resolve("lab3/Lab3Xray.java");
    String source = Files.readString(file);
    String body = "long[] shape = featureMaps.shape().asArray();";
    assertTrue(source.contains(body), "the reference solution changed: update the test");
    Files.writeString(file, source.replace(body, "System.out.println(\"the student's computeCam ran\");\n    " + body));
    return ws;
  }

  private static String rates(String output) {
    Matcher m = RATES.matcher(output);
    assertTrue(m.find(), output);
    return m.group();
  }
}
