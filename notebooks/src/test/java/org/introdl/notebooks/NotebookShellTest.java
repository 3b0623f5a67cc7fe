package org.introdl.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cell files {@code ./labs notebook LAB} opens in jshell: the startup with the imports, one file per cell. */
class NotebookShellTest {
  @Test
  void eachCodeCellBecomesAFileToOpenInOrderAndTheImportsAreLoadedAtStart(@TempDir Path dir) throws IOException {
    Notebook notebook = Notebook.load(Notebook.Lab.lab1);
    NotebookShell.CellFiles files = NotebookShell.writeCells(notebook, dir, false);
    assertEquals(7, files.cells().size());
    assertEquals("01-1-1-computation-graph.jsh", files.cells().get(0).getFileName().toString());
    String startup = Files.readString(files.startup());
    assertTrue(startup.contains("import org.introdl.basics.*;"), startup);
    assertTrue(startup.contains("System.setProperty(\"introdl.notebook.quick\", \"false\");"), startup);
    assertEquals("""
        // 1.2 Placeholders
        var placeholders = Placeholders.run(2.0f, 4.0f);
        placeholders.lines().forEach(System.out::println);
        // The 2018 notebook printed:
        //   [18.0]
        """, Files.readString(files.cells().get(1)));
    assertEquals(List.of(), files.kept());
  }

  @Test
  void aCellTheStudentEditedIsKeptTheOthersFollowTheNotebook(@TempDir Path dir) throws IOException {
    Notebook notebook = Notebook.load(Notebook.Lab.lab1);
    Path placeholders = NotebookShell.writeCells(notebook, dir, false).cells().get(1);
    String edited = "var placeholders = Placeholders.run(3.0f, 4.0f);\n";
    Files.writeString(placeholders, edited);
    NotebookShell.CellFiles again = NotebookShell.writeCells(notebook, dir, false);
    assertEquals(List.of(placeholders), again.kept());
    assertEquals(edited, Files.readString(placeholders));
  }

  @Test
  void jshellGetsThisClassPathTheStartupsAndAHeadlessRuntime(@TempDir Path dir) {
    NotebookShell.CellFiles files = NotebookShell.writeCells(Notebook.load(Notebook.Lab.lab1), dir, true);
    List<String> arguments = NotebookShell.toolArguments(files);
    assertEquals("--class-path", arguments.get(0));
    assertTrue(arguments.get(1).contains("lab1-basics"), arguments.get(1));
    assertEquals(List.of("--startup", "DEFAULT", "--startup", files.startup().toString()), arguments.subList(2, 6));
    assertTrue(arguments.contains("-R-Djava.awt.headless=true"));
  }

  @Test
  void theStartupNamesTheExerciseWorkspaceForTheCellsThatHoldATask(@TempDir Path dir) throws Exception {
    Path ws = dir.resolve("my \"ws\" \\ here");
    NotebookShell.CellFiles files = NotebookShell.writeCells(Notebook.load(Notebook.Lab.lab2), dir.resolve("cells"),
        false, Optional.of(ws));
    assertEquals(Optional.of(ws.toAbsolutePath()), exercisesAfterRunning(files.startup()));
    NotebookShell.CellFiles plain = NotebookShell.writeCells(Notebook.load(Notebook.Lab.lab2), dir.resolve("plain"),
        false);
    assertEquals(Optional.empty(), exercisesAfterRunning(plain.startup()));
  }

  /** Runs the startup's line that sets the workspace in jshell (as the tool would) and reads it back. */
  private static Optional<Path> exercisesAfterRunning(Path startup) throws IOException {
    String line = Files.readAllLines(startup).stream()
        .filter(l -> l.startsWith("System.setProperty(\"" + NotebookSettings.EXERCISES)).findFirst().orElseThrow();
    try (JShell shell = JShell.builder().executionEngine("local").build()) {
      assertTrue(shell.eval(line).stream().allMatch(e -> e.exception() == null
          && e.status() == Snippet.Status.VALID), line);
      return NotebookSettings.exercises();
    } finally {
      System.clearProperty(NotebookSettings.EXERCISES);
    }
  }
}
