package org.introdl.xray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.introdl.core.testing.SharedFixtures;
import org.introdl.xray.data.XrayDataset;
import org.introdl.xray.data.XrayH5Dataset;
import org.introdl.xray.cam.CamGraph;
import org.introdl.xray.train.XraySettings;
import org.introdl.xray.train.XrayTrainingGraph;
import org.junit.jupiter.api.Test;

/** The CAM computed in the graph against a plain-Java CAM from the same feature maps and dense kernel. */
class ClassActivationMapTest {
  /**
   * TF1 {@code resize_bilinear} (align_corners=false, half_pixel_centers=false): source coordinate
   * {@code dst * in / out}, its floor and the next pixel (clamped), linear weights. Plain doubles.
   */
  static double[] resizeBilinearTf1(double[] map, int in, int out) {
    double[] result = new double[out * out];
    double scale = (double) in / out;
    for (int y = 0; y < out; y++) {
      double sy = y * scale;
      int y0 = (int) Math.floor(sy);
      int y1 = Math.min(y0 + 1, in - 1);
      double dy = sy - y0;
      for (int x = 0; x < out; x++) {
        double sx = x * scale;
        int x0 = (int) Math.floor(sx);
        int x1 = Math.min(x0 + 1, in - 1);
        double dx = sx - x0;
        double top = map[y0 * in + x0] + (map[y0 * in + x1] - map[y0 * in + x0]) * dx;
        double bottom = map[y1 * in + x0] + (map[y1 * in + x1] - map[y1 * in + x0]) * dx;
        result[y * out + x] = top + (bottom - top) * dy;
      }
    }
    return result;
  }

  /** sum_c F[i, j, c] * W[c, k], then upsampled. */
  static double[] plainCam(float[] featureMaps, int image, int side, int channels, float[] kernel, int classIndex, int size) {
    double[] small = new double[side * side];
    int base = image * side * side * channels;
    for (int p = 0; p < side * side; p++) {
      double sum = 0;
      for (int c = 0; c < channels; c++) {
        sum += (double) featureMaps[base + p * channels + c] * kernel[c * 2 + classIndex];
      }
      small[p] = sum;
    }
    return resizeBilinearTf1(small, side, size);
  }

  @Test
  void graphCamEqualsPlainJavaCamOnRealXraysForBothClasses() {
    XrayDataset samples = XrayH5Dataset.read(SharedFixtures.require("chest-xray-samples/nih_pneumothorax_samples_256.h5"));
    int size = 128;
    XrayDataset images = samples.select(new int[] {3, 4}).resizedTo(size);
    try (XrayTrainingGraph net = new XrayTrainingGraph(XraySettings.lab().withImageSize(size).withSeed(3))) {
      net.trainStep(images, new int[] {0, 1}, 0.05f);
      float[] kernel = net.variable("dense/kernel");
      CamGraph cams = new CamGraph(net.ops(), net.model(), size);
      for (int classIndex = 0; classIndex < 2; classIndex++) {
        CamGraph.Activations a = cams.activations(net.session(), images.pixels(), 0, 2, classIndex);
        double worst = 0;
        double largest = 0;
        for (int i = 0; i < 2; i++) {
          double[] expected = plainCam(a.featureMaps(), i, size / 16, 512, kernel, classIndex, size);
          for (int p = 0; p < expected.length; p++) {
            worst = Math.max(worst, Math.abs(expected[p] - a.cams()[i * size * size + p]));
            largest = Math.max(largest, Math.abs(expected[p]));
          }
        }
        assertTrue(largest > 1e-3, "CAM is all zeros");
        assertTrue(worst <= 1e-5 * Math.max(1, largest), "class " + classIndex + ": max diff " + worst + " (largest " + largest + ")");
      }
    }
  }

  @Test
  void plainBilinearReferenceFollowsTf1Convention() {
    // 2x2 -> 4x4: source x = dst * 0.5, so columns sample 0, 0.5, 1, 1.5 (clamped to 1).
    double[] out = resizeBilinearTf1(new double[] {0, 1, 2, 3}, 2, 4);
    assertEquals(0.0, out[0], 1e-12);
    assertEquals(0.5, out[1], 1e-12);
    assertEquals(1.0, out[2], 1e-12);
    assertEquals(1.0, out[3], 1e-12);
    assertEquals(1.0, out[4], 1e-12);
  }
}
