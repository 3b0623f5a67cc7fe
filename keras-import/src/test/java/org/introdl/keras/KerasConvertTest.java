package org.introdl.keras;

import static org.introdl.keras.KerasFixtures.assertClose;
import static org.introdl.keras.KerasFixtures.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.introdl.core.io.Npy;
import org.introdl.core.safety.RunLimits;
import org.introdl.savedmodels.SignatureRunner;
import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.safety.UnsafeOps;
import org.introdl.savedmodels.testing.DoubleForward;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code keras convert}: the SavedModel, loaded and run the way {@code savedmodel run} does (scan first), gives
 * the imported graph's outputs; its variables carry the Keras layer names; a refused model leaves nothing behind.
 */
class KerasConvertTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "keras3-emg-lstm/model.keras, 12",
      "keras3-mnist-cnn/model.keras, 28:28:1",
      "keras3-keras-masking-lstm/model.keras, 3:2",
      "h5-mlperf-resnet8/pretrainedResnet.h5, 32:32:3",
      "h5-hls4ml-named-keras/hostpipe_parallel/keras_model.keras, 32:3",
      "h5-dl4j-single-layer/embedding_lstm_tensorflow_2.h5, 10"})
  void savedModelGivesTheImportedGraphsOutputs(String model, String shape) {
    KerasSource src = KerasSource.of(file(model));
    String[] dims = shape.split(":");
    int batch = model.contains("masking") ? 2 : 3;
    long[] full = new long[dims.length + 1];
    full[0] = batch;
    int n = batch;
    for (int i = 0; i < dims.length; i++) {
      full[i + 1] = Long.parseLong(dims[i]);
      n *= (int) full[i + 1];
    }
    float[] values = DoubleForward.uniform(42, n, 0, model.contains("embedding") ? 3.99 : 1);
    if (model.contains("embedding")) {
      for (int i = 0; i < n; i++) {
        values[i] = (float) Math.floor(values[i]);
      }
    }
    Npy.Array input = Npy.Array.of(values, full);
    String name = KerasFixtures.onlyInput(src);
    Npy.Array imported = KerasFixtures.predict(src, input);

    Path out = tmp.resolve("converted");
    KerasConvert.Outcome o = KerasConvert.convert(new KerasConvert.Request(src, out));
    SavedModelDir dir = SavedModelDir.open(out);
    org.tensorflow.proto.MetaGraphDef mg = dir.metaGraph(SavedModelDir.DEFAULT_TAG);
    SavedModelDir.Signature sig = dir.signature(mg, SavedModelDir.DEFAULT_SIGNATURE);
    assertTrue(UnsafeOps.scan(mg).isSafe(), "scan: " + UnsafeOps.scan(mg).unsafeOpTypes());
    SignatureRunner.Outcome run = SignatureRunner.runChecked(dir, mg, sig, Map.of(name, input), RunLimits.of(false));
    assertEquals(1, run.outputs().size());
    assertClose(imported, run.outputs().values().iterator().next(), 0, model + " converted");
    assertFalse(o.variables().isEmpty());
  }

  @Test
  void variablesAreNamedAfterTheKerasLayers() {
    Path out = tmp.resolve("resnet");
    KerasConvert.Outcome o = KerasConvert.convert(new KerasConvert.Request(
        KerasSource.of(file("h5-mlperf-resnet8/pretrainedResnet.h5")), out));
    assertTrue(o.variables().containsAll(java.util.List.of("conv2d/kernel", "conv2d/bias",
        "batch_normalization/gamma", "batch_normalization/moving_variance", "dense/kernel")), o.variables()
        .toString());
    assertEquals(78_666, o.parameters());
    assertTrue(Files.exists(out.resolve("variables/variables.index")));
  }

  @Test
  void aRefusedModelLeavesNoFolder() {
    Path out = tmp.resolve("custom");
    org.junit.jupiter.api.Assertions.assertThrows(org.introdl.core.UserError.class, () -> KerasConvert.convert(
        new KerasConvert.Request(KerasSource.of(file("keras3-keras-nested-custom/pre_pr22362_nested_container.keras")),
            out)));
    assertFalse(Files.exists(out));
    try (var listing = Files.list(tmp)) {
      assertEquals(0, listing.count(), "no temporary folder left behind");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
