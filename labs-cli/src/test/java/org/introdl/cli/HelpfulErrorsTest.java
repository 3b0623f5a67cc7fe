package org.introdl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A mistyped command or option is named, with the nearest right one; help finds any command. */
class HelpfulErrorsTest {
  @Test
  void aMistypedCommandGetsADidYouMean() {
    Output o = run("basic");
    assertEquals(2, o.exitCode);
    assertEquals("labs: unknown command 'basic'; did you mean basics? (see 'labs --help')", o.err.strip());
    assertTrue(run("music", "trian").err.contains("unknown command 'trian'; did you mean train?"));
    assertTrue(run("xray", "evl").err.contains("did you mean eval?"));
  }

  @Test
  void aMistypedOptionGetsADidYouMean() {
    Output o = run("music", "train", "--step", "5");
    assertEquals(2, o.exitCode);
    assertEquals("labs music train: unknown option '--step'; did you mean --steps? (see 'labs music train --help')",
        o.err.strip());
    assertTrue(run("music", "generate", "--temprature=2").err.contains("did you mean --temperature?"));
  }

  @Test
  void nothingIsSuggestedWhenNothingIsNear() {
    Output o = run("nonsense");
    assertEquals("labs: unknown command 'nonsense' (see 'labs --help')", o.err.strip());
    assertEquals("labs basics graph: unexpected argument 'extra' (see 'labs basics graph --help')",
        run("basics", "graph", "extra").err.strip());
  }

  @Test
  void helpFindsACommandAtAnyDepth() {
    Output o = run("help", "xray", "cam");
    assertEquals(0, o.exitCode);
    assertTrue(o.out.startsWith("Usage: labs xray cam"), o.out);
    Output typo = run("help", "xray", "cma");
    assertEquals(2, typo.exitCode);
    assertTrue(typo.err.contains("unknown command 'cma'; did you mean cam?"), typo.err);
  }

  @Test
  void theTopLevelHelpSaysWhereToStartWithAnExamplePerLab() {
    String help = run("--help").out;
    assertTrue(help.contains("Start with ./labs run"), help);
    for (String example : new String[] {"./labs basics ", "./labs music ", "./labs xray ", "./labs savedmodel "}) {
      assertTrue(help.contains(example), example + " in " + help);
    }
    help.lines().forEach(line -> assertTrue(line.length() <= 80, "fits a terminal: " + line));
  }

  private record Output(int exitCode, String out, String err) {}

  private static Output run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = LabsMain.execute(args);
      return new Output(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }
}
