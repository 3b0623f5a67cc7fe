package org.introdl.keras;

import static org.introdl.keras.KerasFixtures.assertClose;
import static org.introdl.keras.KerasFixtures.inputAndPrediction;
import static org.introdl.keras.KerasFixtures.file;
import static org.introdl.keras.KerasFixtures.predict;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.introdl.core.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every shared Keras file with predictions recorded by Python Keras is imported and run; its outputs must equal
 * Keras's to 1e-5 (absolute). None of these recurrent chains is long (1 to 4 steps), so 1e-5 holds for them too.
 */
class KerasRecordedPredictionsTest {
  static final double TOLERANCE = 1e-5;

  /** FlowNet (Keras 3 MLP): 2872 rows of scaled inputs and the model's direct (scaled) outputs. */
  @Test
  void keras3MlpMatchesItsRecordedPredictions() throws Exception {
    List<String> lines = Files.readAllLines(file("keras3-flownet-mlp/expected_generated.csv"));
    List<String> rows = lines.subList(1, lines.size());
    float[] in = new float[rows.size() * 2];
    float[] expected = new float[rows.size() * 2];
    for (int i = 0; i < rows.size(); i++) {
      String[] f = rows.get(i).split(",");
      in[2 * i] = Float.parseFloat(f[3]);
      in[2 * i + 1] = Float.parseFloat(f[4]);
      expected[2 * i] = (float) Double.parseDouble(f[7]);
      expected[2 * i + 1] = (float) Double.parseDouble(f[8]);
    }
    Npy.Array out = predict(KerasSource.of(file("keras3-flownet-mlp/final_model.keras")),
        Npy.Array.of(in, rows.size(), 2));
    assertEquals(2872, rows.size());
    assertClose(Npy.Array.of(expected, rows.size(), 2), out, TOLERANCE, "flownet");
  }

  /** DL4J's end-to-end files: inputs/ and predictions/ written by model.predict in Keras 1 and 2. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "h5-dl4j-simple-lstm-k1/simple_lstm_tf_keras_1_model.h5, h5-dl4j-simple-lstm-k1/simple_lstm_tf_keras_1_inputs_and_outputs.h5",
      "h5-dl4j-simple-flatten-lstm/simple_flatten_lstm_tf_keras_2_model.h5, h5-dl4j-simple-flatten-lstm/simple_flatten_lstm_tf_keras_2_inputs_and_outputs.h5",
      "h5-dl4j-simple-rnn/simple_rnn_tf_keras_2_model.h5, h5-dl4j-simple-rnn/simple_rnn_tf_keras_2_inputs_and_outputs.h5",
      "h5-dl4j-simple-flatten-rnn/simple_flatten_rnn_tf_keras_2_model.h5, h5-dl4j-simple-flatten-rnn/simple_flatten_rnn_tf_keras_2_inputs_and_outputs.h5"})
  void legacyH5ModelsMatchTheirRecordedPredictions(String model, String reference) {
    Npy.Array[] ref = inputAndPrediction(file(reference));
    assertClose(ref[1], predict(KerasSource.of(file(model)), ref[0]), TOLERANCE, model);
  }

  /** The same Keras 1 model as a JSON config with a weights-only file. */
  @Test
  void jsonConfigWithWeightsMatchesKeras1Predictions() {
    Npy.Array[] ref = inputAndPrediction(file("h5-dl4j-simple-lstm-k1/simple_lstm_tf_keras_1_inputs_and_outputs.h5"));
    Npy.Array out = predict(KerasSource.of(file("h5-dl4j-simple-lstm-k1/simple_lstm_tf_keras_1_config.json"),
        file("h5-dl4j-simple-lstm-k1/simple_lstm_tf_keras_1_weights.h5")), ref[0]);
    assertClose(ref[1], out, TOLERANCE, "lstm k1 json");
  }

  @Test
  void jsonMnistMlpMatchesItsRecordedPredictions() {
    Npy.Array[] ref = inputAndPrediction(file("json-dl4j-mnist-mlp/mnist_mlp_tf_keras_2_inputs_and_outputs.h5"));
    Npy.Array out = predict(KerasSource.of(file("json-dl4j-mnist-mlp/mnist_mlp_tf_keras_2_config.json"),
        file("json-dl4j-mnist-mlp/mnist_mlp_tf_keras_2_weights.h5")), ref[0]);
    assertClose(ref[1], out, TOLERANCE, "mnist mlp");
  }

  /** Conv2D, BatchNormalization (epsilon 1e-3), relu, Conv2D, Flatten, Dense on np.random.random input. */
  @Test
  void cnnWithBatchNormMatchesItsRecordedPredictions() {
    Npy.Array input = Npy.read(file("h5-dl4j-cnn-batchnorm/input.npy"));
    Npy.Array asFloat = Npy.Array.of(input.toFloats(), input.shape());
    Npy.Array out = predict(KerasSource.of(file("h5-dl4j-cnn-batchnorm/cnn_batch_norm.h5")), asFloat);
    Npy.Array expected = Npy.read(file("h5-dl4j-cnn-batchnorm/predictions.npy"));
    assertClose(expected, out, TOLERANCE, "cnn batchnorm");
    // The values predict.py asserts, as printed there.
    assertClose(Npy.Array.of(new float[] {-0.0520611f, 0.04986075f, 0.16297522f, 0.15389983f, 0.15537278f}, 5, 1),
        out, 1e-6, "cnn batchnorm printed values");
  }

  /** Keras 1 Convolution2D/MaxPooling2D/Dense; the input text is channel-major (3, 8, 8), the model is HWC. */
  @Test
  void keras1CnnMatchesItsRecordedOutput() throws Exception {
    String[] tokens = Files.readString(file("h5-dl4j-keras1-cnn/cnn_tf_input.txt")).trim().split("\\s+");
    float[] chw = new float[tokens.length];
    for (int i = 0; i < tokens.length; i++) {
      chw[i] = Float.parseFloat(tokens[i]);
    }
    float[] hwc = new float[chw.length];
    for (int c = 0; c < 3; c++) {
      for (int h = 0; h < 8; h++) {
        for (int w = 0; w < 8; w++) {
          hwc[(h * 8 + w) * 3 + c] = chw[(c * 8 + h) * 8 + w];
        }
      }
    }
    Npy.Array out = predict(KerasSource.of(file("h5-dl4j-keras1-cnn/cnn_tf_model.h5")),
        Npy.Array.of(hwc, 1, 8, 8, 3));
    String[] expected = Files.readString(file("h5-dl4j-keras1-cnn/cnn_tf_output.txt")).trim().split("\\s+");
    float[] e = new float[expected.length];
    for (int i = 0; i < e.length; i++) {
      e[i] = Float.parseFloat(expected[i]);
    }
    // The file prints six decimals.
    assertClose(Npy.Array.of(e, 1, 3), out, 1e-6, "keras 1 cnn");
  }

  /** Two stacked LSTMs (96 units, hard_sigmoid) trained by Keras 2 on Theano: 283 sequences of 4 x 12. */
  @Test
  void theanoLstmMatchesItsRecordedPredictions() throws Exception {
    Path dir = file("json-dl4j-lstm-theano");
    int n = 283;
    float[] in = new float[n * 4 * 12];
    for (int s = 0; s < n; s++) {
      List<String> rows = Files.readAllLines(dir.resolve("data/sequences/" + s + ".csv"));
      for (int t = 0; t < 4; t++) {
        String[] f = rows.get(t).split(";");
        for (int k = 0; k < 12; k++) {
          in[(s * 4 + t) * 12 + k] = Float.parseFloat(f[k]);
        }
      }
    }
    Npy.Array out = predict(KerasSource.of(dir.resolve("lstm_th_keras_2_config.json"),
        dir.resolve("lstm_th_keras_2_weights.h5")), Npy.Array.of(in, n, 4, 12));
    assertClose(Npy.read(dir.resolve("predictions.npy")), out, TOLERANCE, "theano lstm");
  }

  /** A wrong expectation must fail the comparison: the check can fail. */
  @Test
  void theComparisonFailsOnAWrongValue() {
    Npy.Array a = Npy.Array.of(new float[] {1f, 2f}, 1, 2);
    Npy.Array b = Npy.Array.of(new float[] {1f, 2.0001f}, 1, 2);
    org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> assertClose(a, b, TOLERANCE, "x"));
  }

}
