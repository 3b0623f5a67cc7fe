package org.introdl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A mistyped command or option is named, with the nearest right one; help finds any command. */
class HelpfulErrorsTest {
  @Test
  void aMistypedCommandGetsADidYouMean() {
    CapturedRun o = CapturedRun.of("basic");
    assertEquals(2, o.exitCode());
    assertEquals("labs: unknown command 'basic'; did you mean basics? (see 'labs --help')", o.err().strip());
    assertTrue(CapturedRun.of("music", "trian").err().contains("unknown command 'trian'; did you mean train?"));
    assertTrue(CapturedRun.of("xray", "evl").err().contains("did you mean eval?"));
  }

  @Test
  void aMistypedOptionGetsADidYouMean() {
    CapturedRun o = CapturedRun.of("music", "train", "--step", "5");
    assertEquals(2, o.exitCode());
    assertEquals("labs music train: unknown option '--step'; did you mean --steps? (see 'labs music train --help')",
        o.err().strip());
    assertTrue(CapturedRun.of("music", "generate", "--temprature=2").err().contains("did you mean --temperature?"));
  }

  @Test
  void nothingIsSuggestedWhenNothingIsNear() {
    CapturedRun o = CapturedRun.of("nonsense");
    assertEquals("labs: unknown command 'nonsense' (see 'labs --help')", o.err().strip());
    assertEquals("labs basics graph: unexpected argument 'extra' (see 'labs basics graph --help')",
        CapturedRun.of("basics", "graph", "extra").err().strip());
  }

  @Test
  void helpFindsACommandAtAnyDepth() {
    CapturedRun o = CapturedRun.of("help", "xray", "cam");
    assertEquals(0, o.exitCode());
    assertTrue(o.out().startsWith("Usage: labs xray cam"), o.out());
    CapturedRun typo = CapturedRun.of("help", "xray", "cma");
    assertEquals(2, typo.exitCode());
    assertTrue(typo.err().contains("unknown command 'cma'; did you mean cam?"), typo.err());
  }

  @Test
  void theTopLevelHelpSaysWhereToStartWithAnExamplePerLab() {
    String help = CapturedRun.of("--help").out();
    assertTrue(help.contains("Start with ./labs run"), help);
    for (String example : new String[] {"./labs basics ", "./labs music ", "./labs xray ", "./labs savedmodel "}) {
      assertTrue(help.contains(example), example + " in " + help);
    }
    help.lines().forEach(line -> assertTrue(line.length() <= 80, "fits a terminal: " + line));
  }
}
