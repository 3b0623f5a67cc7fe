package org.introdl.xray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.introdl.core.testing.DocsBlocks;
import org.introdl.xray.train.XraySettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lab's story for {@code ./labs run}, with small settings: its record, and the output docs/lab3-xray.md shows. */
class XrayLabStoryTest {
  @TempDir Path tmp;

  @Test
  void theStoryReturnsItsRunEvaluationAndMapsAndPrintsWhatTheDocsShow() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    XraySettings small = XrayLab.mainJobSettings().withImageSize(32).withSteps(4, 2);
    XrayLab.Story story = XrayLab.runMainJob(tmp, small, new PrintStream(printed, true, StandardCharsets.UTF_8));

    assertEquals(4, story.training().run().endStep());
    assertEquals(160, story.training().heldOutImages(), "a fifth of the 800 phantoms");
    assertEquals(10, story.cams().images().size());
    assertEquals(75, story.localisation().positives(), "every held-out positive's map is measured");
    assertTrue(Files.exists(tmp.resolve("mistakes.png")) && Files.exists(tmp.resolve("mistakes.csv")));
    assertTrue(Files.exists(tmp.resolve("reliability.png")));
    long wrong = story.training().heldOut().confusion()[0][1] + story.training().heldOut().confusion()[1][0];
    assertEquals(Math.min(wrong, org.introdl.xray.cam.MistakeSheet.MAX_MISTAKES), story.mistakes().mistakes());
    assertTrue(story.cams().images().stream().allMatch(c -> c.peakX() < 256 && c.peakY() < 256));
    for (Path f : story.files()) {
      assertTrue(Files.exists(Path.of(f + (f.getFileName().toString().equals("model") ? ".index" : ""))), f + " exists");
    }
    java.awt.image.BufferedImage overlay = javax.imageio.ImageIO.read(story.cams().images().get(0).png().toFile());
    assertEquals(256, overlay.getWidth(), "the map is drawn at the picture's own 256 px, not the model's 32");
    DocsBlocks.assertPrintedInOrder("lab3-xray.md", DocsBlocks.block("lab3-xray.md", "<!-- x-ray story -->"),
        printed.toString(StandardCharsets.UTF_8));
  }
}
