package org.introdl.xray.cam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.introdl.xray.data.ChestPhantom;
import org.introdl.xray.data.XrayDataset;
import org.introdl.xray.model.TrainedModel;
import org.introdl.xray.train.Calibration;
import org.introdl.xray.train.XraySettings;
import org.introdl.xray.train.XrayTraining;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a CAM peaks, and the checks of the lab's targets failing on a model that has not trained. */
class LocalisationTest {
  @TempDir Path tmp;

  @Test
  void theGridCamIsTheFeatureMapsWeightedByTheKernelColumn() {
    // 2x2 grid, 3 channels; kernel [3, 2].
    float[] features = {1, 0, 2, /**/ 0, 1, 0, /**/ 3, 1, 1, /**/ 0, 0, 0};
    float[] kernel = {0.5f, -1, /**/ 2, 1, /**/ -1, 0.25f};
    assertArrayEquals(new float[] {0.5f - 2, 2, 1.5f + 2 - 1, 0}, CamGraph.gridCam(features, kernel, 0, 2), 1e-6f);
    assertArrayEquals(new float[] {-1 + 0.5f, 1, -3 + 1 + 0.25f, 0}, CamGraph.gridCam(features, kernel, 1, 2), 1e-6f);
  }

  @Test
  void thePeakIsTheHottestCellsCentreInThePicturesPixels() {
    float[] grid = new float[16];
    grid[1 * 4 + 2] = 5; // row 1, column 2
    XrayCam.Peak peak = XrayCam.Peak.of(grid, 4, 64);
    assertEquals(2, peak.cellX());
    assertEquals(1, peak.cellY());
    assertEquals(40, peak.x(), "column 2 of cells 16 px wide: centre at 2.5 * 16");
    assertEquals(24, peak.y());
    byte[] mask = new byte[64 * 64];
    assertFalse(peak.in(mask, 64));
    mask[24 * 64 + 40] = 1;
    assertTrue(peak.in(mask, 64));
  }

  /** The checks the main job reports, on a model trained 0 steps: it is neither sure nor on the lesion. */
  @Test
  void anUntrainedModelFailsTheConfidenceAndLocalisationTargets() {
    int size = 32;
    XraySettings s = XraySettings.cpu().withImageSize(size);
    Path prefix = tmp.resolve("untrained");
    try (XrayTraining fresh = new XrayTraining(s)) {
      fresh.save(prefix);
    }
    XrayDataset phantoms = ChestPhantom.generate(40, size, 77);
    try (TrainedModel untrained = TrainedModel.restore(prefix, size)) {
      Calibration c = Calibration.of(untrained.probabilities(phantoms, 20), phantoms.labels());
      assertTrue(c.meanConfidence() < 0.3, "mean |P - 0.5| of fresh weights: " + c.meanConfidence());
      XrayCam.Localisation l = XrayCam.localisation(untrained, phantoms);
      assertEquals(20, l.positives());
      assertTrue(l.peakInLesionRate() < 0.8, "peak in lesion for " + l.peakInLesionRate());
    }
  }
}
