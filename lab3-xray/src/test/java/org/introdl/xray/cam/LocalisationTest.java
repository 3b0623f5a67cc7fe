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
import org.introdl.xray.train.XrayTrainingGraph;
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

  @Test
  void theDifferenceMapIsThePneumothoraxMapMinusTheOther() {
    float[] features = {1, 0, 2, /**/ 0, 1, 0, /**/ 3, 1, 1, /**/ 0, 0, 0};
    float[] kernel = {0.5f, -1, /**/ 2, 1, /**/ -1, 0.25f};
    // Class 1: {-0.5, 1, -1.75, 0}; class 0: {-1.5, 2, 2.5, 0}.
    assertArrayEquals(new float[] {1, -1, -4.25f, 0}, CamGraph.gridCamDifference(features, kernel, 2), 1e-6f);
  }

  /** Why the difference map: P(pneumothorax) is the logistic of its mean plus the dense biases' difference. */
  @Test
  void pneumothoraxProbabilityIsTheLogisticOfTheDifferenceMapsMean() {
    int size = 32;
    Path prefix = tmp.resolve("fresh");
    try (XrayTrainingGraph fresh = new XrayTrainingGraph(XraySettings.cpu().withImageSize(size))) {
      fresh.save(prefix);
    }
    XrayDataset phantoms = ChestPhantom.generate(4, size, 5);
    try (TrainedModel net = TrainedModel.restore(prefix, size)) {
      int side = net.model().featureMapSize();
      CamGraph camGraph = new CamGraph(net.ops(), net.model(), side);
      float[] kernel = camGraph.denseKernel(net.session());
      for (int k = 0; k < phantoms.count(); k++) {
        CamGraph.Activations a = camGraph.activations(net.session(), phantoms.pixels(), k, 1, 1);
        double mean = 0;
        for (float v : CamGraph.gridCamDifference(a.featureMaps(), kernel, side)) {
          mean += v / (double) (side * side);
        }
        // Fresh weights: zero biases, so the logit difference is the map's mean alone.
        assertEquals(1 / (1 + Math.exp(-mean)), a.probabilities()[1], 1e-5, "image " + k);
      }
    }
  }

  @Test
  void aThinBandOfLesionCanHoldTheHottestCellWithoutItsCentre() {
    float[] grid = new float[16];
    grid[1 * 4 + 2] = 5; // the cell of columns 32..47, rows 16..31 of a 64 px picture
    XrayCam.Peak peak = XrayCam.Peak.of(grid, 4, 64);
    byte[] band = new byte[64 * 64];
    for (int y = 16; y < 32; y++) {
      band[y * 64 + 33] = 1; // a band one pixel wide, inside the cell but away from its centre (40, 24)
    }
    assertFalse(peak.in(band, 64));
    assertTrue(peak.cellOverlaps(band, 64, 4));
    byte[] nextCell = new byte[64 * 64];
    for (int y = 16; y < 32; y++) {
      nextCell[y * 64 + 31] = 1; // the same band one pixel left: in the neighbouring cell
    }
    assertFalse(peak.cellOverlaps(nextCell, 64, 4));
    assertEquals(2 / 16.0, XrayCam.shareOfCellsOnMask(band, 64, 4) + XrayCam.shareOfCellsOnMask(nextCell, 64, 4));
  }

  /**
   * The checks the main job reports, on a model trained 0 steps at the main job's 64 px (a 4x4 grid, as there): it is
   * neither sure nor on the lesion.
   */
  @Test
  void anUntrainedModelFailsTheConfidenceAndLocalisationTargets() {
    int size = 64;
    XraySettings s = XraySettings.cpu().withImageSize(size);
    Path prefix = tmp.resolve("untrained");
    try (XrayTrainingGraph fresh = new XrayTrainingGraph(s)) {
      fresh.save(prefix);
    }
    XrayDataset phantoms = ChestPhantom.generate(40, size, 77);
    try (TrainedModel untrained = TrainedModel.restore(prefix, size)) {
      Calibration c = Calibration.of(untrained.probabilities(phantoms, 20), phantoms.labels());
      assertTrue(c.meanConfidence() < 0.3, "mean |P - 0.5| of fresh weights: " + c.meanConfidence());
      XrayCam.Localisation l = XrayCam.localisation(untrained, phantoms);
      assertEquals(20, l.positives());
      assertTrue(l.differenceCellOnLesionRate() < 0.8, "difference map's cell on the lesion for " + l);
      assertTrue(l.cellOnLesionRate() < 0.8, "pneumothorax map's cell on the lesion for " + l);
      assertTrue(l.peakInLesionRate() < 0.8, "peak in lesion for " + l);
      assertTrue(l.chanceCellOnLesionRate() > 0.1 && l.chanceCellOnLesionRate() < 0.6,
          "a lesion covers a fraction of the cells: " + l.chanceCellOnLesionRate());
    }
  }
}
