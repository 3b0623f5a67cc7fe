package org.introdl.savedmodels;

import org.introdl.savedmodels.values.ArrayJson;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.introdl.core.io.Npy;
import org.introdl.savedmodels.cli.SavedModelCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code savedmodel run} on the Python fixtures, checked against y = x/2 + 2 and the Keras values of the README. */
class SignatureRunnerTest {
  @TempDir Path tmp;

  private static Map<String, Npy.Array> run(Path dir, String signature, String... keyValues) {
    Map<String, String> raw = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      raw.put(keyValues[i], keyValues[i + 1]);
    }
    return SignatureRunner.run(new SignatureRunner.Request(dir, "serve", signature, raw, false)).outputs();
  }

  @Test
  void tf1HalfPlusTwoIsHalfXPlusTwo() {
    float[] x = {-3f, 0f, 1f, 2f, 7.5f};
    Npy.Array y = run(Fixtures.halfPlusTwoTf1(), "serving_default", "x", "[[-3], [0], [1], [2], [7.5]]").get("y");
    assertArrayEquals(new long[] {5, 1}, y.shape());
    float[] got = y.toFloats();
    for (int i = 0; i < x.length; i++) {
      assertEquals(x[i] / 2 + 2, got[i], 0f);
    }
  }

  @Test
  void tf1SecondHeadIsHalfXPlusThree() {
    Npy.Array y3 = run(Fixtures.halfPlusTwoTf1(), "regress_x2_to_y3", "inputs", "[[2.0]]").get("outputs");
    assertEquals(4.0f, y3.toFloats()[0], 0f);
  }

  @Test
  void tf2HalfPlusTwoTakesAFixedShapeOfOne() {
    Npy.Array y = run(Fixtures.halfPlusTwoTf2(), "serving_default", "x", "[2.0]").get("y");
    assertArrayEquals(new long[] {1}, y.shape());
    assertEquals(3.0f, y.toFloats()[0], 0f);
  }

  @Test
  void kerasModelGivesTheValuesDerivedFromItsWeights() {
    Npy.Array out = run(Fixtures.kerasTf23(), "serving_default", "test_in_input",
        "[[0.1, 0.2, 0.3, 0.4, 0.5], [0, 0, 0, 0, 0], [1, 1, 1, 1, 1]]").get("test_out");
    assertArrayEquals(new float[] {0.50030786f, 0.50024295f, 0.50041163f}, out.toFloats(), 1e-6f);
  }

  @Test
  void inputFromNpyFileAndOutputsToNpyFiles() throws Exception {
    Path x = tmp.resolve("x.npy");
    Npy.write(x, Npy.Array.of(new float[] {4f, 6f}, 2, 1));
    Path out = tmp.resolve("out");
    CliRun r = CliRun.run(new SavedModelCommand(), "run", Fixtures.halfPlusTwoTf1().toString(), "--input",
        "x=@" + x, "--out", out.toString()).assertOk();
    assertTrue(r.out().contains("y.npy"), r.out());
    Npy.Array y = Npy.read(out.resolve("y.npy"));
    assertArrayEquals(new float[] {4f / 2 + 2, 6f / 2 + 2}, y.toFloats(), 0f);
    try (var files = Files.list(out)) {
      assertEquals(1, files.count(), "only y.npy, no temporary files left");
    }
  }

  @Test
  void theOneInputOfASignatureNeedsNoKey() throws Exception {
    Path x = tmp.resolve("x.npy");
    Npy.write(x, Npy.Array.of(new float[] {4f, 6f}, 2, 1));
    CliRun r = CliRun.run(new SavedModelCommand(), "run", Fixtures.halfPlusTwoTf1().toString(), "--input", "@" + x,
        "--format", "json").assertOk();
    assertEquals("{\"y\":{\"dtype\":\"float32\",\"shape\":[2,1],\"data\":[[4.0],[5.0]]}}", r.out().strip());
    CliRun.run(new SavedModelCommand(), "run", Fixtures.halfPlusTwoTf1().toString(), "--input", "[[2.0]]")
        .assertOk();
    // Only where the signature has one input: with two, the key says which.
    Path model = HandMadeModels.twoInputs(tmp.resolve("two"));
    CliRun.run(new SavedModelCommand(), "run", model.toString(), "--input", "@" + x)
        .assertOneLineError(1, "--input without key= is only for a model with one input", "a (float32", "b (float32");
  }

  @Test
  void inputFromJsonFile() throws Exception {
    Path x = Files.writeString(tmp.resolve("x.json"),
        "{\"dtype\": \"float32\", \"shape\": [2, 1], \"data\": [10, 20]}");
    Npy.Array y = run(Fixtures.halfPlusTwoTf1(), "serving_default", "x", "@" + x).get("y");
    assertArrayEquals(new float[] {10f / 2 + 2, 20f / 2 + 2}, y.toFloats(), 0f);
    Path bad = Files.writeString(tmp.resolve("bad.json"), "[[1], ");
    CliRun.run(new SavedModelCommand(), "run", Fixtures.halfPlusTwoTf1().toString(), "--input", "x=@" + bad)
        .assertOneLineError(1, "bad.json", "not valid JSON");
  }

  @Test
  void jsonOutputFileReadsBackAsAnArray() throws Exception {
    Path out = tmp.resolve("json-out");
    CliRun.run(new SavedModelCommand(), "run", Fixtures.halfPlusTwoTf1().toString(), "--input", "x=[[4]]", "--out",
        out.toString(), "--format", "json").assertOk();
    com.fasterxml.jackson.databind.JsonNode y = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(out.resolve("outputs.json").toFile()).get("y");
    assertArrayEquals(new float[] {4f / 2 + 2}, ArrayJson.parse(y, Npy.DType.FLOAT64, "y").toFloats(), 0f);
  }

  @Test
  void printsTextAndJson() {
    String dir = Fixtures.halfPlusTwoTf1().toString();
    CliRun text = CliRun.run(new SavedModelCommand(), "run", dir, "--input", "x=[[1],[2],[3]]").assertOk();
    assertEquals("y: float32 [3, 1]\n[[2.5], [3.0], [3.5]]\n", text.out());
    CliRun json = CliRun.run(new SavedModelCommand(), "run", dir, "--input", "x=[[1]]", "--format", "json")
        .assertOk();
    assertEquals("{\"y\":{\"dtype\":\"float32\",\"shape\":[1,1],\"data\":[[2.5]]}}", json.out().strip());
  }

  @Test
  void inputsAreCheckedAgainstTheSignatureBeforeAnythingRuns() throws Exception {
    String dir = Fixtures.halfPlusTwoTf1().toString();
    CliRun.run(new SavedModelCommand(), "run", dir).assertOneLineError(1, "missing input x", "x (float32 [-1, 1])");
    CliRun.run(new SavedModelCommand(), "run", dir, "--input", "x=[[1]]", "--input", "z=[1]")
        .assertOneLineError(1, "unknown input z", "expects x (float32 [-1, 1])");
    CliRun.run(new SavedModelCommand(), "run", dir, "--input", "x=[1, 2]")
        .assertOneLineError(1, "shape [2]", "x (float32 [-1, 1])");
    Path ints = tmp.resolve("ints.npy");
    Npy.write(ints, Npy.Array.of(new int[] {1}, 1, 1));
    CliRun.run(new SavedModelCommand(), "run", dir, "--input", "x=@" + ints)
        .assertOneLineError(1, "is int32", "x (float32 [-1, 1])");
    CliRun.run(new SavedModelCommand(), "run", dir, "--input", "x=[[1], [2, 3]]")
        .assertOneLineError(1, "ragged");
    CliRun.run(new SavedModelCommand(), "run", dir, "--input", "x=[[\"a\"]]")
        .assertOneLineError(1, "not a number");
    CliRun.run(new SavedModelCommand(), "run", dir, "--signature", "regress_x_to_y", "--input", "inputs=[1]")
        .assertOneLineError(1, "1 is not a string", "b64:");
    CliRun.run(new SavedModelCommand(), "run", dir, "--input", "x=[[1]]", "--format", "yaml")
        .assertOneLineError(2, "--format");
  }
}
