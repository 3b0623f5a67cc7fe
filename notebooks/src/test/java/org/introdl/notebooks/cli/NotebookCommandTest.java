package org.introdl.notebooks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.introdl.core.cli.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ./labs notebook}: a lab that does not exist, or {@code --exercises} where it cannot apply, is one line and
 * exit 2; {@code --check} exits 0 when all compile.
 */
class NotebookCommandTest {
  @Test
  void anUnknownLabIsOneLineNamingTheLabs() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new NotebookCommand()).setErr(new PrintWriter(err));
    assertEquals(2, cli.execute("lab4"));
    assertTrue(err.toString().startsWith("Invalid value for positional parameter at index 0 (LAB): expected one of"
        + " [lab1, lab2, lab3]"), err.toString());
  }

  @Test
  void exercisesForANotebookWithoutTasksOrAMissingWorkspaceIsOneLine(@TempDir Path home) {
    StringWriter err = new StringWriter();
    CommandLine cli = Cli.configure(new CommandLine(new NotebookCommand()), false).setErr(new PrintWriter(err));
    assertEquals(2, cli.execute("lab1", "--run", "--exercises", home.toString()));
    assertEquals("notebook: --exercises has no task to plug in lab1's notebook (its exercises are checked with"
        + " ./labs exercises check) (see 'notebook --help')", err.toString().strip());
    err.getBuffer().setLength(0);
    Path missing = home.resolve("missing");
    assertEquals(2, cli.execute("lab2", "--run", "--exercises", missing.toString()));
    assertEquals("notebook: --exercises " + missing + " is not a folder (start one with ./labs exercises start lab2"
        + " --dir " + missing + ") (see 'notebook --help')", err.toString().strip());
  }

  @Test
  void stepWithRunIsOneLine() {
    StringWriter err = new StringWriter();
    CommandLine cli = Cli.configure(new CommandLine(new NotebookCommand()), false).setErr(new PrintWriter(err));
    assertEquals(2, cli.execute("lab2", "--step", "--run"));
    assertEquals("notebook: --step waits for you at each cell: leave out --run, --check and --ipynb (see 'notebook"
        + " --help')", err.toString().strip());
  }

  @Test
  void checkExitsZeroWhenEveryCellCompiles() {
    assertEquals(0, new CommandLine(new NotebookCommand()).execute("lab1", "--check"));
  }
}
