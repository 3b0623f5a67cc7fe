package org.introdl.basics.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.introdl.core.cli.Cli;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BasicsCommandTest {
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Cli.configure(new CommandLine(new BasicsCommand()), false);
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    return cli.execute(args);
  }

  @Test
  void aNonNumberIsAOneLineUsageError() {
    assertEquals(2, run("placeholders", "--a", "abc"));
    assertOneLine("'abc' is not a float");
  }

  @Test
  void aRowOfTheWrongWidthIsAOneLineUsageError() {
    assertEquals(2, run("perceptron", "--x", "1,2,3"));
    assertOneLine("has 3 values, the perceptron takes 2");
  }

  @Test
  void aStartBelowOneIsAOneLineUsageError() {
    assertEquals(2, run("collatz", "--start", "0"));
    assertOneLine("--start");
  }

  @Test
  void aSumBeyondInt32IsRefusedNotWrapped() {
    assertEquals(2, run("graph", "--a", "2147483647", "--b", "1"));
    assertOneLine("2147483647 + 1 = 2147483648 leaves the int32 range (TensorFlow's int32 add would give -2147483648)");
    assertEquals(0, run("graph", "--a", "2147483646", "--b", "1"));
    assertEquals(0, run("graph", "--a", "-2147483647", "--b", "-1"));
  }

  @Test
  void validStepsExitZero() {
    assertEquals(0, run("perceptron", "--x", "0.25,0.15", "--x", "1,2"));
    assertEquals(0, run("collatz", "--start", "7"));
  }

  private void assertOneLine(String fragment) {
    String text = err.toString();
    assertEquals(1, text.lines().count(), text);
    assertTrue(text.contains(fragment), text);
  }
}
