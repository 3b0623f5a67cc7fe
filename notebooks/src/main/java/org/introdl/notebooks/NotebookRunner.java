package org.introdl.notebooks;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import org.introdl.core.UserError;

/**
 * Runs a notebook's code cells headless, in order, in one JShell inside this JVM (the labs and TensorFlow Java are
 * already on its class path, so the cells call the same classes the commands run). Each cell's printed output is
 * captured; a cell that does not compile or throws is reported in one line naming the cell, and the run stops there,
 * as later cells usually use what it should have defined.
 */
public final class NotebookRunner {
  private NotebookRunner() {}

  /** One code cell's run: its output, and the one-line failure if it failed. */
  public record CellRun(Notebook.Cell cell, String output, Optional<String> failure) {
    public List<String> outputLines() {
      return output.isEmpty() ? List.of() : List.of(output.split("\r?\n"));
    }

    /** The lines the 2018 notebook printed under this cell that this run did not print, in that order. */
    public List<String> missingPrinted() {
      return missingInOrder(cell.printed(), outputLines());
    }
  }

  /** The lines of {@code expected} not found, in order, among {@code actual} (other lines may come between). */
  static List<String> missingInOrder(List<String> expected, List<String> actual) {
    List<String> missing = new ArrayList<>();
    int next = 0;
    for (String line : expected) {
      int found = actual.subList(next, actual.size()).indexOf(line);
      if (found < 0) {
        missing.add(line);
      } else {
        next += found + 1;
      }
    }
    return missing;
  }

  /** The run of a notebook: the cells that ran, in order; it passed when none failed and all ran. */
  public record Report(Notebook notebook, List<CellRun> runs) {
    public boolean passed() {
      return runs.size() == notebook.codeCells().size() && runs.stream().allMatch(r -> r.failure().isEmpty());
    }
  }

  /** Runs every code cell with the lab's settings. Prints nothing. */
  public static Report run(Notebook notebook) {
    return run(notebook, false, Optional.empty());
  }

  /**
   * Runs every code cell; {@code quick} asks the cells that train for small settings ({@link NotebookSettings}).
   * With {@code live}, each cell's title, output and comparison go there as the cell runs, as {@link #print} shows
   * them (a cell that trains shows its steps as they come); without, nothing is printed.
   */
  public static Report run(Notebook notebook, boolean quick, Optional<PrintStream> live) {
    return run(notebook, quick, Optional.empty(), live);
  }

  /**
   * As {@link #run(Notebook, boolean, Optional)}; with {@code exercises}, the cells that hold an exercise task call
   * the student's code from that workspace ({@link NotebookSettings#yourCode}).
   */
  public static Report run(Notebook notebook, boolean quick, Optional<Path> exercises, Optional<PrintStream> live) {
    List<CellRun> runs = new ArrayList<>();
    try (Session session = Session.open(notebook, quick, exercises, live)) {
      for (Notebook.Cell cell : notebook.codeCells()) {
        live.ifPresent(out -> printTitle(cell, out));
        CellRun run = session.run(cell);
        runs.add(run);
        live.ifPresent(out -> printVerdict(run, out));
        if (run.failure().isPresent()) {
          break;
        }
      }
    }
    return new Report(notebook, runs);
  }

  /**
   * One JShell in this JVM, in which a notebook's cells run one at a time, each seeing what the cells before it
   * defined (as in a notebook's kernel). While it is open, the notebook settings ({@code quick}, the exercise
   * workspace) are set and {@code System.out} is this session's capture; closing restores both.
   */
  public static final class Session implements AutoCloseable {
    private final Notebook notebook;
    private final JShell shell;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final PrintStream capture;
    private final PrintStream stdout = System.out;
    private final PrintStream stderr = System.err;
    private final String previousQuick = System.getProperty(NotebookSettings.QUICK);
    private final String previousExercises = System.getProperty(NotebookSettings.EXERCISES);

    private Session(Notebook notebook, boolean quick, Optional<Path> exercises, Optional<PrintStream> live) {
      this.notebook = notebook;
      capture = new PrintStream(live.<OutputStream>map(out -> new Tee(captured, new Indented(out))).orElse(captured),
          true, StandardCharsets.UTF_8);
      shell = JShell.builder().executionEngine("local").out(capture).err(capture).build();
      classPath().forEach(shell::addToClasspath);
      // The settings and the redirection last: close() undoes them, and a shell that did not start has no close().
      System.setProperty(NotebookSettings.QUICK, Boolean.toString(quick));
      System.setProperty(NotebookSettings.EXERCISES, exercises.map(Path::toString).orElse(""));
      // In this JVM the snippets print to System.out itself: point it at the capture while the cells run.
      System.setOut(capture);
      System.setErr(capture);
    }

    /**
     * Opens a session; with {@code live}, what the cells print goes there too as they run, indented under the
     * cell's title (a cell that trains shows its steps as they come).
     */
    public static Session open(Notebook notebook, boolean quick, Optional<Path> exercises,
        Optional<PrintStream> live) {
      return new Session(notebook, quick, exercises, live);
    }

    /** Runs one of the notebook's cells. */
    public CellRun run(Notebook.Cell cell) {
      return run(cell, cell.text());
    }

    /**
     * Runs {@code text} in place of the cell's own (a student's edit of it); a failure still names the notebook's
     * cell, and the run's cell holds the text that ran.
     */
    public CellRun run(Notebook.Cell cell, String text) {
      String name = describe(notebook, cell);
      Notebook.Cell ran = new Notebook.Cell(cell.kind(), cell.title(), cell.notebookCell(), text, cell.printed());
      captured.reset();
      Optional<String> failure = runCell(shell, ran);
      capture.flush();
      return new CellRun(ran, captured.toString(StandardCharsets.UTF_8).stripTrailing(),
          failure.map(why -> name + " failed: " + why));
    }

    @Override
    public void close() {
      try {
        shell.close();
      } finally {
        System.setOut(stdout);
        System.setErr(stderr);
        restore(NotebookSettings.QUICK, previousQuick);
        restore(NotebookSettings.EXERCISES, previousExercises);
      }
    }
  }

  /** The titles of the code cells that hold an exercise task: those calling {@link NotebookSettings#yourCode}. */
  public static List<String> exerciseCells(Notebook notebook) {
    return notebook.codeCells().stream().filter(c -> c.text().contains(NotebookSettings.YOUR_CODE_CALL))
        .map(Notebook.Cell::title).toList();
  }

  private static void restore(String property, String previous) {
    if (previous == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, previous);
    }
  }

  /**
   * Compiles every code cell without running any (seconds, where a run trains): the imports as they are, the other
   * cells' snippets (split as jshell splits them) one after the other as the body of one method, which JShell compiles
   * but does not call. Returns the first
   * compile error as one line naming its cell, or nothing when all compile. Catches a cell left behind by a change to
   * the labs' classes.
   */
  public static Optional<String> compile(Notebook notebook) {
    StringBuilder body = new StringBuilder("void notebookCells() throws Exception {\n");
    List<Integer> cellStarts = new ArrayList<>();
    List<Notebook.Cell> bodyCells = new ArrayList<>();
    try (JShell shell = JShell.builder().executionEngine("local").build()) {
      classPath().forEach(shell::addToClasspath);
      for (Notebook.Cell cell : notebook.codeCells()) {
        if (cell.kind() == Notebook.Cell.Kind.IMPORTS) {
          Optional<String> failure = runCell(shell, cell);
          if (failure.isPresent()) {
            return Optional.of(describe(notebook, cell) + " failed: " + failure.get());
          }
        } else {
          cellStarts.add(body.length());
          bodyCells.add(cell);
          List<String> snippets = new ArrayList<>();
          Optional<String> incomplete = split(shell.sourceCodeAnalysis(), cell.text(), snippets);
          if (incomplete.isPresent()) {
            return Optional.of(describe(notebook, cell) + " does not compile: " + incomplete.get());
          }
          // Each snippet as jshell would run it (with the semicolon it supplies), so a split jshell makes shows here.
          snippets.forEach(snippet -> body.append(snippet).append('\n'));
        }
      }
      body.append("}\n");
      for (SnippetEvent event : shell.eval(body.toString())) {
        if (event.status() == Snippet.Status.REJECTED) {
          Optional<Diag> error = shell.diagnostics(event.snippet()).filter(Diag::isError).findFirst();
          int position = error.map(d -> (int) d.getStartPosition()).orElse(0);
          int index = 0;
          while (index + 1 < cellStarts.size() && cellStarts.get(index + 1) <= position) {
            index++;
          }
          Notebook.Cell cell = bodyCells.isEmpty() ? notebook.codeCells().get(0) : bodyCells.get(index);
          return Optional.of(describe(notebook, cell) + " does not compile: "
              + error.map(d -> firstLine(d.getMessage(Locale.ROOT))).orElse("(no message)"));
        }
      }
      return Optional.empty();
    }
  }

  /** Prints a report as {@code ./labs notebook LAB --run} shows it: each cell's output under its title. */
  public static void print(Report report, PrintStream out) {
    out.println("# " + report.notebook().title());
    for (CellRun run : report.runs()) {
      printTitle(run.cell(), out);
      run.outputLines().forEach(line -> out.println(Indented.INDENT + line));
      printVerdict(run, out);
    }
    printSummary(report, out);
  }

  /** The last line of a run: how many code cells ran. */
  public static void printSummary(Report report, PrintStream out) {
    out.println(cellsRan(report.notebook(), report.runs()));
  }

  /** "5 of 7 code cells ran": the runs that passed, of the notebook's code cells (the runner's and the stepper's). */
  static String cellsRan(Notebook notebook, List<CellRun> runs) {
    long ran = runs.stream().filter(r -> r.failure().isEmpty()).count();
    return String.format(Locale.ROOT, "%d of %d code cells ran", ran, notebook.codeCells().size());
  }

  static void printTitle(Notebook.Cell cell, PrintStream out) {
    out.println("-- " + cell.title());
  }

  /** After a cell's output: whether it printed what the 2018 notebook printed, or the one line of its failure. */
  static void printVerdict(CellRun run, PrintStream out) {
    if (!run.cell().printed().isEmpty() && run.failure().isEmpty()) {
      List<String> missing = run.missingPrinted();
      out.println(missing.isEmpty() ? Indented.INDENT + "(as the 2018 notebook printed)"
          : Indented.INDENT + "(the 2018 notebook printed " + String.join(" | ", run.cell().printed())
              + "; not here: " + String.join(" | ", missing) + ")");
    }
    run.failure().ifPresent(out::println);
  }

  /** "lab1 cell 3 "1.2 Placeholders"": how a failure names its cell (its number among the notebook's cells). */
  static String describe(Notebook notebook, Notebook.Cell cell) {
    return notebook.lab() + " cell " + (notebook.cells().indexOf(cell) + 1) + " \"" + cell.title() + "\"";
  }

  /** Evaluates the cell's snippets in turn; the first that does not compile or throws ends the cell. */
  private static Optional<String> runCell(JShell shell, Notebook.Cell cell) {
    List<String> snippets = new ArrayList<>();
    Optional<String> incomplete = split(shell.sourceCodeAnalysis(), cell.text(), snippets);
    for (String snippet : snippets) {
      Optional<String> failure = evaluate(shell, snippet);
      if (failure.isPresent()) {
        return failure;
      }
    }
    return incomplete;
  }

  /**
   * Splits a cell into snippets as the jshell tool does when it {@code /open}s the cell's file: line by line, a
   * snippet ends at the first line where the text so far is complete. So a line that is a complete statement ends it,
   * and a continuation line starting with {@code .method()} or {@code : other} is a snippet of its own, which does not
   * compile, in jshell and here alike. Returns a failure for text left incomplete at the end of the cell.
   */
  private static Optional<String> split(SourceCodeAnalysis analysis, String text, List<String> snippets) {
    StringBuilder pending = new StringBuilder();
    for (String line : text.split("\n")) {
      pending.append(line).append('\n');
      while (!pending.toString().isBlank()) {
        SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(pending.toString());
        SourceCodeAnalysis.Completeness completeness = info.completeness();
        if (!completeness.isComplete() && completeness != SourceCodeAnalysis.Completeness.UNKNOWN) {
          break; // the statement goes on in the next line
        }
        snippets.add(info.source());
        pending.setLength(0);
        pending.append(info.remaining());
      }
    }
    return pending.toString().isBlank() ? Optional.empty()
        : Optional.of("incomplete code at the end of the cell: " + firstLine(pending.toString().strip()));
  }

  private static Optional<String> evaluate(JShell shell, String source) {
    for (SnippetEvent event : shell.eval(source)) {
      if (event.exception() != null) {
        return Optional.of(describe(event.exception()));
      }
      if (event.status() == Snippet.Status.REJECTED) {
        return Optional.of(compileError(shell, event.snippet()));
      }
    }
    return Optional.empty();
  }

  private static String describe(Exception thrown) {
    if (thrown instanceof EvalException eval) {
      String message = eval.getMessage();
      if (eval.getExceptionClassName().equals(UserError.class.getName()) && message != null) {
        return firstLine(message); // a user's mistake (a workspace not ready) says what to do: no class name
      }
      return eval.getExceptionClassName() + (message == null ? "" : ": " + firstLine(message));
    }
    if (thrown instanceof UnresolvedReferenceException unresolved) {
      return "uses " + unresolved.getSnippet().source().strip() + ", which is not defined yet";
    }
    return thrown.getClass().getName() + ": " + firstLine(String.valueOf(thrown.getMessage()));
  }

  private static String compileError(JShell shell, Snippet snippet) {
    Optional<Diag> error = shell.diagnostics(snippet).filter(Diag::isError).findFirst();
    String where = firstLine(snippet.source().strip());
    return error.map(d -> "does not compile: " + firstLine(d.getMessage(Locale.ROOT)) + " (in: " + where + ")")
        .orElse("does not compile: " + where);
  }

  private static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline).strip();
  }

  /** This JVM's class path: the labs, TensorFlow Java and their dependencies. */
  static List<String> classPath() {
    String path = System.getProperty("java.class.path", "");
    return List.of(path.split(File.pathSeparator)).stream().filter(p -> !p.isBlank()).toList();
  }

  /** Writes to two streams: the capture of a cell's output, and the terminal. */
  private static final class Tee extends OutputStream {
    private final OutputStream first;
    private final OutputStream second;

    Tee(OutputStream first, OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) throws IOException {
      first.write(b);
      second.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      first.write(b, off, len);
      second.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      first.flush();
      second.flush();
    }
  }

  /** A cell's output as the report shows it: each line indented under the cell's title. */
  private static final class Indented extends OutputStream {
    static final String INDENT = "   ";
    private final PrintStream out;
    private boolean atLineStart = true;

    Indented(PrintStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) {
      if (atLineStart && b != '\n') {
        out.print(INDENT);
      }
      out.write(b);
      atLineStart = b == '\n';
    }

    @Override
    public void flush() {
      out.flush();
    }
  }
}
