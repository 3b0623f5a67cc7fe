package org.introdl.savedmodels;

import java.nio.file.Path;
import org.introdl.core.testing.SharedFixtures;

/** The Python-made fixtures this module is tested against (see each folder's README). */
public final class Fixtures {
  private Fixtures() {}

  public static Path halfPlusTwoTf1() {
    return SharedFixtures.require("python-savedmodels/half_plus_two_tf1_cpu");
  }

  public static Path halfPlusTwoTf2() {
    return SharedFixtures.require("python-savedmodels/half_plus_two_tf2_cpu");
  }

  public static Path kerasTf23() {
    return SharedFixtures.require("python-savedmodels/keras_single_input_tf23");
  }

  /** Keras 2.15 GRU(64), Dense(8, relu), Dense(1), with the cuDNN/CPU implementation selector. */
  public static Path kerasGruTf215() {
    return SharedFixtures.require("python-savedmodels/keras2_gru_cudnn_selector_tf215");
  }

  /** Prefix {@code .../linear_regression_checkpoint/model}. */
  public static Path linearRegression() {
    return SharedFixtures.require("python-tf1-graphs/linear_regression_checkpoint").resolve("model");
  }

  public static Path frozenLstm() {
    return SharedFixtures.require("python-tf1-graphs/basic_lstm_mnist_frozen.pb");
  }

  /** Prefix {@code .../xray-2018-checkpoint-meta/model.ckpt} (index and meta only). */
  public static Path xray() {
    return SharedFixtures.require("xray-2018-checkpoint-meta").resolve("model.ckpt");
  }

  /** The linear regression's W and b, as its README states them. */
  public static final float LINEAR_W = 0.21396178f;
  public static final float LINEAR_B = 1.0495254f;
}
