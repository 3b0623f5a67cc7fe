package org.introdl.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code ./labs notebook LAB --step} with the student's keys scripted: Enter runs a cell, {@code e} edits it and runs
 * the edit, {@code s} skips, {@code q} quits; the cells share one JShell, so an edit reaches the cells after it.
 */
class NotebookStepperTest {
  private static final Notebook NOTEBOOK = Notebook.parse(Notebook.Lab.lab1, "test.cells", """
      %% title Stepping
      %% imports
      import java.util.Locale;
      %% markdown
      ## Settings
      Change the rate and run the cells again.
      %% code Rate
      double rate = 0.5;
      System.out.println("rate " + rate);
      %% code Loss
      System.out.println(String.format(Locale.ROOT, "loss %.2f", 10 * rate));
      %% code Throws
      if (rate > 0) throw new IllegalStateException("diverged\\nat some place");
      %% code Last
      System.out.println("last cell");
      """);

  private record Session(NotebookStepper.Steps steps, String shown) {}

  private static Session step(String keys, Optional<List<String>> editor) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    NotebookStepper.Steps steps = new NotebookStepper(NOTEBOOK, new BufferedReader(new StringReader(keys)), out,
        editor).step(false, Optional.empty());
    // Scripted keys are not echoed as a terminal echoes them: take the prompts out to read what the cells showed.
    return new Session(steps, bytes.toString(StandardCharsets.UTF_8).replace(NotebookStepper.PROMPT, ""));
  }

  @Test
  void enterRunsEachCellShowingItsTextJavaAndOutputAndTheStateCarriesToTheNextCell() {
    Session session = step("\n\ns\n\n", Optional.empty());
    assertTrue(session.shown().contains("## Settings\nChange the rate and run the cells again.\n\n-- Rate\n"
        + "   | double rate = 0.5;\n"), session.shown());
    assertTrue(session.shown().contains("\n   rate 0.5\n"), session.shown());
    assertTrue(session.shown().contains("\n   loss 5.00\n"), "the second cell sees the first's rate: "
        + session.shown());
    assertEquals(List.of("Throws"), session.steps().skipped());
    assertTrue(session.shown().contains("\n   last cell\n"), session.shown());
    assertTrue(session.shown().endsWith("4 of 5 code cells ran, skipped: Throws\n"), session.shown());
    assertFalse(session.steps().quit());
  }

  @Test
  void anEditTypedInTheTerminalRunsAndItsNewValueReachesTheCellsAfterIt() {
    Session unchanged = step("\n\nq\n", Optional.empty());
    Session edited = step("e\ndouble rate = 0.25;\nSystem.out.println(\"rate \" + rate);\n.\n\nq\n",
        Optional.empty());
    assertTrue(unchanged.shown().contains("   loss 5.00\n"), unchanged.shown());
    assertTrue(edited.shown().contains("-- Rate\n   | double rate = 0.25;\n"), "the edit is shown: "
        + edited.shown());
    assertTrue(edited.shown().contains("   rate 0.25\n")
        && edited.shown().contains("\n   loss 2.50\n"), edited.shown());
    assertFalse(edited.shown().contains("loss 5.00"), edited.shown());
    assertEquals(List.of("Rate"), edited.steps().edited());
    assertTrue(edited.steps().quit());
    assertTrue(edited.shown().endsWith("3 of 5 code cells ran, edited: Rate (quit)\n"), edited.shown());
  }

  @Test
  void aLoneDotKeepsTheCellAsItIs() {
    Session session = step("e\n.\nq\n", Optional.empty());
    assertEquals(List.of(), session.steps().edited());
    assertTrue(session.shown().contains("   rate 0.5\n"), session.shown());
  }

  @Test
  void theEditorFromTheEnvironmentEditsTheCellFile() {
    // sed stands for the student's editor: it changes the file in place and exits, as an editor does when closed
    Session session = step("e\n\nq\n", Optional.of(List.of("sed", "-i", "s/0\\.5/2.0/")));
    assertTrue(session.shown().contains("   rate 2.0\n")
        && session.shown().contains("\n   loss 20.00\n"), session.shown());
    assertEquals(List.of("Rate"), session.steps().edited());
  }

  @Test
  void anEditorThatFailsKeepsTheCell() {
    Session session = step("e\nq\n", Optional.of(List.of("false")));
    assertTrue(session.shown().contains("The editor (false) exited with 1: the cell is kept as it was."),
        session.shown());
    assertTrue(session.shown().contains("   rate 0.5\n"), session.shown());
  }

  @Test
  void aCellThatThrowsIsOneLineNamingItAndIsOfferedAgainToFixOrSkip() {
    Session session = step("\n\n\ne\nSystem.out.println(\"fixed\");\n.\n\n", Optional.empty());
    assertTrue(session.shown().contains("lab1 cell 5 \"Throws\" failed: java.lang.IllegalStateException: diverged\n"
        + "Enter runs it again, e edits it, s skips it, q quits.\n"), session.shown());
    assertFalse(session.shown().contains("\tat ") || session.shown().contains("jdk.jshell"),
        "no stack trace: " + session.shown());
    assertTrue(session.shown().contains("   fixed\n"), session.shown());
    assertEquals(List.of(), session.steps().failed(), "fixed by the edit");
    assertTrue(session.shown().endsWith("5 of 5 code cells ran, edited: Throws\n"), session.shown());
  }

  @Test
  void theEndOfTheInputQuitsAndAFailureLeftIsReported() {
    Session session = step("\n\n\n", Optional.empty());
    assertTrue(session.steps().quit());
    assertEquals(List.of("Throws"), session.steps().failed());
  }

  @Test
  void theEditorIsVisualElseEditorWithItsArguments() {
    assertEquals(Optional.of(List.of("code", "-w")), NotebookStepper.editorFrom(Map.of("VISUAL", "code -w",
        "EDITOR", "vi")));
    assertEquals(Optional.of(List.of("vi")), NotebookStepper.editorFrom(Map.of("VISUAL", " ", "EDITOR", "vi")));
    assertEquals(Optional.empty(), NotebookStepper.editorFrom(Map.of()));
  }
}
