package org.introdl.xray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.introdl.xray.train.XraySettings;
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
    XraySettings settings = XraySettings.cpu().withImageSize(32).withBatch(4)
        .withLr(0.003f, XraySettings.LrSchedule.CONSTANT).withSteps(STEPS, 10).withSeed(3);
    return new XrayTrainer.Options(settings, out, resume, CHECKPOINT_EVERY);
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
    long resumedAt = resumed.run().startStep();
    assertTrue(resumedAt >= 6, "resumed at " + resumedAt);
    assertTrue(lastLogged - resumedAt <= CHECKPOINT_EVERY + 1,
        "lost " + (lastLogged - resumedAt) + " steps (logged " + lastLogged + ")");

    Path straight = tmp.resolve("straight");
    XrayTrainer.train(options(straight, false), new PrintStream(new ByteArrayOutputStream()));
    for (String file : List.of("metrics.csv", "metrics.jsonl")) {
      assertEquals(Files.readAllLines(straight.resolve(file)), Files.readAllLines(out.resolve(file)),
          file + " of the killed and resumed run, line for line");
    }
    assertEquals(events(straight), events(out), "TensorBoard: each (tag, step) once, as in the straight run");
  }

  /** Every (tag, step) in a run's TensorBoard files, in file order. */
  static List<String> events(Path run) throws Exception {
    List<String> seen = new java.util.ArrayList<>();
    try (var files = Files.list(run.resolve("tensorboard"))) {
      for (Path f : files.sorted().toList()) {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(Files.readAllBytes(f)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        while (in.remaining() >= 16) {
          byte[] payload = new byte[(int) in.getLong()];
          in.getInt();
          in.get(payload);
          in.getInt();
          org.tensorflow.proto.Event e = org.tensorflow.proto.Event.parseFrom(payload);
          e.getSummary().getValueList().forEach(v -> seen.add(v.getTag() + "@" + e.getStep()));
        }
      }
    }
    return seen;
  }
}
