package org.introdl.xray.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.introdl.core.cli.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Wrong values and bad files through the command line: one line on stderr, exit 2 or 1, no output left behind. */
class XrayCommandTest {
  @TempDir Path tmp;

  record Run(int code, String err) {}

  static Run run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = Cli.configure(new CommandLine(new XrayCommand()), false);
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    int code = cli.execute(args);
    return new Run(code, err.toString());
  }

  static void assertOneLine(Run r, int code, String expected) {
    assertEquals(code, r.code(), r.err());
    assertTrue(r.err().contains(expected), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
  }

  @Test
  void wrongValuesExitTwo() {
    assertOneLine(run("train", "--image-size", "100", "--out", tmp.toString()), Cli.EXIT_USAGE, "multiple of 16");
    assertOneLine(run("train", "--steps", "0", "--out", tmp.toString()), Cli.EXIT_USAGE, "--steps");
    assertOneLine(run("train", "--lr", "abc"), Cli.EXIT_USAGE, "--lr");
    assertOneLine(run("cam", "--checkpoint", tmp.toString(), "--class", "3"), Cli.EXIT_USAGE, "--class");
    Run zeroBatch = run("train", "--batch", "0", "--out", tmp.resolve("b").toString());
    assertOneLine(zeroBatch, Cli.EXIT_USAGE, "--batch must be between 1 and 4096, got 0");
    assertFalse(zeroBatch.err().contains("--steps"), "names only the bad option: " + zeroBatch.err());
    assertOneLine(run("train", "--momentum", "2", "--out", tmp.resolve("m").toString()), Cli.EXIT_USAGE,
        "--momentum must be in [0, 1), got 2.0");
    assertOneLine(run("train", "--clip-norm", "-1", "--out", tmp.resolve("c").toString()), Cli.EXIT_USAGE,
        "--clip-norm must be 0 (no clipping) or a positive number, got -1.0");
    assertOneLine(run("train", "--warmup-steps", "-2", "--out", tmp.resolve("w").toString()), Cli.EXIT_USAGE,
        "--warmup-steps must be 0 or more steps, got -2");
    assertOneLine(run("train", "--optimizer", "sgd", "--out", tmp.resolve("o").toString()), Cli.EXIT_USAGE,
        "--optimizer");
    assertFalse(Files.exists(tmp.resolve("b")), "no folder left by a refused run");
    assertOneLine(run("eval"), Cli.EXIT_USAGE, "--checkpoint");
  }

  @Test
  void badFilesExitOneAndLeaveNothingBehind() throws Exception {
    Path bad = Files.writeString(tmp.resolve("bad.h5"), "not hdf5");
    Path out = tmp.resolve("out");
    assertOneLine(run("train", "--data", bad.toString(), "--out", out.toString()), Cli.EXIT_BAD_INPUT, "bad.h5: not a readable HDF5 file");
    assertOneLine(run("eval", "--checkpoint", tmp.resolve("nothing").toString(), "--out", out.toString()), Cli.EXIT_BAD_INPUT, "no checkpoint here");
    assertOneLine(run("data", "--data", tmp.resolve("missing").toString()), Cli.EXIT_BAD_INPUT, "no such file or folder");
    Path garbageCkpt = tmp.resolve("ckpt");
    Files.writeString(Path.of(garbageCkpt + ".index"), "garbage");
    assertOneLine(run("eval", "--checkpoint", garbageCkpt.toString(), "--image-size", "32", "--out", out.toString()),
        Cli.EXIT_BAD_INPUT, "cannot restore checkpoint");
    assertFalse(Files.exists(out), "a refused run leaves no output folder behind");
  }
}
