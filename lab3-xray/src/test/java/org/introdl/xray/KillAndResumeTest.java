package org.introdl.xray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.introdl.xray.train.XrayTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training run killed with SIGKILL (no shutdown hooks, possibly mid-write) resumes from its last complete
 * checkpoint: metrics files stay parseable, at most one checkpoint interval of steps is lost.
 */
class KillAndResumeTest {
  static final int STEPS = 40;
  static final int CHECKPOINT_EVERY = 2;

  @TempDir Path tmp;

  /** The child JVM: a long training run at 32 px. */
  public static void main(String[] args) {
    XrayTrainer.train(options(Path.of(args[0]), Boolean.parseBoolean(args[1])), System.out);
  }

  static XrayTrainer.Options options(Path out, boolean resume) {
    return new XrayTrainer.Options("synthetic", 32, 4, 0.003f, 0.9f, true, STEPS, 100, CHECKPOINT_EVERY, 20, 3, out, resume,
        XrayTrainer.LrSchedule.CONSTANT);
  }

  @Test
  void killedRunResumesFromTheLastCompleteCheckpoint() throws Exception {
    Path out = tmp.resolve("run");
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Djava.awt.headless=true", KillAndResumeTest.class.getName(),
        out.toString(), "false")
        .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!Files.isDirectory(out.resolve("checkpoints/step-000006")) && System.nanoTime() < deadline && child.isAlive()) {
        Thread.sleep(50);
      }
      assertTrue(child.isAlive(), "child ended early: " + Files.readString(tmp.resolve("child.log")));
    } finally {
      child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    List<String> before = Files.readAllLines(out.resolve("metrics.csv"));
    long lastLogged = Long.parseLong(before.get(before.size() - 1).split(",")[0]);

    XrayTrainer.Result resumed = XrayTrainer.train(options(out, true), new PrintStream(new ByteArrayOutputStream()));
    assertTrue(resumed.startStep() >= 6, "resumed at " + resumed.startStep());
    assertTrue(lastLogged - resumed.startStep() <= CHECKPOINT_EVERY + 1,
        "lost " + (lastLogged - resumed.startStep()) + " steps (logged " + lastLogged + ")");
    List<String> after = Files.readAllLines(out.resolve("metrics.csv"));
    assertEquals(1 + STEPS, after.size(), "one row per step after resuming");
    for (int i = 1; i < after.size(); i++) {
      assertEquals(i, Long.parseLong(after.get(i).split(",")[0]), "row " + i);
    }
  }
}
