package org.introdl.xray;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.introdl.core.testing.SharedFixtures;
import org.introdl.xray.data.XrayDataset;
import org.introdl.xray.data.XrayH5Dataset;
import org.introdl.xray.model.PneumothoraxDetectionModel;
import org.introdl.xray.model.ImageTensors;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** TF1 {@code per_image_standardization} in the graph against a plain-Java double computation. */
class StandardizationTest {
  static double[] reference(float[] image) {
    int n = image.length;
    double mean = 0;
    for (float v : image) {
      mean += v;
    }
    mean /= n;
    double var = 0;
    for (float v : image) {
      var += (v - mean) * (v - mean);
    }
    double adjusted = Math.max(Math.sqrt(var / n), 1 / Math.sqrt(n));
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = (image[i] - mean) / adjusted;
    }
    return out;
  }

  @Test
  void matchesPlainJavaOnRealXraysAndOnAConstantImage() {
    XrayDataset samples = XrayH5Dataset.read(SharedFixtures.require("chest-xray-samples/nih_pneumothorax_samples_256.h5"));
    int size = 256;
    float[] pixels = new float[3 * size * size];
    System.arraycopy(samples.pixels(), 0, pixels, 0, 2 * size * size);
    java.util.Arrays.fill(pixels, 2 * size * size, pixels.length, 77f);
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class);
      Operand<TFloat32> y = PneumothoraxDetectionModel.perImageStandardization(tf, x);
      try (TFloat32 in = ImageTensors.images(pixels, 0, 3, size); Result r = s.runner().feed(x, in).fetch(y).run()) {
        float[] got = ImageTensors.floats(r.get(0));
        for (int i = 0; i < 3; i++) {
          double[] expected = reference(java.util.Arrays.copyOfRange(pixels, i * size * size, (i + 1) * size * size));
          for (int p = 0; p < expected.length; p++) {
            double diff = Math.abs(expected[p] - got[i * size * size + p]);
            assertTrue(diff < 1e-4, "image " + i + " pixel " + p + ": " + got[i * size * size + p] + " vs " + expected[p]);
          }
        }
      }
    }
  }
}
