package org.introdl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.introdl.core.LabPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./labs exercises} from the command line: a workspace started, checked, solved and checked again. */
class ExercisesCliTest {
  @TempDir Path home;

  /** Runs the CLI; returns {exit code, stdout, stderr}. */
  private static Object[] run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = LabsMain.execute(args);
      return new Object[] {code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void startThenSolveAllThenCheckPassesEveryTask() throws Exception {
    Path ws = home.resolve("ws");
    for (String lab : new String[] {"lab1", "music", "3"}) {
      Object[] r = run("exercises", "start", lab, "--dir", ws.toString());
      assertEquals(0, r[0], (String) r[2]);
    }
    Object[] before = run("exercises", "check", ws.toString());
    assertEquals(1, before[0]);
    assertTrue(((String) before[1]).contains("0 of 13 tasks passed."), (String) before[1]);
    assertTrue(((String) before[1]).contains("not done yet: rnn still throws its TODO"), (String) before[1]);

    Object[] solved = run("exercises", "solve", ws.toString(), "--all");
    assertEquals(0, solved[0], (String) solved[2]);
    assertTrue(Files.readString(ws.resolve("lab2/Lab2Music.java")).contains("filled in by './labs exercises solve'"));

    Object[] after = run("exercises", "check", ws.toString());
    assertEquals(0, after[0], (String) after[1]);
    assertTrue(((String) after[1]).contains("13 of 13 tasks passed (13 of them with the reference solution that solve "
        + "filled in)."), (String) after[1]);
    assertTrue(((String) after[1]).contains("  reference rnn "), (String) after[1]);
    assertFalse(((String) after[1]).contains("FAILED"), (String) after[1]);

    Object[] list = run("exercises", "list", ws.toString());
    assertTrue(((String) list[1]).contains("[reference solution, not your own, last check passed with the reference]"),
        (String) list[1]);
  }

  @Test
  void aSolvedWorkspaceTrainsAndGeneratesMusicAndDrawsMaps() throws Exception {
    Path ws = home.resolve("ws");
    run("exercises", "start", "lab2", "--dir", ws.toString());
    run("exercises", "start", "lab3", "--dir", ws.toString());
    run("exercises", "solve", ws.toString(), "--all");

    Path music = home.resolve("music-run");
    Object[] train = run("music", "train", "--exercises", ws.toString(), "--steps", "3", "--batch", "8",
        "--checkpoint-every", "3", "--out", music.toString());
    assertEquals(0, train[0], (String) train[2]);
    assertTrue(((String) train[1]).contains("Your code from " + ws + ": rnn, lossOp, trainOp, accuracy\n"),
        (String) train[1]);
    assertFalse(((String) train[1]).contains("Warning:"), (String) train[1]);
    String manifest = Files.readString(music.resolve("run.json"));
    assertTrue(manifest.contains("\"exercises\"") && manifest.contains(ws.toAbsolutePath().toString())
        && manifest.contains("\"yours\" : [ \"rnn\", \"lossOp\", \"trainOp\", \"accuracy\" ]"), manifest);
    Path song = home.resolve("song");
    Object[] generate = run("music", "generate", "--exercises", ws.toString(), "--checkpoint", music.toString(),
        "--notes", "24", "--out", song.toString());
    assertEquals(0, generate[0], (String) generate[2]);
    assertTrue(((String) generate[1]).contains("Your code from " + ws + ": sampleNextNote, generateSong\n"),
        (String) generate[1]);
    assertTrue(Files.size(song.resolve("gen_song_0.mid")) > 0);

    Path xray = home.resolve("xray-run");
    Object[] xrayTrain = run("xray", "train", "--image-size", "32", "--steps", "1", "--batch", "2", "--held-out", "0.2",
        "--out", xray.toString());
    assertEquals(0, xrayTrain[0], (String) xrayTrain[2]);
    Path maps = home.resolve("maps");
    Object[] cam = run("xray", "cam", "--exercises", ws.toString(), "--checkpoint", xray.toString(), "--image-size",
        "32", "--index", "0,1", "--out", maps.toString());
    assertEquals(0, cam[0], (String) cam[2]);
    assertTrue(((String) cam[1]).contains("Maps computed by your extractFeaturesWeights"), (String) cam[1]);
    assertTrue(Files.isRegularFile(maps.resolve("cam-sheet.png")));
  }

  @Test
  void startKeepsAnExistingFileAndRefusesTheRepository() throws Exception {
    Path ws = home.resolve("ws");
    run("exercises", "start", "lab1", "--dir", ws.toString());
    Path file = ws.resolve("lab1/Lab1Basics.java");
    Files.writeString(file, Files.readString(file) + "\n// mine\n");
    Object[] again = run("exercises", "start", "lab1", "--dir", ws.toString());
    assertEquals(0, again[0]);
    assertTrue(((String) again[1]).contains("is already there; your work in it is kept"), (String) again[1]);
    assertTrue(Files.readString(file).endsWith("// mine\n"));

    Object[] inside = run("exercises", "start", "lab1", "--dir", LabPaths.repoRoot().resolve("ws").toString());
    assertEquals(1, inside[0]);
    assertTrue(((String) inside[2]).contains("inside the repository"), (String) inside[2]);
    assertFalse(Files.exists(LabPaths.repoRoot().resolve("ws")));
  }

  @Test
  void aCompileErrorIsShownAsJavacShowsIt() throws Exception {
    Path ws = home.resolve("ws");
    run("exercises", "start", "lab1", "--dir", ws.toString());
    Path file = ws.resolve("lab1/Lab1Basics.java");
    Files.writeString(file, Files.readString(file).replace("throw new UnsupportedOperationException(\"TODO: collatz\");",
        "return undefinedName;"));
    Object[] r = run("exercises", "check", ws.toString());
    String out = (String) r[1];
    assertEquals(1, r[0]);
    assertTrue(out.contains("lab1/Lab1Basics.java:"), out);
    assertTrue(out.contains(": error: cannot find symbol"), out);
    assertTrue(out.contains("    return undefinedName;\n           ^"), out);
    assertTrue(out.contains("not checked: lab1/Lab1Basics.java does not compile"), out);
  }

  @Test
  void hintsComeOneMoreEachTime() {
    Path ws = home.resolve("ws");
    run("exercises", "start", "lab3", "--dir", ws.toString());
    String first = (String) run("exercises", "hint", ws.toString(), "upsample")[1];
    assertTrue(first.contains("Hint 1 of 3") && !first.contains("Hint 2"), first);
    run("exercises", "hint", ws.toString(), "upsample");
    String third = (String) run("exercises", "hint", ws.toString(), "upsample")[1];
    assertTrue(third.contains("Hint 3 of 3") && third.contains("That was the last hint"), third);
  }

  @Test
  void mistakesInTheCommandLineAreOneLine() {
    Path ws = home.resolve("ws");
    Object[] empty = run("exercises", "check", ws.toString());
    assertEquals(1, empty[0]);
    assertTrue(((String) empty[2]).contains("no exercises here; start a lab with"), (String) empty[2]);
    run("exercises", "start", "lab1", "--dir", ws.toString());
    Object[] unknown = run("exercises", "check", ws.toString(), "--task", "nope");
    assertEquals(1, unknown[0]);
    assertTrue(((String) unknown[2]).contains("no task 'nope'; the tasks are: placeholders, "), (String) unknown[2]);
    Object[] typo = run("exercises", "hint", ws.toString(), "colatz");
    assertEquals(1, typo[0]);
    assertTrue(((String) typo[2]).contains("no task 'colatz'; did you mean 'collatz'?"), (String) typo[2]);
    assertEquals(2, run("exercises", "solve", ws.toString(), "collatz", "--all")[0]);
    Object[] badLab = run("exercises", "start", "lab9", "--dir", ws.toString());
    assertEquals(1, badLab[0]);
    assertTrue(((String) badLab[2]).contains("no lab 'lab9'"), (String) badLab[2]);
  }
}
