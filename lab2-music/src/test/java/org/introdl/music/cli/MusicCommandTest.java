package org.introdl.music.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.introdl.core.cli.Cli;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MusicCommandTest {
  @Test
  void temperatureZeroPointsToGreedy() {
    StringWriter err = new StringWriter();
    CommandLine cli = Cli.configure(new CommandLine(new MusicCommand()), false);
    cli.setErr(new PrintWriter(err, true));
    assertEquals(2, cli.execute("generate", "--checkpoint", "run", "--temperature", "0"));
    assertTrue(err.toString().contains("use --greedy"), err.toString());
    assertEquals(1, err.toString().lines().count(), err.toString());
  }

  @Test
  void statefulGenerationHasNoWindowsToRecompute() {
    StringWriter err = new StringWriter();
    CommandLine cli = Cli.configure(new CommandLine(new MusicCommand()), false);
    cli.setErr(new PrintWriter(err, true));
    assertEquals(2, cli.execute("generate", "--checkpoint", "run", "--stateful", "--recompute-windows"));
    assertTrue(err.toString().contains("leave out --recompute-windows"), err.toString());
    assertEquals(1, err.toString().lines().count(), err.toString());
  }
}
