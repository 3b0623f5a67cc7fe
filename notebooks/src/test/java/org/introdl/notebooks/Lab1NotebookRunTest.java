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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.introdl.core.testing.SharedFixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ./labs notebook lab1 --run}: every cell runs in JShell, and each value the 2018 notebook printed
 * ({@code shared/data/lab-reference/reference-outputs.json}, taken from the notebook's saved outputs) is printed by
 * the Java cell that stands for the notebook's cell.
 */
class Lab1NotebookRunTest {
  private static NotebookRunner.Report report;
  private static JsonNode printedOutputs;

  @BeforeAll
  static void runTheNotebook() throws IOException {
    printedOutputs = new ObjectMapper()
        .readTree(SharedFixtures.require("lab-reference/reference-outputs.json").toFile())
        .path("lab1_part1_tf_basics").path("printed_outputs");
    report = NotebookRunner.run(Notebook.load(Notebook.Lab.lab1));
  }

  @Test
  void everyCellRuns() {
    report.runs().forEach(run -> assertEquals(Optional.empty(), run.failure()));
    assertTrue(report.passed());
    assertEquals(8, report.runs().size(), "the imports and seven code cells");
  }

  @Test
  void eachPrintedOutputOfThe2018NotebookIsWrittenBesideItsCellAndPrintedByTheJavaCell() {
    assertEquals(7, printedOutputs.size(), "the notebook's seven printed outputs");
    for (JsonNode printed : printedOutputs) {
      int notebookCell = printed.path("cell").asInt();
      List<String> expected = List.of(printed.path("stdout").asText().split("\n"));
      NotebookRunner.CellRun run = runOfNotebookCell(notebookCell);
      assertEquals(expected, run.cell().printed(), "what the notebook source says cell " + notebookCell + " printed");
      assertEquals(List.of(), NotebookRunner.missingInOrder(expected, run.outputLines()),
          "lines of notebook cell " + notebookCell + " the Java cell did not print; it printed " + run.outputLines());
    }
  }

  @Test
  void theCheckCatchesAWrongValueAndAWrongOrder() {
    NotebookRunner.CellRun placeholders = runOfNotebookCell(9);
    assertEquals(List.of("[18.5]"), NotebookRunner.missingInOrder(List.of("[18.5]"), placeholders.outputLines()));
    NotebookRunner.CellRun collatz = runOfNotebookCell(28);
    List<String> swapped = new ArrayList<>(collatz.cell().printed());
    swapped.add(0, swapped.remove(swapped.size() - 1)); // 1 first, then 6, 3, ...
    assertFalse(NotebookRunner.missingInOrder(swapped, collatz.outputLines()).isEmpty());
  }

  @Test
  void theRunPrintsEachCellUnderItsTitleAndSaysItMatches() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    NotebookRunner.print(report, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("-- 1.2 Placeholders\n   a = 2.0, b = 4.0: c = a + b, d = b - 1, e = c * d\n"
        + "   [18.0]\n   (as the 2018 notebook printed)\n"), printed);
    assertTrue(printed.endsWith("8 of 8 code cells ran\n"), printed);
  }

  private static NotebookRunner.CellRun runOfNotebookCell(int notebookCell) {
    return report.runs().stream().filter(r -> r.cell().notebookCell().equals(Optional.of(notebookCell))).findFirst()
        .orElseThrow(() -> new AssertionError("no Java cell stands for notebook cell " + notebookCell));
  }
}
