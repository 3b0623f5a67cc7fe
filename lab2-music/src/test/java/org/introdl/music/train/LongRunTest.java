package org.introdl.music.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.introdl.core.testing.ResidentMemory;
import org.introdl.music.data.SongBatches;
import org.introdl.music.fast.FastMusicLstm;
import org.introdl.music.model.ModelFeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults and long runs: a training JVM killed with SIGKILL resumes exactly; memory stays flat over many steps. */
class LongRunTest {
  @TempDir Path tmp;

  @Test
  void aKilledRunResumesFromItsLastCompleteCheckpointAndEndsLikeAStraightRun() throws Exception {
    int steps = 600;
    Path killed = tmp.resolve("killed");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), TrainChild.class.getName(),
        killed.toString(), Integer.toString(steps), "false")
        .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
    try {
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (checkpoints(killed) < 2 && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(child.isAlive(), "the child was still training when killed");
    } finally {
      child.destroyForcibly().waitFor(); // SIGKILL: no shutdown hooks, files as they are mid-write
    }
    long metricsBefore = Files.readAllLines(killed.resolve("metrics.csv")).size() - 1;

    MusicTrainer.TrainResult resumed = MusicTrainer.train(MusicTrainerTest.smallCorpus(),
        MusicTrainerTest.small(killed, steps).withResume(true).withCheckpointEvery(20), MusicTrainerTest.QUIET);
    long resumedAt = resumed.run().startStep();
    assertTrue(resumedAt >= 40, "resumed from step " + resumedAt);
    assertTrue(metricsBefore - resumedAt <= 20 + 1,
        "at most one checkpoint interval lost: logged " + metricsBefore + ", resumed at " + resumedAt);

    Path straight = tmp.resolve("straight");
    MusicTrainer.train(MusicTrainerTest.smallCorpus(), MusicTrainerTest.small(straight, steps).withCheckpointEvery(20),
        MusicTrainerTest.QUIET);
    assertEquals(Files.readAllLines(straight.resolve("metrics.csv")), Files.readAllLines(killed.resolve("metrics.csv")));
    assertEquals(Files.readAllLines(straight.resolve("metrics.jsonl")), Files.readAllLines(killed.resolve("metrics.jsonl")));
  }

  @Test
  void ctrlCStopsAfterTheStepInProgressWithACheckpointAChartAndTheCommandToResume() throws Exception {
    Path run = tmp.resolve("interrupted");
    Path log = tmp.resolve("interrupted.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(defaultSigint());
    command.addAll(List.of(java, "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
        TrainChild.class.getName(), run.toString(), "100000", "false", "log every step"));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (!Files.readString(log).contains("step 3/") && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).start().waitFor();
      assertTrue(child.waitFor(60, TimeUnit.SECONDS), "stopped after Ctrl-C");
    } finally {
      child.destroyForcibly().waitFor();
    }
    String said = Files.readString(log);
    Matcher m = Pattern.compile("interrupted at step (\\d+); continue with: "
        + "\\./labs music train --out (.*) --resume").matcher(said);
    assertTrue(m.find(), said);
    long step = Long.parseLong(m.group(1));
    assertEquals(run.toAbsolutePath().normalize().toString(), Path.of(m.group(2)).toAbsolutePath().normalize().toString());
    assertTrue(Files.isDirectory(run.resolve(String.format("checkpoints/step-%06d", step))), "checkpoint of step " + step);
    assertTrue(Files.isRegularFile(run.resolve("loss.png")));
    assertEquals(step + 1, Files.readAllLines(run.resolve("metrics.csv")).size(), "header + one row per step run");
  }

  /**
   * A process started from a background job inherits SIGINT ignored, and a JVM then never sees Ctrl-C; GNU env can
   * give the child the default disposition back (as a terminal's foreground job has it).
   */
  private static List<String> defaultSigint() throws Exception {
    try {
      Process p = new ProcessBuilder("env", "--default-signal=INT", "true").start();
      return p.waitFor() == 0 ? List.of("env", "--default-signal=INT") : List.of();
    } catch (java.io.IOException e) {
      return List.of();
    }
  }

  private static long checkpoints(Path run) throws Exception {
    Path dir = run.resolve("checkpoints");
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("step-")).count();
    }
  }

  @Test
  void residentMemoryStaysFlatOver5000SmallSteps() {
    FastMusicLstm.Config config = FastMusicLstm.Config.of(8, 8, FastMusicLstm.Input.NOTE_INDICES, 1);
    SongBatches sampler = MusicTrainerTest.smallCorpus().batches(8, config.timesteps(), 1);
    long afterWarmUp = 0;
    long atEnd;
    try (org.tensorflow.Graph g = new org.tensorflow.Graph()) {
      org.tensorflow.op.Ops tf = org.tensorflow.op.Ops.create(g);
      FastMusicLstm model = FastMusicLstm.build(tf, config);
      var update = new org.introdl.core.optim.Tf1Adam(0.001f).minimize(tf, model.loss, model.trainables());
      try (org.tensorflow.Session s = new org.tensorflow.Session(g)) {
        for (int step = 1; step <= 5000; step++) {
          // The trainer's loop body: feed a batch, fetch loss and accuracy, apply Adam, close everything.
          try (ModelFeed feed = ModelFeed.of(model, sampler.next());
              org.tensorflow.Result r = feed.into(s.runner()).fetch(model.loss).fetch(model.accuracy)
                  .addTarget(update.train()).run()) {
            assertTrue(Float.isFinite(((org.tensorflow.types.TFloat32) r.get(0)).getFloat()));
          }
          if (step == 1000) {
            System.gc();
            afterWarmUp = ResidentMemory.kilobytes();
          }
        }
        System.gc();
        atEnd = ResidentMemory.kilobytes();
      }
    }
    System.out.println("RSS after 1000 steps: " + afterWarmUp + " kB; after 5000: " + atEnd + " kB");
    if (afterWarmUp > 0) {
      assertTrue(atEnd < afterWarmUp * 1.05, "RSS after warm-up " + afterWarmUp + " kB, after 5000 steps " + atEnd);
    }
  }
}
