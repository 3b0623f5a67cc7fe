package org.introdl.savedmodels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.introdl.savedmodels.checkpoint.convert.CheckpointConverter;
import org.introdl.savedmodels.cli.SavedModelCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code savedmodel compare} with reference files written here from closed forms: half_plus_two is x/2 + 2; the TF1
 * linear regression is W x + b with the W and b of its README.
 */
class CompareTest {
  @TempDir Path tmp;

  private Path reference(String name, String json) throws Exception {
    Path file = tmp.resolve(name);
    Files.writeString(file, json);
    return file;
  }

  /** x and f(x) for x = -4, -3.5, ..., 4, as a reference file with flat data and shape [n, 1]. */
  private Path halfPlusTwoReference(double offset, String extra) throws Exception {
    StringBuilder xs = new StringBuilder();
    StringBuilder ys = new StringBuilder();
    int n = 0;
    for (double x = -4; x <= 4; x += 0.5, n++) {
      xs.append(n == 0 ? "" : ", ").append(x);
      ys.append(n == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.9g", x / 2 + 2 + offset));
    }
    return reference("ref.json", String.format(Locale.ROOT,
        "{%s \"inputs\": {\"x\": {\"dtype\": \"float32\", \"shape\": [%d, 1], \"data\": [%s]}},"
            + " \"outputs\": {\"y\": {\"dtype\": \"float32\", \"shape\": [%d, 1], \"data\": [%s]}}}",
        extra, n, xs, n, ys));
  }

  @Test
  void halfPlusTwoMatchesItsClosedForm() throws Exception {
    Comparison.Outcome o = Comparison.compare(Fixtures.halfPlusTwoTf1(), halfPlusTwoReference(0, ""), null, null,
        false);
    assertTrue(o.pass());
    assertEquals(0.0, o.checks().get(0).maxAbsError(), "x/2 + 2 is exact in float32 for these x");
    CliRun r = CliRun.run(new SavedModelCommand(), "compare", Fixtures.halfPlusTwoTf1().toString(), "--reference",
        halfPlusTwoReference(0, "").toString()).assertOk();
    assertTrue(r.out().contains("y                PASS  shape [17, 1]  max abs err 0.000e+00"), r.out());
    assertTrue(r.out().strip().endsWith("PASS"), r.out());
  }

  @Test
  void anOffOutputFailsWithExitThreeAndItsError() throws Exception {
    Path ref = halfPlusTwoReference(1e-3, "");
    CliRun r = CliRun.run(new SavedModelCommand(), "compare", Fixtures.halfPlusTwoTf1().toString(), "--reference",
        ref.toString());
    assertEquals(SavedModelCommand.EXIT_CHECK_FAILED, r.exitCode(), r.err());
    assertTrue(r.out().contains("FAIL  shape [17, 1]  max abs err 1.000e-03"), r.out());
    assertTrue(r.out().contains("17 values out of tolerance; worst at flat index"), r.out());
    // A tolerance wide enough makes it pass; the file's own tolerance is used unless the option overrides it.
    CliRun.run(new SavedModelCommand(), "compare", Fixtures.halfPlusTwoTf1().toString(), "--reference",
        ref.toString(), "--atol", "2e-3").assertOk();
    CliRun.run(new SavedModelCommand(), "compare", Fixtures.halfPlusTwoTf1().toString(), "--reference",
        halfPlusTwoReference(1e-3, "\"atol\": 0.002,").toString()).assertOk();
  }

  @Test
  void tf2ModelWithBareListsAndSignatureFromTheFile() throws Exception {
    Path ref = reference("tf2.json", "{\"signature\": \"regress_x2_to_y3\", \"tag\": \"serve\","
        + " \"inputs\": {\"inputs\": [5.0]}, \"outputs\": {\"outputs\": [5.5]}}");
    Comparison.Outcome o = Comparison.compare(Fixtures.halfPlusTwoTf2(), ref, null, null, false);
    assertEquals("regress_x2_to_y3", o.signature());
    assertTrue(o.pass(), Comparison.format(o));
  }

  @Test
  void kerasModelAgainstTheValuesOfItsReadme() throws Exception {
    Path ref = reference("keras.json", "{\"rtol\": 0, \"atol\": 1e-6, \"inputs\": {\"test_in_input\":"
        + " [[0.1, 0.2, 0.3, 0.4, 0.5], [0, 0, 0, 0, 0], [1, 1, 1, 1, 1]]},"
        + " \"outputs\": {\"test_out\": [[0.50030786], [0.50024295], [0.50041163]]}}");
    assertTrue(Comparison.compare(Fixtures.kerasTf23(), ref, null, null, false).pass());
  }

  @Test
  void convertedTf1CheckpointIsWxPlusB() throws Exception {
    Path model = tmp.resolve("linear");
    CheckpointConverter.convert(new CheckpointConverter.Request(Fixtures.linearRegression(), null, model,
        java.util.Map.of("x", "X"), java.util.Map.of("y", "pred"), false));
    float[] xs = {-10f, -1f, 0f, 0.5f, 3f, 100f};
    StringBuilder in = new StringBuilder();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < xs.length; i++) {
      in.append(i == 0 ? "" : ", ").append(xs[i]);
      double y = (double) Fixtures.LINEAR_W * xs[i] + Fixtures.LINEAR_B;
      out.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.9g", y));
    }
    Path ref = reference("linear.json", "{\"rtol\": 1e-6, \"atol\": 1e-6, \"inputs\": {\"x\": {\"dtype\": \"float32\","
        + " \"data\": [" + in + "]}}, \"outputs\": {\"y\": [" + out + "]}}");
    Comparison.Outcome o = Comparison.compare(model, ref, null, null, false);
    assertTrue(o.pass(), Comparison.format(o));
    assertFalse(o.checks().isEmpty());
  }

  @Test
  void referenceProblemsAreOneLineErrors() throws Exception {
    String dir = Fixtures.halfPlusTwoTf1().toString();
    CliRun.run(new SavedModelCommand(), "compare", dir, "--reference", reference("a.json", "{\"inputs\": ").toString())
        .assertOneLineError(1, "a.json", "not valid JSON");
    CliRun.run(new SavedModelCommand(), "compare", dir, "--reference", reference("b.json", "[1, 2]").toString())
        .assertOneLineError(1, "b.json", "JSON object");
    CliRun.run(new SavedModelCommand(), "compare", dir, "--reference",
        reference("c.json", "{\"inputs\": {\"x\": [[1]]}, \"outputs\": {\"z\": [[1]]}}").toString())
        .assertOneLineError(1, "c.json", "output 'z' is not in signature 'serving_default'", "y");
    CliRun.run(new SavedModelCommand(), "compare", dir, "--reference",
        reference("d.json", "{\"inputs\": {\"x\": {\"shape\": [2, 1], \"data\": [1]}}, \"outputs\": {\"y\": [[1]]}}")
            .toString())
        .assertOneLineError(1, "d.json", "needs 2 values");
    CliRun.run(new SavedModelCommand(), "compare", dir, "--reference",
        reference("e.json", "{\"inputs\": {}, \"outputs\": {\"y\": [[1]]}}").toString())
        .assertOneLineError(1, "e.json", "missing input x");
    CliRun.run(new SavedModelCommand(), "compare", dir, "--reference", tmp.resolve("none.json").toString())
        .assertOneLineError(1, "none.json", "not found");
    CliRun.run(new SavedModelCommand(), "compare", dir, "--reference", reference("f.json", "{}").toString(),
        "--rtol", "-1").assertOneLineError(2, "--rtol");
    String deep = "[".repeat(5000) + "]".repeat(5000);
    CliRun.run(new SavedModelCommand(), "compare", dir, "--reference", reference("g.json", deep).toString())
        .assertOneLineError(1, "g.json");
  }
}
