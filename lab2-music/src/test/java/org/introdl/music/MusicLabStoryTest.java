package org.introdl.music;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.introdl.core.testing.DocsBlocks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab's story for {@code ./labs run}, with its own settings: its record, and the output docs/lab2-music.md shows,
 * numbers included (losses and accuracies within {@link #NUMBERS_WITHIN}: other CPUs sum in another order).
 */
class MusicLabStoryTest {
  /** Relative tolerance of the documented losses and accuracies, as the docs page states it. */
  static final double NUMBERS_WITHIN = 0.02;

  @TempDir Path tmp;

  @Test
  void theStoryReturnsItsRunAndSongAndPrintsWhatTheDocsShow() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    MusicLab.Story story = MusicLab.runMainJob(tmp, MusicLab.mainJobSettings(),
        new PrintStream(printed, true, StandardCharsets.UTF_8));

    assertEquals(MusicLab.MAIN_JOB_STEPS, story.training().endStep());
    assertTrue(story.training().last().loss() < story.training().first().loss(), "the loss falls");
    assertEquals(500, story.song().notes());
    for (Path f : story.files()) {
      assertTrue(Files.isRegularFile(f), f + " exists");
    }
    DocsBlocks.assertPrintedInOrderWithNumbers("lab2-music.md", DocsBlocks.block("lab2-music.md", "<!-- music story -->"),
        printed.toString(StandardCharsets.UTF_8), NUMBERS_WITHIN);
  }
}
