package org.introdl.keras;

import static org.introdl.keras.KerasFixtures.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.introdl.core.io.Npy;
import org.introdl.savedmodels.CliRun;
import org.introdl.keras.cli.KerasCommand;
import org.introdl.savedmodels.cli.SavedModelCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./labs keras show|run|convert} as a user runs them, and every way a file can be wrong. */
class KerasCommandTest {
  @TempDir Path tmp;

  private static final String FLOWNET = "keras3-flownet-mlp/final_model.keras";

  @Test
  void showPrintsTheSummaryOfAKeras3Model() {
    CliRun r = CliRun.run(new KerasCommand(), "show", file(FLOWNET).toString()).assertOk();
    assertTrue(r.out().contains("format:   Keras 3 archive"), r.out());
    assertTrue(r.out().contains("keras:    3.9.2"), r.out());
    assertTrue(r.out().contains("dense_1 (Dense)             (None, 64)          8,256"), r.out());
    assertTrue(r.out().contains("Total params: 10,786"), r.out());
    assertTrue(r.out().contains("input:    input_layer float32 (None, 2)"), r.out());
  }

  @Test
  void showNamesTheCustomClassAndRunRefusesIt() {
    String f = file("keras3-keras-nested-custom/pre_pr22362_nested_container.keras").toString();
    CliRun show = CliRun.run(new KerasCommand(), "show", f).assertOk();
    assertTrue(show.out().contains("cannot import: the model is a custom class "
        + "'legacy_nested_container>NestedDenseModel'"), show.out());
    CliRun.run(new KerasCommand(), "run", f, "--input", "[[1,2,3,4]]")
        .assertOneLineError(1, "custom class 'legacy_nested_container>NestedDenseModel'", "Python code");
    CliRun.run(new KerasCommand(), "convert", f, "--to", tmp.resolve("out").toString())
        .assertOneLineError(1, "NestedDenseModel");
    assertFalse(Files.exists(tmp.resolve("out")));
  }

  @Test
  void runTakesAnUnnamedInputForAOneInputModel() {
    CliRun r = CliRun.run(new KerasCommand(), "run", file(FLOWNET).toString(), "--input", "[[0.65, 0.0]]")
        .assertOk();
    assertTrue(r.out().startsWith("dense_3: float32 [1, 2]"), r.out());
    // expected_generated.csv row 0: x_scaled 0.65, y_scaled 0 -> 0.87770347, 0.33845526
    assertTrue(r.out().contains("[[0.877703"), r.out());
    CliRun named = CliRun.run(new KerasCommand(), "run", file(FLOWNET).toString(), "--input",
        "input_layer=[[0.65, 0.0]]", "--format", "json").assertOk();
    assertTrue(named.out().startsWith("{\"dense_3\":{\"dtype\":\"float32\",\"shape\":[1,2],\"data\":[[0.877703"),
        named.out());
  }

  @Test
  void runWritesNpyOutputs() {
    Path out = tmp.resolve("outs");
    CliRun.run(new KerasCommand(), "run", file(FLOWNET).toString(), "--input", "[[0.65, 0.0]]", "--out",
        out.toString()).assertOk();
    Npy.Array a = Npy.read(out.resolve("dense_3.npy"));
    assertEquals(0.8777034707474856, a.toDoubles()[0], 1e-5);
  }

  /** predict.py's own float64 input (np.random.random), unnamed and as a file: cast to float32 as Keras does. */
  @Test
  void runCastsAFloat64NpyAsKerasPredictDoes() {
    CliRun r = CliRun.run(new KerasCommand(), "run", file("h5-dl4j-cnn-batchnorm/cnn_batch_norm.h5").toString(),
        "--input", "@" + file("h5-dl4j-cnn-batchnorm/input.npy"), "--format", "json").assertOk();
    assertTrue(r.out().startsWith("{\"dense_1\":{\"dtype\":\"float32\",\"shape\":[5,1],\"data\":[[-0.05206"),
        r.out());
  }

  @Test
  void runRefusesInputsThatDoNotFit() {
    String f = file(FLOWNET).toString();
    CliRun.run(new KerasCommand(), "run", f, "--input", "[[1, 2, 3]]")
        .assertOneLineError(1, "has shape [1, 3]", "input_layer (float32 [-1, 2])");
    CliRun.run(new KerasCommand(), "run", f, "--input", "x=[[1, 2]]")
        .assertOneLineError(1, "unknown input x");
    CliRun.run(new KerasCommand(), "run", f).assertOneLineError(1, "missing input input_layer");
  }

  @Test
  void convertedModelRunsUnderSavedModelRunWithTheSameOutputs() {
    Path sm = tmp.resolve("flownet");
    CliRun c = CliRun.run(new KerasCommand(), "convert", file(FLOWNET).toString(), "--to", sm.toString()).assertOk();
    assertTrue(c.out().contains("8 variables, 10,786 parameters"), c.out());
    CliRun keras = CliRun.run(new KerasCommand(), "run", file(FLOWNET).toString(), "--input", "[[0.65, 0.0]]");
    CliRun saved = CliRun.run(new SavedModelCommand(), "run", sm.toString(), "--input", "input_layer=[[0.65, 0.0]]")
        .assertOk();
    assertEquals(keras.out(), saved.out());
    CliRun.run(new SavedModelCommand(), "scan", sm.toString()).assertOk();
    CliRun.run(new KerasCommand(), "convert", file(FLOWNET).toString(), "--to", sm.toString())
        .assertOneLineError(1, "already exists");
  }

  @Test
  void savedModelCommandsPointAKerasFileHere() {
    CliRun.run(new SavedModelCommand(), "run", file(FLOWNET).toString(), "--input", "x=[[1, 2]]")
        .assertOneLineError(1, "not a directory", "for a Keras file use ./labs keras show|run|convert");
  }

  @Test
  void sourceNeedsAFileOrAConfigWithWeights() {
    CliRun.run(new KerasCommand(), "show", "--config", "a.json").assertOneLineError(2, "--weights");
  }

  @Test
  void wrongFilesGetOneLineEach() throws Exception {
    Path text = Files.writeString(tmp.resolve("notes.keras"), "hello");
    CliRun.run(new KerasCommand(), "show", text.toString()).assertOneLineError(1, "notes.keras", "not a Keras model");
    CliRun.run(new KerasCommand(), "show", tmp.toString()).assertOneLineError(1, "a folder");
    CliRun.run(new KerasCommand(), "show", tmp.resolve("missing.h5").toString()).assertOneLineError(1, "not found");
    CliRun.run(new KerasCommand(), "show", file("json-dl4j-mnist-mlp/mnist_mlp_tf_keras_2_config.json").toString())
        .assertOneLineError(1, "pass --config");
    CliRun.run(new KerasCommand(), "show", file("json-dl4j-mnist-mlp/mnist_mlp_tf_keras_2_weights.h5").toString())
        .assertOneLineError(1, "weights-only file");
    Path truncated = tmp.resolve("cut.keras");
    byte[] whole = Files.readAllBytes(file(FLOWNET));
    Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2));
    CliRun.run(new KerasCommand(), "show", truncated.toString()).assertOneLineError(1, "cut.keras");
  }

  @Test
  void hostileArchivesAreRefusedBeforeAnythingIsRead() throws Exception {
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    Map<String, byte[]> traversal = new LinkedHashMap<>();
    traversal.put("config.json", config);
    traversal.put("../../evil.h5", new byte[10]);
    Path evil = KerasArchives.zip(tmp.resolve("evil.keras"), traversal);
    CliRun.run(new KerasCommand(), "show", evil.toString()).assertOneLineError(1, "unsafe name '../../evil.h5'");

    Map<String, byte[]> bomb = new LinkedHashMap<>();
    bomb.put("config.json", config);
    bomb.put("model.weights.h5", new byte[64 << 20]);
    Path zipBomb = KerasArchives.zip(tmp.resolve("bomb.keras"), bomb);
    assertTrue(Files.size(zipBomb) < 200_000);
    CliRun.run(new KerasCommand(), "show", zipBomb.toString()).assertOneLineError(1, "zip bomb");

    Map<String, byte[]> noWeights = Map.of("config.json", config);
    Path missing = KerasArchives.zip(tmp.resolve("missing.keras"), noWeights);
    CliRun.run(new KerasCommand(), "show", missing.toString()).assertOneLineError(1, "model.weights.h5 is missing");
  }

  @Test
  void lambdaLayersAreRefusedWithTheReason() throws Exception {
    String config = """
        {"class_name": "Sequential", "config": {"name": "s", "layers": [
          {"class_name": "InputLayer", "config": {"batch_shape": [null, 2], "name": "x"}},
          {"class_name": "Lambda", "config": {"name": "times_two", "function": {"class_name": "__lambda__",
            "config": {"code": "4wEAAAAAAAAA"}}}}]}}""";
    Path model = KerasArchives.write(tmp.resolve("lambda.keras"), config, Map.of());
    CliRun.run(new KerasCommand(), "run", model.toString(), "--input", "[[1, 2]]")
        .assertOneLineError(1, "layer 'times_two' (Lambda) holds Python code", "Java will not run");
    CliRun show = CliRun.run(new KerasCommand(), "show", model.toString()).assertOk();
    assertTrue(show.out().contains("cannot import: layer 'times_two' (Lambda)"), show.out());
  }

  /** An LSTM over an undeclared number of steps cannot be unrolled: show lists why, run refuses in one line. */
  @Test
  void recurrentLayersNeedAFixedNumberOfSteps() throws Exception {
    String config = """
        {"class_name": "Sequential", "config": {"name": "s", "layers": [
          {"class_name": "InputLayer", "config": {"batch_shape": [null, null, 2], "name": "x"}},
          {"class_name": "LSTM", "config": {"name": "l", "units": 1}}]}}""";
    java.util.List<KerasArchives.Var> lstm = java.util.List.of(new KerasArchives.Var(new float[8], 2, 4),
        new KerasArchives.Var(new float[4], 1, 4), new KerasArchives.Var(new float[4], 4));
    Path model = KerasArchives.write(tmp.resolve("steps.keras"), config, Map.of("layers/lstm/cell", lstm));
    CliRun show = CliRun.run(new KerasCommand(), "show", model.toString()).assertOk();
    assertTrue(show.out().contains("cannot import: layer 'l' (LSTM) needs a fixed number of time steps"),
        show.out());
    assertTrue(show.out().contains("l (LSTM)                    ?                   16"), show.out());
    CliRun.run(new KerasCommand(), "run", model.toString(), "--input", "[[[1, 2]]]")
        .assertOneLineError(1, "layer 'l' (LSTM) needs a fixed number of time steps");
  }

  @Test
  void aTopLevelModelMustDeclareItsInputShape() throws Exception {
    Path config = Files.writeString(tmp.resolve("model.json"), """
        {"class_name": "Sequential", "config": [{"class_name": "Dense", "config": {"name": "d", "units": 1}}]}""");
    CliRun.run(new KerasCommand(), "run", "--config", config.toString(), "--weights",
        file("json-dl4j-mnist-mlp/mnist_mlp_tf_keras_2_weights.h5").toString(), "--input", "[[1]]")
        .assertOneLineError(1, "input 'd_input' declares no shape");
  }

  @Test
  void unknownLayersAreNamedWithTheirClass() throws Exception {
    String config = """
        {"class_name": "Sequential", "config": {"name": "s", "layers": [
          {"class_name": "InputLayer", "config": {"batch_shape": [null, 2], "name": "x"}},
          {"class_name": "MyScaler", "module": null, "registered_name": "my_pkg>MyScaler",
           "config": {"name": "scaler"}}]}}""";
    Path model = KerasArchives.write(tmp.resolve("custom.keras"), config, Map.of());
    CliRun.run(new KerasCommand(), "run", model.toString(), "--input", "[[1, 2]]")
        .assertOneLineError(1, "layer 'scaler' (MyScaler) is the custom class 'my_pkg>MyScaler'");
  }
}
