package org.introdl.xray.cam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.introdl.xray.data.ChestPhantom;
import org.introdl.xray.data.XrayDataset;
import org.introdl.xray.model.TrainedModel;
import org.introdl.xray.train.XraySettings;
import org.introdl.xray.train.XrayTrainingGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MistakeSheetTest {
  @TempDir Path tmp;

  @Test
  void mistakesSurestFirstThenTheSurestAndLeastSureRightAnswers() {
    float[] p = {0.9f, 0.2f, 0.6f, 0.45f, 0.99f, 0.01f, 0.55f, 0.3f};
    int[] labels = {0, 1, 1, 0, 1, 0, 0, 1};
    // wrong: 0 (0.9 for label 0, |0.4|), 1 (0.2 for 1, |0.3|), 6 (0.55, |0.05|), 7 (0.3, |0.2|)
    // right: 2 (0.1), 3 (0.05), 4 (0.49), 5 (0.49)
    List<int[]> chosen = MistakeSheet.choose(p, labels);
    assertEquals(List.of(0, 1, 7, 6, 4, 5, 3, 2), chosen.stream().map(c -> c[1]).toList());
    assertEquals(List.of(0, 0, 0, 0, 1, 1, 2, 2), chosen.stream().map(c -> c[0]).toList());
  }

  @Test
  void aFewRightAnswersAreNotShownTwice() {
    List<int[]> chosen = MistakeSheet.choose(new float[] {0.9f, 0.8f, 0.7f}, new int[] {1, 1, 1});
    assertEquals(List.of(0, 1, 2), chosen.stream().map(c -> c[1]).toList());
  }

  @Test
  void theSheetAndItsListForAnUntrainedModel() throws Exception {
    int size = 32;
    Path prefix = tmp.resolve("untrained");
    try (XrayTrainingGraph fresh = new XrayTrainingGraph(XraySettings.cpu().withImageSize(size))) {
      fresh.save(prefix);
    }
    XrayDataset phantoms = ChestPhantom.generate(10, size, 3);
    int[] ids = {100, 101, 102, 103, 104, 105, 106, 107, 108, 109};
    try (TrainedModel untrained = TrainedModel.restore(prefix, size)) {
      float[] p = untrained.probabilities(phantoms, 10);
      MistakeSheet.Result r = MistakeSheet.write(untrained, phantoms, ids, p, tmp, "test phantoms");
      long wrong = 0;
      for (int i = 0; i < p.length; i++) {
        wrong += (p[i] > 0.5f) != (phantoms.labels()[i] == 1) ? 1 : 0;
      }
      assertEquals(Math.min(wrong, MistakeSheet.MAX_MISTAKES), r.mistakes());
      List<String> csv = Files.readAllLines(r.csv());
      assertEquals(r.entries().size() + 1, csv.size());
      assertTrue(csv.get(0).startsWith("kind,index,label,predicted,p_pneumothorax"));
      MistakeSheet.Entry first = r.entries().get(0);
      assertTrue(first.index() >= 100, "indices are the data set's, not the sheet's");
      assertTrue(csv.get(1).contains("," + first.index() + "," + first.label() + ","));
      java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(r.png().toFile());
      assertTrue(png.getWidth() >= 6 * MistakeSheet.TILE, "three panels per image, two images per row");
    }
  }
}
