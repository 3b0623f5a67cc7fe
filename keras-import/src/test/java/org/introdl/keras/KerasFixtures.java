package org.introdl.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import java.nio.file.Path;
import java.util.Map;
import org.introdl.core.io.Npy;
import org.introdl.core.testing.SharedFixtures;
import org.introdl.savedmodels.testing.DoubleForward;

/** The real Keras files of {@code shared/data/keras-models} (see its README) and helpers to run and compare. */
final class KerasFixtures {
  private KerasFixtures() {}

  static Path file(String relative) {
    return SharedFixtures.require("keras-models/" + relative);
  }

  /** Runs a one-input model on {@code input} and returns its only output. */
  static Npy.Array predict(KerasSource source, Npy.Array input) {
    KerasRun.Outcome o = KerasRun.run(source, Map.of(onlyInput(source), input));
    assertTrue(o.outputs().size() == 1, "one output expected: " + o.outputs().keySet());
    return o.outputs().values().iterator().next();
  }

  static String onlyInput(KerasSource source) {
    try (KerasGraph g = KerasGraph.build(source.open())) {
      return g.inputs().get(0).name();
    }
  }

  /** A float dataset of an HDF5 file (the DL4J {@code *_inputs_and_outputs.h5}: inputs/, predictions/, ...). */
  static Npy.Array dataset(Path h5, String path) {
    try (HdfFile f = new HdfFile(h5)) {
      Dataset d = f.getDatasetByPath(path);
      Object flat = d.getDataFlat();
      float[] values;
      if (flat instanceof float[] fl) {
        values = fl;
      } else {
        double[] dd = (double[]) flat;
        values = new float[dd.length];
        for (int i = 0; i < dd.length; i++) {
          values[i] = (float) dd[i];
        }
      }
      long[] shape = java.util.Arrays.stream(d.getDimensions()).asLongStream().toArray();
      return Npy.Array.of(values, shape);
    }
  }

  /** The one input and the one prediction of a DL4J {@code *_inputs_and_outputs.h5}, named by its root attributes. */
  static Npy.Array[] inputAndPrediction(Path h5) {
    try (HdfFile f = new HdfFile(h5)) {
      String in = firstName(f.getAttribute("inputs").getData(), "inputs");
      String out = firstName(f.getAttribute("outputs").getData(), "outputs");
      return new Npy.Array[] {dataset(h5, "inputs/" + in), dataset(h5, "predictions/" + out)};
    }
  }

  private static String firstName(Object json, String key) {
    try {
      return KerasFile.JSON.readTree(json.toString()).get(key).get(0).asText();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The weights of one layer as the importer reads them, as doubles, in Keras's order. */
  static DoubleForward.Nd[] weights(KerasSource source, String layerName) {
    KerasFile f = source.open();
    KerasModel m = KerasModel.parse(f.model(), "test");
    KerasModel.Layer layer = m.layers().stream().filter(l -> l.name().equals(layerName)).findFirst()
        .orElseThrow(() -> new AssertionError("no layer " + layerName));
    return WeightSource.root(f).of(layer).stream().map(w -> DoubleForward.Nd.of(w.values(), w.shape().clone()))
        .toArray(DoubleForward.Nd[]::new);
  }

  static Npy.Array array(DoubleForward.Nd x) {
    return Npy.Array.of(x.floats(), x.longShape());
  }

  /** The largest absolute difference; fails if shapes differ or it exceeds {@code tolerance}. */
  static double assertClose(Npy.Array expected, Npy.Array actual, double tolerance, String what) {
    long[] es = expected.shape();
    long[] as = actual.shape();
    assertArrayEquals(squeeze(es), squeeze(as), what + ": shape");
    double[] e = expected.toDoubles();
    double[] a = actual.toDoubles();
    double max = 0;
    int worst = 0;
    for (int i = 0; i < e.length; i++) {
      double d = Math.abs(e[i] - a[i]);
      if (!(d <= max)) {
        max = d;
        worst = i;
      }
    }
    double m = max;
    int w = worst;
    assertTrue(m <= tolerance, () -> what + ": max abs difference " + m + " at " + w + " (expected " + e[w]
        + ", got " + a[w] + ") exceeds " + tolerance);
    return max;
  }

  /** Shapes compared without size-1 axes: Keras's (283,) predictions against a (283, 1) output. */
  private static long[] squeeze(long[] shape) {
    return java.util.Arrays.stream(shape).filter(d -> d != 1).toArray();
  }
}
