package org.introdl.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.introdl.keras.cli.KerasCommand;
import org.introdl.savedmodels.CliMain;
import org.introdl.savedmodels.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keras files of a few KB whose configs declare gigabytes: a {@code RepeatVector} of 12 million, an LSTM over
 * 100,000 steps (unrolled one block of ops per step). The keras commands refuse them in one line naming the file and
 * the layer, before building anything; the same files with small sizes run under the same budget.
 */
class KerasBudgetTest {
  @TempDir Path tmp;

  private Path repeat(String name, long n) throws Exception {
    return KerasArchives.write(tmp.resolve(name), """
        {"class_name": "Sequential", "config": {"name": "s", "layers": [
          {"class_name": "InputLayer", "config": {"batch_shape": [null, 64], "name": "x"}},
          {"class_name": "RepeatVector", "config": {"name": "repeat", "n": %d}}]}}""".formatted(n), Map.of());
  }

  private Path lstm(String name, long steps) throws Exception {
    List<KerasArchives.Var> weights = List.of(new KerasArchives.Var(new float[] {1, 0, 1, 1}, 1, 4),
        new KerasArchives.Var(new float[4], 1, 4), new KerasArchives.Var(new float[4], 4));
    return KerasArchives.write(tmp.resolve(name), """
        {"class_name": "Sequential", "config": {"name": "s", "layers": [
          {"class_name": "InputLayer", "config": {"batch_shape": [null, %d, 1], "name": "x"}},
          {"class_name": "LSTM", "config": {"name": "lstm", "units": 1}}]}}""".formatted(steps),
        Map.of("layers/lstm/cell", weights));
  }

  @Test
  void aRepeatVectorOfTwelveMillionIsRefusedBeforeAnythingIsBuilt() throws Exception {
    Path model = repeat("repeat.keras", 12_000_000);
    assertTrue(Files.size(model) < 10_000, "a small file: " + Files.size(model));
    String why = "layer 'repeat' (RepeatVector) declares outputs of (None, 12000000, 64) (2.9 GiB); the model "
        + "declares at least 2.9 GiB, more than the memory budget of 1.0 GiB";
    for (String command : List.of("run", "convert")) {
      List<String> args = new java.util.ArrayList<>(List.of(command, model.toString(), "--max-memory", "1g"));
      args.addAll(command.equals("run") ? List.of("--input", "[[0]]") : List.of("--to", tmp.resolve("out").toString()));
      CliRun.run(new KerasCommand(), args.toArray(String[]::new)).assertOneLineError(1, model + ": " + why);
    }
    assertTrue(Files.notExists(tmp.resolve("out")), "nothing written");
    CliRun show = CliRun.run(new KerasCommand(), "show", model.toString(), "--max-memory", "1g").assertOk();
    assertTrue(show.out().contains("cannot import: " + why), show.out());
  }

  @Test
  void anLstmOverAHundredThousandStepsIsRefusedBeforeItIsUnrolled() throws Exception {
    Path model = lstm("long.keras", 100_000);
    CliRun.run(new KerasCommand(), "run", model.toString(), "--max-memory", "1g", "--input", "@x.npy")
        .assertOneLineError(1, model + ": layer 'lstm' (LSTM) unrolls 100,000 time steps into outputs of (None, 1)",
            "more than the memory budget of 1.0 GiB");
  }

  /**
   * Within the budget but slow to build (20,000 unrolled steps, about half a minute here): {@code --timeout} ends
   * the command with one line. The process must end by itself, so the command runs in one of its own.
   */
  @Test
  void aModelThatTakesTooLongToBuildEndsAtTheTimeout() throws Exception {
    Path model = lstm("slow.keras", 20_000);
    CliMain.inNewProcess(120, KerasCommand.class, "run", model.toString(), "--input", "@x.npy",
        "--timeout", "2").assertOneLineError(1, model.toString(), "did not finish within 2 s", "--timeout");
  }

  /** The control: the same layers with small sizes run under the same budget and give Keras's numbers. */
  @Test
  void theSameLayersWithSmallSizesRunUnderTheSameBudget() throws Exception {
    CliRun repeat = CliRun.run(new KerasCommand(), "run", repeat("small-repeat.keras", 2).toString(),
        "--max-memory", "1g", "--input", "[" + java.util.Collections.nCopies(64, "1").toString() + "]").assertOk();
    assertTrue(repeat.out().startsWith("repeat: float32 [1, 2, 64]"), repeat.out());
    // h after 3 steps of x = 1 with kernel (i, f, c, o) = (1, 0, 1, 1), no recurrence and no bias:
    // i = o = sigmoid(1), f = 1/2, c~ = tanh(1); c1 = i c~, c2 = c1/2 + i c~, c3 = c2/2 + i c~; h3 = o tanh(c3).
    double i = 1 / (1 + Math.exp(-1));
    double c = 0;
    for (int t = 0; t < 3; t++) {
      c = 0.5 * c + i * Math.tanh(1);
    }
    CliRun lstm = CliRun.run(new KerasCommand(), "run", lstm("short.keras", 3).toString(), "--max-memory", "1g",
        "--input", "[[[1], [1], [1]]]", "--format", "json").assertOk();
    double h = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lstm.out()).get("lstm").get("data")
        .get(0).get(0).asDouble();
    assertEquals(i * Math.tanh(c), h, 1e-6);
  }

  /**
   * The shapes the estimate follows from the config alone are the shapes TensorFlow infers for the built graph, on
   * every shared Keras file that builds (layers the estimate does not follow are absent, never wrong).
   */
  @Test
  void theShapesFollowedFromTheConfigAreTheBuiltGraphs() {
    int compared = 0;
    for (String f : List.of("keras3-keras-masking-lstm/model.keras", "keras3-emg-lstm/model.keras",
        "keras3-flownet-mlp/final_model.keras", "keras3-mnist-cnn/model.keras",
        "h5-dl4j-simple-flatten-rnn/simple_flatten_rnn_tf_keras_2_model.h5",
        "h5-dl4j-single-layer/embedding_lstm_tensorflow_2.h5", "h5-dl4j-single-layer/lstm_tensorflow_2.h5",
        "h5-dl4j-simple-flatten-lstm/simple_flatten_lstm_tf_keras_2_model.h5", "h5-dl4j-cnn-batchnorm/cnn_batch_norm.h5",
        "h5-dl4j-simple-lstm-k1/simple_lstm_tf_keras_1_model.h5", "h5-mlperf-ad01-mlp/ad01.h5",
        "h5-dl4j-simple-rnn/simple_rnn_tf_keras_2_model.h5")) {
      KerasFile file = KerasSource.of(KerasFixtures.file(f)).open();
      Map<String, String> followed = KerasBudget.layerShapes(KerasModel.parse(file.model(), f));
      try (KerasGraph graph = KerasGraph.build(file)) {
        for (KerasGraph.LayerRow row : graph.layers()) {
          if (followed.containsKey(row.name())) {
            assertEquals(row.outputShape(), followed.get(row.name()), f + " layer " + row.name());
            compared++;
          }
        }
      }
    }
    assertTrue(compared >= 30, "only " + compared + " layers compared");
  }
}
