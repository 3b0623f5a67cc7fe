package org.introdl.xray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.introdl.core.tf.Convolution;
import org.introdl.core.tf.ConvolutionPlan;
import org.introdl.xray.data.ChestPhantom;
import org.introdl.xray.data.XrayDataset;
import org.introdl.xray.model.ImageTensors;
import org.introdl.xray.train.XraySettings;
import org.introdl.xray.train.XrayTrainingGraph;
import org.junit.jupiter.api.Test;
import org.tensorflow.Result;
import org.tensorflow.types.TFloat32;

/** Which kernel runs each layer changes the speed only: a model on a mixed plan computes what the Conv2D model does. */
class ConvolutionPlanTest {
  private static final int SIZE = 32;

  @Test
  void aModelWithAMixedPlanEqualsTheAllConv2dModelOnTheSameWeights() {
    XrayDataset images = ChestPhantom.generate(3, SIZE, 4);
    List<ConvolutionPlan.Layer> asked = new ArrayList<>();
    // Conv on every other layer, Conv2D on the rest, by the order the model asks.
    ConvolutionPlan mixed = layer -> {
      asked.add(layer);
      return asked.size() % 2 == 0 ? Convolution.Kernel.CONV : Convolution.Kernel.CONV2D;
    };
    float[][] conv2d = featuresAndProbabilities(ConvolutionPlan.fixed(Convolution.Kernel.CONV2D), images);
    float[][] mixedResult = featuresAndProbabilities(mixed, images);

    assertEquals(8, asked.size(), "one question per convolution layer");
    assertEquals(new ConvolutionPlan.Layer(SIZE, SIZE, 1, 64, 5), asked.get(0));
    assertEquals(new ConvolutionPlan.Layer(SIZE / 8, SIZE / 8, 512, 512, 3), asked.get(7));
    Set<ConvolutionPlan.Layer> distinct = new HashSet<>(asked);
    assertEquals(8, distinct.size());
    double largest = 0;
    for (int part = 0; part < conv2d.length; part++) {
      assertEquals(conv2d[part].length, mixedResult[part].length);
      for (int i = 0; i < conv2d[part].length; i++) {
        assertEquals(conv2d[part][i], mixedResult[part][i], 1e-4, "output " + part + " element " + i);
        largest = Math.max(largest, Math.abs(conv2d[part][i]));
      }
    }
    assertTrue(largest > 0.01, "the compared values are not all near zero");
  }

  /** The last feature maps and the probabilities of {@code images} under a model built on {@code plan}, seed 5. */
  private static float[][] featuresAndProbabilities(ConvolutionPlan plan, XrayDataset images) {
    XraySettings settings = XraySettings.lab().withImageSize(SIZE).withSeed(5);
    try (XrayTrainingGraph net = new XrayTrainingGraph(new XrayTrainingGraph.Config(settings, 0, 0, plan));
        TFloat32 x = ImageTensors.images(images.pixels(), 0, images.count(), SIZE);
        Result r = net.session().runner().feed(net.model().images(), x).fetch(net.model().featureMaps())
            .fetch(net.model().probabilities()).run()) {
      return new float[][] {ImageTensors.floats(r.get(0)), ImageTensors.floats(r.get(1))};
    }
  }
}
