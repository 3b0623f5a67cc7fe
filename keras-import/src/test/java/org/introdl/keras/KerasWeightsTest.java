package org.introdl.keras;

import static org.introdl.keras.KerasFixtures.file;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import java.nio.file.Path;
import org.introdl.core.UserError;
import org.junit.jupiter.api.Test;

/** Reading weights: the size a dataset declares is checked against what the file can hold before it is read. */
class KerasWeightsTest {

  @Test
  void aDatasetLargerThanTheBudgetIsNotRead() {
    Path h5 = file("json-dl4j-mnist-mlp/mnist_mlp_tf_keras_2_weights.h5");
    try (HdfFile f = new HdfFile(h5)) {
      Dataset kernel = f.getDatasetByPath("dense_1/dense_1/kernel:0");
      WeightArray w = KerasWeights.array(kernel, "dense_1/kernel:0", KerasWeights.Budget.of(f, h5));
      assertArrayEquals(new int[] {784, 512}, w.shape());
      UserError e = assertThrows(UserError.class, () -> KerasWeights.array(kernel, "dense_1/kernel:0",
          new KerasWeights.Budget(h5, 1_000_000)));
      assertTrue(e.getMessage().contains("declares 1605632 bytes, more than the file can hold"), e.getMessage());
    }
  }

  @Test
  void theBudgetIsSpentAcrossDatasets() {
    Path h5 = file("json-dl4j-mnist-mlp/mnist_mlp_tf_keras_2_weights.h5");
    try (HdfFile f = new HdfFile(h5)) {
      Dataset kernel = f.getDatasetByPath("dense_2/dense_2/kernel:0");
      KerasWeights.Budget budget = new KerasWeights.Budget(h5, 512 * 512 * 4 + 10);
      assertEquals(512, KerasWeights.array(kernel, "k", budget).dim(0));
      assertThrows(UserError.class, () -> KerasWeights.array(kernel, "k", budget));
    }
  }

  /** Keras's per-class naming of Keras 3 weight groups. */
  @Test
  void snakeCaseFollowsKeras() {
    assertEquals("conv2d", WeightSource.snakeCase("Conv2D"));
    assertEquals("max_pooling2d", WeightSource.snakeCase("MaxPooling2D"));
    assertEquals("leaky_re_lu", WeightSource.snakeCase("LeakyReLU"));
    assertEquals("batch_normalization", WeightSource.snakeCase("BatchNormalization"));
    assertEquals("lstm", WeightSource.snakeCase("LSTM"));
    assertEquals("simple_rnn", WeightSource.snakeCase("SimpleRNN"));
  }
}
