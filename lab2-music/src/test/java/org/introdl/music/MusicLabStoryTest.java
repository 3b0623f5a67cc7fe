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

/** The lab's story for {@code ./labs run}, with small settings: its record, and the output docs/lab2-music.md shows. */
class MusicLabStoryTest {
  @TempDir Path tmp;

  @Test
  void theStoryReturnsItsRunAndSongAndPrintsWhatTheDocsShow() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    MusicSettings small = MusicLab.mainJobSettings().withSteps(16).withBatch(16).withModel(32, 64, 0);
    MusicLab.Story story = MusicLab.runMainJob(tmp, small, new PrintStream(printed, true, StandardCharsets.UTF_8));

    assertEquals(16, story.training().endStep());
    assertTrue(story.training().last().loss() < story.training().first().loss(), "the loss falls");
    assertEquals(500, story.song().notes());
    for (Path f : story.files()) {
      assertTrue(Files.isRegularFile(f), f + " exists");
    }
    DocsBlocks.assertPrintedInOrder("lab2-music.md", DocsBlocks.block("lab2-music.md", "<!-- music story -->"),
        printed.toString(StandardCharsets.UTF_8));
  }
}
