package org.introdl.notebooks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ./labs notebook}: a lab that does not exist is one line and exit 2; {@code --check} exits 0 when all compile. */
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
  void checkExitsZeroWhenEveryCellCompiles() {
    assertEquals(0, new CommandLine(new NotebookCommand()).execute("lab1", "--check"));
  }
}
