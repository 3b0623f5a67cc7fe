package org.introdl.notebooks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ./labs notebook LAB --step}: the notebook as the 2018 students met it, one cell at a time. Each code cell is
 * shown (the text before it, its title, its Java) and waits: Enter runs it and shows its output, {@code e} edits it
 * first and runs the edit, {@code s} skips it, {@code q} quits. The cells run in one JShell ({@link
 * NotebookRunner.Session}), so what a cell defines is there for the next, and an edited learning rate reaches the
 * training cell after it. A cell that fails prints one line naming it and is offered again (to fix or skip).
 */
public final class NotebookStepper {
  static final String PROMPT = "[Enter] run   e edit   s skip   q quit > ";
  static final String END_OF_EDIT = ".";

  private final Notebook notebook;
  private final BufferedReader in;
  private final PrintStream out;
  private final Optional<List<String>> editor;

  /**
   * A stepper reading the student's keys from {@code in} and showing the cells on {@code out}; {@code editor} is the
   * command that edits a cell's file ({@link #editorFrom}), or none to read the new text from {@code in}.
   */
  public NotebookStepper(Notebook notebook, BufferedReader in, PrintStream out, Optional<List<String>> editor) {
    this.notebook = notebook;
    this.in = in;
    this.out = out;
    this.editor = editor;
  }

  /** What a session did: the cells that ran (edited ones with the text that ran), those skipped, whether it quit. */
  public record Steps(List<NotebookRunner.CellRun> runs, List<String> edited, List<String> skipped, boolean quit) {
    /** The titles of the cells whose last run failed (a failure fixed by an edit and a new run does not count). */
    public List<String> failed() {
      Map<String, Optional<String>> last = new LinkedHashMap<>();
      runs.forEach(run -> last.put(run.cell().title(), run.failure()));
      return last.entrySet().stream().filter(e -> e.getValue().isPresent()).map(Map.Entry::getKey).toList();
    }
  }

  /** The editor a student set: {@code $VISUAL}, else {@code $EDITOR} (a command with arguments, like "code -w"). */
  public static Optional<List<String>> editorFrom(Map<String, String> environment) {
    for (String name : List.of("VISUAL", "EDITOR")) {
      String command = environment.getOrDefault(name, "").strip();
      if (!command.isEmpty()) {
        return Optional.of(List.of(command.split("\\s+")));
      }
    }
    return Optional.empty();
  }

  /** Steps through every cell; returns when the last cell is done, the student quits, or the input ends. */
  public Steps step(boolean quick, Optional<Path> exercises) {
    List<NotebookRunner.CellRun> runs = new ArrayList<>();
    List<String> edited = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    try (NotebookRunner.Session session = NotebookRunner.Session.open(notebook, quick, exercises,
        Optional.of(out))) {
      List<String> textBefore = new ArrayList<>();
      for (Notebook.Cell cell : notebook.cells()) {
        if (!cell.isCode()) {
          textBefore.add(cell.text());
          continue;
        }
        textBefore.forEach(text -> out.println("\n" + text));
        textBefore.clear();
        Outcome outcome = cell.kind() == Notebook.Cell.Kind.IMPORTS ? loadImports(session, cell, runs)
            : stepThrough(session, cell, runs, edited);
        if (outcome == Outcome.SKIPPED) {
          skipped.add(cell.title());
        } else if (outcome == Outcome.QUIT) {
          return summary(new Steps(runs, edited, skipped, true));
        }
      }
    }
    return summary(new Steps(runs, edited, skipped, false));
  }

  private enum Outcome { RAN, SKIPPED, QUIT }

  /** The imports run without asking: every cell needs them. */
  private Outcome loadImports(NotebookRunner.Session session, Notebook.Cell imports,
      List<NotebookRunner.CellRun> runs) {
    NotebookRunner.CellRun run = session.run(imports);
    runs.add(run);
    run.failure().ifPresent(out::println);
    if (run.failure().isPresent()) {
      return Outcome.QUIT;
    }
    out.println("(the lab's imports are loaded)");
    return Outcome.RAN;
  }

  /** Shows a cell and waits; a failed run is offered again, with the edit kept. */
  private Outcome stepThrough(NotebookRunner.Session session, Notebook.Cell cell, List<NotebookRunner.CellRun> runs,
      List<String> edited) {
    String text = cell.text();
    show(cell, text);
    while (true) {
      out.print(PROMPT);
      out.flush();
      String line = readLine();
      String key = line == null ? "q" : line.strip().toLowerCase(Locale.ROOT);
      if (key.equals("q")) {
        out.println();
        return Outcome.QUIT;
      } else if (key.equals("s")) {
        return Outcome.SKIPPED;
      } else if (key.equals("e")) {
        String edit = edit(text);
        if (!edit.equals(text)) {
          text = edit;
          if (!edited.contains(cell.title())) {
            edited.add(cell.title());
          }
          show(cell, text);
        }
      } else if (!key.isEmpty()) {
        out.println("Enter runs the cell, e edits it, s skips it, q quits.");
        continue;
      }
      NotebookRunner.CellRun run = session.run(cell, text);
      runs.add(run);
      NotebookRunner.printVerdict(run, out);
      if (run.failure().isEmpty()) {
        return Outcome.RAN;
      }
      out.println("Enter runs it again, e edits it, s skips it, q quits.");
    }
  }

  private void show(Notebook.Cell cell, String text) {
    out.println();
    NotebookRunner.printTitle(cell, out);
    text.lines().forEach(line -> out.println("   | " + line));
  }

  /** The cell's new text: from the student's editor on a temporary file, or typed lines ending with a lone ".". */
  private String edit(String text) {
    return editor.isPresent() ? editInEditor(editor.get(), text) : editInTerminal(text);
  }

  private String editInTerminal(String text) {
    out.println("Type the cell's new Java, then a line holding only '" + END_OF_EDIT + "'"
        + " (a lone '" + END_OF_EDIT + "' at once keeps the cell as it is):");
    List<String> lines = new ArrayList<>();
    for (String line = readLine(); line != null && !line.strip().equals(END_OF_EDIT); line = readLine()) {
      lines.add(line);
    }
    return lines.isEmpty() ? text : String.join("\n", lines);
  }

  private String editInEditor(List<String> command, String text) {
    Path file = null;
    try {
      file = Files.createTempFile("notebook-cell-", ".jsh");
      Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
      List<String> arguments = new ArrayList<>(command);
      arguments.add(file.toString());
      int exit = new ProcessBuilder(arguments).inheritIO().start().waitFor();
      if (exit != 0) {
        out.println("The editor (" + String.join(" ", command) + ") exited with " + exit
            + ": the cell is kept as it was.");
        return text;
      }
      return Files.readString(file, StandardCharsets.UTF_8).stripTrailing();
    } catch (IOException e) {
      out.println("The editor (" + String.join(" ", command) + ") did not run: " + e.getMessage()
          + ". Set VISUAL or EDITOR to an editor that waits until you close the file, or unset both to type the cell.");
      return text;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return text;
    } finally {
      deleteQuietly(file);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a temporary file left behind does no harm: the system's temp folder is cleaned by the system
    }
  }

  private String readLine() {
    try {
      return in.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the terminal: " + e.getMessage(), e);
    }
  }

  private Steps summary(Steps steps) {
    out.printf(Locale.ROOT, "%n%s%s%s%s%n", NotebookRunner.cellsRan(notebook, steps.runs()),
        steps.edited().isEmpty() ? "" : ", edited: " + String.join(", ", steps.edited()),
        steps.skipped().isEmpty() ? "" : ", skipped: " + String.join(", ", steps.skipped()),
        steps.quit() ? " (quit)" : "");
    return steps;
  }
}
