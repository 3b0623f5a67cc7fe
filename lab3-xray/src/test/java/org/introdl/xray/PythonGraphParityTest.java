package org.introdl.xray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.introdl.core.testing.SharedFixtures;
import org.introdl.xray.cam.ClassActivationMap;
import org.introdl.xray.data.XrayDataset;
import org.introdl.xray.data.XrayH5Dataset;
import org.introdl.xray.model.ImageTensors;
import org.introdl.xray.cam.CamGraph;
import org.introdl.xray.model.TrainedModel;
import org.introdl.xray.train.XraySettings;
import org.introdl.xray.train.XrayTrainingGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * The proof that the Java port computes what the lab computed: the graph the Python lab built and saved
 * ({@code model.ckpt.meta}, TF 1.4) is imported as it is, both graphs get the same weights through one checkpoint
 * written by Java under the Python names (restored into the Python graph by its own {@code save/restore_all}), and
 * both run on real NIH x-rays.
 */
class PythonGraphParityTest {
  static final double TOLERANCE = 1e-4;
  /** Two negatives and two positives of the real samples. */
  static final int[] IMAGES = {0, 1, 2, 3};

  @TempDir Path tmp;

  @Test
  void importedPythonGraphComputesTheSameProbabilitiesFeatureMapsAndCams() throws Exception {
    Path meta = SharedFixtures.require("xray-2018-checkpoint-meta/model.ckpt.meta");
    XrayDataset samples = XrayH5Dataset.read(SharedFixtures.require("chest-xray-samples/nih_pneumothorax_samples_256.h5"));
    XrayDataset images = samples.select(IMAGES);
    Path prefix = tmp.resolve("model.ckpt");
    CamGraph.Activations java;
    try (XrayTrainingGraph net = new XrayTrainingGraph(XraySettings.lab().withSeed(7))) {
      // One small training step makes biases and momentum slots non-zero, so they are compared too.
      net.trainStep(images, new int[] {0, 1}, 0.05f);
      net.save(prefix);
    }
    try (TrainedModel restored = TrainedModel.restore(prefix, 256)) {
      java = new CamGraph(restored.ops(), restored.model(), 256)
          .activations(restored.session(), images.pixels(), 0, images.count(), XrayDataset.PNEUMOTHORAX);
    }
    assertTrue(Files.isRegularFile(Path.of(prefix + ".index")));

    MetaGraphDef metaGraph = MetaGraphDef.parseFrom(Files.readAllBytes(meta));
    try (Graph python = new Graph()) {
      python.importGraphDef(metaGraph.getGraphDef());
      Ops tf = Ops.create(python);
      @SuppressWarnings("unchecked")
      Operand<TFloat32> featureMaps = (Operand<TFloat32>) python.outputOrThrow("max_pooling2d_4/MaxPool");
      @SuppressWarnings("unchecked")
      Operand<TFloat32> denseKernel = (Operand<TFloat32>) python.outputOrThrow("dense/kernel");
      Operand<TFloat32> cam = ClassActivationMap.build(tf, featureMaps, denseKernel, XrayDataset.PNEUMOTHORAX, 256);
      try (Session session = new Session(python)) {
        try (TString file = TString.scalarOf(prefix.toString())) {
          session.runner().feed(metaGraph.getSaverDef().getFilenameTensorName(), file)
              .addTarget(metaGraph.getSaverDef().getRestoreOpName()).run();
        }
        try (TFloat32 x = ImageTensors.images(images.pixels(), 0, images.count(), 256);
            Result r = session.runner().feed("Placeholder", x).fetch("Softmax").fetch(featureMaps).fetch(cam).run()) {
          assertClose("probabilities", ImageTensors.floats(r.get(0)), java.probabilities());
          assertClose("feature maps", ImageTensors.floats(r.get(1)), java.featureMaps());
          assertClose("CAMs", ImageTensors.floats(r.get(2)), java.cams());
        }
      }
    }
  }

  static void assertClose(String what, float[] python, float[] java) {
    assertEquals(python.length, java.length, what + ": sizes");
    double worst = 0;
    double largest = 0;
    for (int i = 0; i < python.length; i++) {
      worst = Math.max(worst, Math.abs(python[i] - java[i]));
      largest = Math.max(largest, Math.abs(python[i]));
    }
    System.out.printf("parity %s: %d values, max abs diff %.3g, max abs value %.3g%n", what, python.length, worst, largest);
    // Guard against a vacuous pass: the values must not all be zero.
    assertTrue(largest > 1e-3, what + ": all values are ~0");
    assertTrue(worst <= TOLERANCE, what + ": max |python - java| = " + worst + " > " + TOLERANCE);
  }
}
