package org.introdl.keras;

import static org.introdl.keras.KerasFixtures.file;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Three shared Keras files have a TensorFlow Lite twin converted by Python from the same model. TFLite stores each
 * weight as raw little-endian float32 bytes, Dense kernels transposed ([out, in]), convolution kernels as OHWI and
 * LSTM kernels split per gate (i, f, c, o) and transposed. So every weight the importer holds, rearranged that way,
 * must appear byte for byte in the twin, except those BatchNormalization was folded into.
 */
class KerasTfliteTwinTest {

  @Test
  void keras3LstmWeightsAreThoseOfItsTfliteTwin() throws Exception {
    byte[] twin = Files.readAllBytes(file("keras3-emg-lstm/model.tflite"));
    Map<String, WeightArray> w = imported(file("keras3-emg-lstm/model.keras"));
    for (String dense : List.of("dense1", "output")) {
      assertIn(twin, w.get(dense + "/kernel").transpose(1, 0), dense + "/kernel");
      assertIn(twin, w.get(dense + "/bias"), dense + "/bias");
    }
    for (int gate = 0; gate < 4; gate++) {
      assertIn(twin, columns(w.get("lstm/kernel"), gate * 16, 16).transpose(1, 0), "lstm kernel gate " + gate);
      assertIn(twin, columns(w.get("lstm/recurrent_kernel"), gate * 16, 16).transpose(1, 0),
          "lstm recurrent kernel gate " + gate);
      assertIn(twin, columns(w.get("lstm/bias").reshape(1, 64), gate * 16, 16), "lstm bias gate " + gate);
    }
  }

  @Test
  void resnetShortcutAndClassifierWeightsAreThoseOfItsTfliteTwin() throws Exception {
    byte[] twin = Files.readAllBytes(file("h5-mlperf-resnet8/pretrainedResnet.tflite"));
    Map<String, WeightArray> w = imported(file("h5-mlperf-resnet8/pretrainedResnet.h5"));
    for (String conv : List.of("conv2d_5", "conv2d_8")) {
      assertIn(twin, w.get(conv + "/kernel").transpose(3, 0, 1, 2), conv + "/kernel (OHWI)");
      assertIn(twin, w.get(conv + "/bias"), conv + "/bias");
    }
    assertIn(twin, w.get("dense/kernel").transpose(1, 0), "dense/kernel");
    assertIn(twin, w.get("dense/bias"), "dense/bias");
  }

  @Test
  void autoencoderOutputLayerIsThatOfItsTfliteTwin() throws Exception {
    byte[] twin = Files.readAllBytes(file("h5-mlperf-ad01-mlp/ad01_fp32.tflite"));
    Map<String, WeightArray> w = imported(file("h5-mlperf-ad01-mlp/ad01.h5"));
    assertIn(twin, w.get("dense_9/kernel").transpose(1, 0), "dense_9/kernel");
    assertIn(twin, w.get("dense_9/bias"), "dense_9/bias");
    // A folded layer is not there as it is: the search can fail.
    assertFalse(indexOf(twin, bytes(w.get("dense/kernel").transpose(1, 0))) >= 0, "dense is folded with its BN");
  }

  /** The variables of the imported graph, by name, with the values they are set to. */
  private static Map<String, WeightArray> imported(Path model) {
    try (KerasGraph g = KerasGraph.build(KerasSource.of(model).open())) {
      Map<String, WeightArray> out = new java.util.LinkedHashMap<>();
      g.variables().forEach((k, v) -> out.put(k, v.value()));
      return out;
    }
  }

  private static WeightArray columns(WeightArray m, int from, int count) {
    int rows = m.dim(0);
    int cols = m.dim(1);
    float[] out = new float[rows * count];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(m.values(), r * cols + from, out, r * count, count);
    }
    return new WeightArray(m.name(), new int[] {rows, count}, out);
  }

  private static void assertIn(byte[] twin, WeightArray w, String what) {
    assertTrue(indexOf(twin, bytes(w)) >= 0, what + " " + w.shapeText() + " is not in the TFLite twin");
  }

  private static byte[] bytes(WeightArray w) {
    ByteBuffer b = ByteBuffer.allocate(w.values().length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(w.values());
    return b.array();
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
