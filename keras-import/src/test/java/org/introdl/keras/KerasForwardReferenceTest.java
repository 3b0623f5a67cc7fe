package org.introdl.keras;

import static org.introdl.keras.KerasFixtures.array;
import static org.introdl.keras.KerasFixtures.assertClose;
import static org.introdl.keras.KerasFixtures.file;
import static org.introdl.keras.KerasFixtures.predict;
import static org.introdl.keras.KerasFixtures.weights;
import static org.introdl.savedmodels.testing.DoubleForward.Nd;

import org.introdl.core.io.Npy;
import org.introdl.savedmodels.testing.DoubleForward;
import org.junit.jupiter.api.Test;

/**
 * The shared Keras files without recorded predictions, run through the importer and through a plain-Java forward
 * pass in double ({@link DoubleForward}) on the same weights: the graph each layer builds is checked against
 * Keras's formulas. The {@code arange} Dense and Conv2D files need no weights reading at all: their weights are
 * 0, 1, 2, ... by construction.
 */
class KerasForwardReferenceTest {
  static final double TOLERANCE = 1e-5;

  /** dense_tensorflow_2.h5: kernel = arange(24).reshape(4, 6), bias = arange(6); y = x.W + b exactly. */
  @Test
  void arangeDenseGivesTheWorkedOutProduct() {
    float[] x = {1, -2, 0.5f, 3, 0, 1, 2, -1};
    double[] expected = new double[12];
    for (int r = 0; r < 2; r++) {
      for (int o = 0; o < 6; o++) {
        double s = o;
        for (int i = 0; i < 4; i++) {
          s += x[r * 4 + i] * (i * 6 + o);
        }
        expected[r * 6 + o] = s;
      }
    }
    Npy.Array out = predict(KerasSource.of(file("h5-dl4j-single-layer/dense_tensorflow_2.h5")),
        Npy.Array.of(x, 2, 4));
    assertClose(array(new Nd(expected, 2, 6)), out, 0, "arange dense");
  }

  /** conv2d_tensorflow_2.h5: kernel = arange(270).reshape(3, 3, 5, 6), bias = arange(6); a valid 3x3 correlation. */
  @Test
  void arangeConv2dGivesTheWorkedOutConvolution() {
    float[] x = DoubleForward.uniform(7, 2 * 5 * 5 * 5, -1, 1);
    double[] expected = new double[2 * 3 * 3 * 6];
    for (int n = 0; n < 2; n++) {
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 3; c++) {
          for (int o = 0; o < 6; o++) {
            double s = o;
            for (int dr = 0; dr < 3; dr++) {
              for (int dc = 0; dc < 3; dc++) {
                for (int ch = 0; ch < 5; ch++) {
                  s += x[((n * 5 + r + dr) * 5 + c + dc) * 5 + ch] * (((dr * 3 + dc) * 5 + ch) * 6 + o);
                }
              }
            }
            expected[((n * 3 + r) * 3 + c) * 6 + o] = s;
          }
        }
      }
    }
    Npy.Array out = predict(KerasSource.of(file("h5-dl4j-single-layer/conv2d_tensorflow_2.h5")),
        Npy.Array.of(x, 2, 5, 5, 5));
    // Sums of ~45 products of size up to 270: float32 rounding, relative 1e-6.
    assertClose(array(new Nd(expected, 2, 3, 3, 6)), out, 2e-3, "arange conv2d");
  }

  /** Keras 3: Reshape(3, 4), LSTM(16, sigmoid gates), Dense(32, tanh), Dense(4, softmax). */
  @Test
  void keras3LstmMatchesThePlainJavaForwardPass() {
    KerasSource src = KerasSource.of(file("keras3-emg-lstm/model.keras"));
    int n = 8;
    float[] x = DoubleForward.uniform(1, n * 12, -2, 2);
    Nd[] lstm = weights(src, "lstm");
    Nd h = DoubleForward.rnn(new DoubleForward.Rnn("LSTM", 16, "tanh", "sigmoid", false, false, false),
        Nd.of(x, n, 3, 4), lstm[0], lstm[1], lstm[2], null);
    Nd[] d1 = weights(src, "dense1");
    Nd[] d2 = weights(src, "output");
    Nd y = DoubleForward.softmax(DoubleForward.dense(DoubleForward.map(DoubleForward.dense(h, d1[0], d1[1]),
        Math::tanh), d2[0], d2[1]));
    assertClose(array(y), predict(src, Npy.Array.of(x, n, 12)), TOLERANCE, "emg lstm");
  }

  /** tf.keras 2.11 (.keras-named HDF5): Conv1D(16, 3, same), relu, GRU(16, reset_after) over 32 steps. */
  @Test
  void gruResetAfterOver32StepsMatchesThePlainJavaForwardPass() {
    KerasSource src = KerasSource.of(file("h5-hls4ml-named-keras/hostpipe_parallel/keras_model.keras"));
    int n = 3;
    float[] x = DoubleForward.uniform(2, n * 32 * 3, -1, 1);
    Nd[] conv = weights(src, "conv1d");
    Nd k = conv[0].reshape(1, 3, 3, 16);
    Nd c = DoubleForward.map(DoubleForward.conv2d(Nd.of(x, n, 1, 32, 3), k, conv[1], 1, true), v -> Math.max(0, v));
    Nd[] gru = weights(src, "gru");
    Nd y = DoubleForward.rnn(new DoubleForward.Rnn("GRU", 16, "tanh", "sigmoid", false, false, true),
        c.reshape(n, 32, 16), gru[0], gru[1], gru[2], null);
    assertClose(array(y), predict(src, Npy.Array.of(x, n, 32, 3)), TOLERANCE, "gru reset_after");
  }

  /** Keras 3 Masking(0) + LSTM(1): steps whose features are all 0 keep the state. */
  @Test
  void maskedStepsKeepTheLstmState() {
    KerasSource src = KerasSource.of(file("keras3-keras-masking-lstm/model.keras"));
    float[] x = {0.5f, -1f, 0f, 0f, 2f, 0.25f, /* second sequence */ 0f, 0f, 1f, 1f, 0f, 0f};
    boolean[][] mask = {{true, false, true}, {false, true, false}};
    Nd[] lstm = weights(src, "lstm");
    Nd y = DoubleForward.rnn(new DoubleForward.Rnn("LSTM", 1, "tanh", "sigmoid", false, false, false),
        Nd.of(x, 2, 3, 2), lstm[0], lstm[1], lstm[2], mask);
    assertClose(array(y), predict(src, Npy.Array.of(x, 2, 3, 2)), TOLERANCE, "masking lstm");
    Nd unmasked = DoubleForward.rnn(new DoubleForward.Rnn("LSTM", 1, "tanh", "sigmoid", false, false, false),
        Nd.of(x, 2, 3, 2), lstm[0], lstm[1], lstm[2], null);
    org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> assertClose(array(unmasked),
        predict(src, Npy.Array.of(x, 2, 3, 2)), TOLERANCE, "the mask matters"));
  }

  /** Keras 3 CNN: Conv2D(32)/MaxPool/Conv2D(64)/MaxPool/Conv2D(64)/Flatten/Dense(64)/Dense(10, softmax). */
  @Test
  void keras3CnnMatchesThePlainJavaForwardPass() {
    KerasSource src = KerasSource.of(file("keras3-mnist-cnn/model.keras"));
    int n = 2;
    float[] x = DoubleForward.uniform(3, n * 28 * 28, 0, 1);
    Nd a = Nd.of(x, n, 28, 28, 1);
    String[] convs = {"conv2d_6", "conv2d_7", "conv2d_8"};
    for (int i = 0; i < 3; i++) {
      Nd[] w = weights(src, convs[i]);
      a = DoubleForward.map(DoubleForward.conv2d(a, w[0], w[1], 1, false), v -> Math.max(0, v));
      if (i < 2) {
        a = DoubleForward.pool2d(a, 2, true);
      }
    }
    Nd[] d4 = weights(src, "dense_4");
    Nd[] d5 = weights(src, "dense_5");
    Nd y = DoubleForward.softmax(DoubleForward.dense(DoubleForward.map(DoubleForward.dense(a.reshape(n, 576), d4[0],
        d4[1]), v -> Math.max(0, v)), d5[0], d5[1]));
    assertClose(array(y), predict(src, Npy.Array.of(x, n, 28, 28, 1)), TOLERANCE, "mnist cnn");
  }

  /** Functional autoencoder: 9 x [Dense, BatchNormalization, relu], Dense(640). */
  @Test
  void functionalMlpWithBatchNormMatchesThePlainJavaForwardPass() {
    KerasSource src = KerasSource.of(file("h5-mlperf-ad01-mlp/ad01.h5"));
    int n = 2;
    float[] x = DoubleForward.uniform(4, n * 640, -1, 1);
    Nd a = Nd.of(x, n, 640);
    for (int i = 0; i < 9; i++) {
      String suffix = i == 0 ? "" : "_" + i;
      Nd[] d = weights(src, "dense" + suffix);
      Nd[] bn = weights(src, "batch_normalization" + suffix);
      a = DoubleForward.map(DoubleForward.batchNorm(DoubleForward.dense(a, d[0], d[1]), bn[0], bn[1], bn[2], bn[3],
          1e-3), v -> Math.max(0, v));
    }
    Nd[] last = weights(src, "dense_9");
    Nd y = DoubleForward.dense(a, last[0], last[1]);
    assertClose(array(y), predict(src, Npy.Array.of(x, n, 640)), 1e-4, "ad01");
  }

  /** Embedding(4 -> 5) then LSTM(6, return_sequences, hard_sigmoid) over 10 steps (Keras 2.1.3). */
  @Test
  void embeddingIntoLstmMatchesThePlainJavaForwardPass() {
    KerasSource src = KerasSource.of(file("h5-dl4j-single-layer/embedding_lstm_tensorflow_2.h5"));
    float[] ids = {0, 1, 2, 3, 3, 2, 1, 0, 1, 1, /* */ 3, 3, 3, 0, 0, 2, 2, 1, 0, 3};
    Nd table = weights(src, "embedding_1")[0];
    double[] e = new double[20 * 5];
    for (int i = 0; i < 20; i++) {
      System.arraycopy(table.v(), (int) ids[i] * 5, e, i * 5, 5);
    }
    Nd[] lstm = weights(src, "lstm_1");
    Nd y = DoubleForward.rnn(new DoubleForward.Rnn("LSTM", 6, "tanh", "hard_sigmoid", true, false, false),
        new Nd(e, 2, 10, 5), lstm[0], lstm[1], lstm[2], null);
    assertClose(array(y), predict(src, Npy.Array.of(ids, 2, 10)), TOLERANCE, "embedding lstm");
  }
}
