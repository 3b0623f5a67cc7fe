package org.introdl.notebooks.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.introdl.core.cli.BadOption;
import org.introdl.notebooks.Ipynb;
import org.introdl.notebooks.Notebook;
import org.introdl.notebooks.NotebookRunner;
import org.introdl.notebooks.NotebookShell;
import org.introdl.notebooks.NotebookStepper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./labs notebook LAB [--run | --step] [--quick] [--exercises DIR] [--ipynb DIR]}: a lab as a notebook, in JShell or as
 * .ipynb.
 */
@Command(name = "notebook", mixinStandardHelpOptions = true,
    description = {"A lab as its 2018 notebook, cell by cell, in JShell (only the JDK needed).",
      "Without options: opens jshell with the lab's imports loaded and each cell ready to /open."},
    footer = {"", "Examples:", "  ./labs notebook lab2                 step through the music lab in jshell",
      "  ./labs notebook lab2 --step --quick  cell by cell: Enter runs a cell, e edits it first",
      "  ./labs notebook lab1 --run           every cell, each output under its title",
      "  ./labs notebook lab2 --run --quick   the same, small training settings",
      "  ./labs notebook lab2 --run --quick --exercises DIR   the same, with your exercise code",
      "  ./labs notebook lab3 --ipynb DIR     the Jupyter form (Java kernel)"})
public final class NotebookCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "LAB", description = "lab1 (basics), lab2 (music) or lab3 (xray).")
  Notebook.Lab lab;

  @Option(names = "--run", description = "Run every cell headless and print each cell's output; exit 1 if a cell fails.")
  boolean run;

  @Option(names = "--step", description = "Show each cell and wait: Enter runs it, e edits it first ($VISUAL or"
      + " $EDITOR, else typed lines ending with a lone '.'), s skips it, q quits.")
  boolean step;

  @Option(names = "--check", description = "Compile every cell without running any; exit 1 naming a cell that does not.")
  boolean check;

  @Option(names = "--quick", description = "Small settings in the cells that train (a few steps, small images).")
  boolean quick;

  @Option(names = "--ipynb", paramLabel = "DIR", description = "Write the lab's .ipynb (Java kernel) into DIR.")
  Path ipynbDir;

  @Option(names = "--exercises", paramLabel = "DIR", description = "The cells that hold an exercise task call your"
      + " code from this exercise workspace (./labs exercises start lab2|lab3).")
  Path exercises;

  @Override
  public Integer call() {
    BadOption.check(!(step && (run || check || ipynbDir != null)), "--step",
        "waits for you at each cell: leave out --run, --check and --ipynb");
    Notebook notebook = Notebook.load(lab);
    if (ipynbDir != null) {
      System.out.println("Wrote " + Ipynb.write(notebook, ipynbDir));
      return 0;
    }
    if (check) {
      Optional<String> error = NotebookRunner.compile(notebook);
      System.out.println(error.orElse(notebook.lab() + ": every cell compiles"));
      return error.isEmpty() ? 0 : 1;
    }
    Optional<Path> workspace = Optional.ofNullable(exercises);
    workspace.ifPresent(dir -> System.out.println(yourCodeLine(notebook, dir)));
    if (run) {
      System.out.println("# " + notebook.title());
      NotebookRunner.Report report = NotebookRunner.run(notebook, quick, workspace, Optional.of(System.out));
      NotebookRunner.printSummary(report, System.out);
      return report.passed() ? 0 : 1;
    }
    if (step) {
      NotebookStepper.Steps steps = new NotebookStepper(notebook,
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), System.out,
          NotebookStepper.editorFrom(System.getenv())).step(quick, workspace);
      return steps.failed().isEmpty() ? 0 : 1;
    }
    return NotebookShell.open(notebook, quick, workspace, System.out);
  }

  /** The one line saying which cells run the student's code; refuses a lab without tasks or a missing folder. */
  private static String yourCodeLine(Notebook notebook, Path dir) {
    List<String> cells = NotebookRunner.exerciseCells(notebook);
    BadOption.check(!cells.isEmpty(), "--exercises", "has no task to plug in " + notebook.lab()
        + "'s notebook (its exercises are checked with ./labs exercises check)");
    BadOption.check(Files.isDirectory(dir), "--exercises", dir + " is not a folder (start one with ./labs exercises"
        + " start " + notebook.lab() + " --dir " + dir + ")");
    return "Exercises: your code from " + dir + " runs in the cells " + String.join(", ", cells)
        + " (each says which of its tasks are yours)";
  }
}
