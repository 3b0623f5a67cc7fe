package org.introdl.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A cell that fails is one line naming the cell; the run stops there and fails; the cell source's own errors. */
class NotebookRunnerTest {
  private static Notebook notebook(String cells) {
    return Notebook.parse(Notebook.Lab.lab1, "test.cells", "%% title Test\n" + cells);
  }

  @Test
  void aCellThatThrowsIsOneLineNamingTheCellAndTheRunStops() {
    ByteArrayOutputStream live = new ByteArrayOutputStream();
    NotebookRunner.Report report = NotebookRunner.run(notebook("""
        %% markdown
        Text.
        %% code First
        int x = 2;
        System.out.println("x = " + x + ", quick = " + org.introdl.notebooks.NotebookSettings.quick());
        %% code Second
        System.out.println("before");
        if (x == 2) throw new IllegalStateException("the learning rate is negative\\nsecond line");
        %% code Third
        System.out.println("never");
        """), true, Optional.of(new PrintStream(live, true, StandardCharsets.UTF_8)));
    assertFalse(report.passed());
    assertEquals(2, report.runs().size(), "the third cell does not run");
    assertEquals("x = 2, quick = true", report.runs().get(0).output(), "the settings reach the cells");
    assertFalse(NotebookSettings.quick(), "and are restored after the run");
    NotebookRunner.CellRun failed = report.runs().get(1);
    assertEquals("before", failed.output());
    assertEquals(Optional.of("lab1 cell 3 \"Second\" failed: java.lang.IllegalStateException: the learning rate is"
        + " negative"), failed.failure());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    NotebookRunner.print(report, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertFalse(printed.contains("\tat "), "no stack trace: " + printed);
    assertTrue(printed.endsWith("lab1 cell 3 \"Second\" failed: java.lang.IllegalStateException: the learning rate"
        + " is negative\n1 of 3 code cells ran\n"), printed);
    assertEquals(printed, "# Test\n" + live.toString(StandardCharsets.UTF_8) + "1 of 3 code cells ran\n",
        "shown as the cells run, the same report");
  }

  @Test
  void aCellThatDoesNotCompileNamesTheCellAndTheError() {
    NotebookRunner.Report report = NotebookRunner.run(notebook("""
        %% code Typo
        int y = undefinedName + 1;
        """));
    assertFalse(report.passed());
    String failure = report.runs().get(0).failure().orElseThrow();
    assertTrue(failure.startsWith("lab1 cell 1 \"Typo\" failed: does not compile: cannot find symbol"), failure);
    assertTrue(failure.contains("int y = undefinedName + 1;"), failure);
  }

  @Test
  void aLineJshellWouldEndAStatementAtIsAnErrorHereToo() {
    // jshell's /open ends the statement at the end of the first line, so the second line stands alone.
    Notebook split = notebook("""
        %% code Split
        String text = "a"
            .repeat(2);
        """);
    String failure = NotebookRunner.compile(split).orElseThrow();
    assertTrue(failure.startsWith("lab1 cell 1 \"Split\" does not compile: illegal start of expression"), failure);
    Notebook joined = notebook("""
        %% code Joined
        String text = "a".repeat(
            2); System.out.println(text);
        """);
    assertEquals(Optional.empty(), NotebookRunner.compile(joined));
  }

  @Test
  void theCellSourceIsReadIntoCells() {
    Notebook parsed = notebook("""
        %% from somewhere.ipynb
        %% markdown
        # Heading

        %% imports
        import java.util.List;
        %% code [4] 1.1 Graph
        System.out.println(1);
        %% printed
        1
        """);
    assertEquals("Test", parsed.title());
    assertEquals(List.of(Notebook.Cell.Kind.MARKDOWN, Notebook.Cell.Kind.IMPORTS, Notebook.Cell.Kind.CODE),
        parsed.cells().stream().map(Notebook.Cell::kind).toList());
    Notebook.Cell code = parsed.cells().get(2);
    assertEquals("1.1 Graph", code.title());
    assertEquals(Optional.of(4), code.notebookCell());
    assertEquals(List.of("1"), code.printed());
    assertEquals("# Heading", parsed.cells().get(0).text());
  }

  @Test
  void aBrokenCellSourceIsOneLineWithItsLine() {
    assertEquals("test.cells:2: unknown block '%% cod' (title, from, markdown, imports, code, printed)",
        assertThrows(IllegalArgumentException.class, () -> notebook("%% cod x\n")).getMessage());
    assertEquals("test.cells:3: '%% printed' must follow a code cell",
        assertThrows(IllegalArgumentException.class, () -> notebook("%% markdown\n%% printed\nx\n")).getMessage());
    assertEquals("test.cells:1: no '%% title' line",
        assertThrows(IllegalArgumentException.class,
            () -> Notebook.parse(Notebook.Lab.lab1, "test.cells", "%% markdown\nx\n")).getMessage());
  }
}
