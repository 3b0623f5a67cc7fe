package org.introdl.xray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.introdl.core.testing.TensorBoardEvents;
import org.introdl.xray.train.XraySettings;
import org.introdl.xray.train.XrayTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The x-ray lab plugs into the shared loop's resume: 2 steps, then 2 more resumed in-process, end as 4 straight steps
 * (held-out evaluations included). The loop's own kill-and-resume and Ctrl-C are tested once, with SIGKILL and
 * SIGINT on a child JVM, in labs-core's {@code KillAndResumeTest}.
 */
class XrayResumeTest {
  private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

  @TempDir Path tmp;

  static XrayTrainer.Options options(Path out, int steps, boolean resume) {
    XraySettings settings = XraySettings.cpu().withImageSize(32).withBatch(4)
        .withLr(0.003f, XraySettings.LrSchedule.CONSTANT).withSteps(steps, 2).withHeldOut(0.02).withSeed(3);
    return new XrayTrainer.Options(settings, out, resume, 2);
  }

  @Test
  void twoStepsResumedForTwoMoreEndAsFourStraightSteps() throws Exception {
    Path straight = tmp.resolve("straight");
    XrayTrainer.train(options(straight, 4, false), QUIET);
    Path split = tmp.resolve("split");
    XrayTrainer.train(options(split, 2, false), QUIET);
    XrayTrainer.Result resumed = XrayTrainer.train(options(split, 4, true), QUIET);

    assertEquals(2, resumed.run().startStep());
    for (String file : List.of("metrics.csv", "metrics.jsonl")) {
      assertEquals(Files.readAllLines(straight.resolve(file)), Files.readAllLines(split.resolve(file)), file);
    }
    assertEquals(TensorBoardEvents.tagSteps(straight.resolve("tensorboard")),
        TensorBoardEvents.tagSteps(split.resolve("tensorboard")));
    assertArrayEquals(variables(straight, 4), variables(split, 4), "the checkpoint's variables, bit for bit");
    // Control: step 2's variables differ from step 4's, so a resume that lost the steps after it would be caught.
    assertFalse(Arrays.equals(variables(split, 2), variables(split, 4)));
  }

  /** The bytes of a run's checkpoint of {@code step} (its variables in the order of their keys). */
  private static byte[] variables(Path run, long step) throws Exception {
    return Files.readAllBytes(run.resolve(String.format("checkpoints/step-%06d/model.data-00000-of-00001", step)));
  }
}
