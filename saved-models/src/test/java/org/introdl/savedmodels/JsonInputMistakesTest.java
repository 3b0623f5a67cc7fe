package org.introdl.savedmodels;

import org.introdl.savedmodels.values.JsonText;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.introdl.core.io.Npy;
import org.introdl.savedmodels.cli.SavedModelCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mistakes in {@code --input} values: said in plain words, with the place, and never silently "fixed". */
class JsonInputMistakesTest {
  @TempDir Path tmp;

  private static CliRun run(String input) {
    return CliRun.run(new SavedModelCommand(), "run", Fixtures.halfPlusTwoTf1().toString(), "--input", input);
  }

  @Test
  void brokenJsonSaysWhereAndWhatWithoutParserInternals() {
    for (String[] c : new String[][] {
        {"x=[[1.0]", "at the end (after character 6)", "a list is not closed with ']'"},
        {"x=[[1.0] [2.0]]", "at character 8 ('[')", "expected comma"},
        {"x=[[NaN]]", "write NaN and infinities as the strings \"NaN\""},
        {"x=[[abc]]", "'abc' is not a JSON value"},
        {"x=[[1,]]", "at character 5 (']')", "unexpected ']'"}}) {
      CliRun r = run(c[0]);
      String[] fragments = java.util.Arrays.copyOfRange(c, 1, c.length);
      r.assertOneLineError(1, fragments);
      for (String leak : new String[] {"Source:", "REDACTED", "StreamReadFeature", "JsonReadFeature", "code 9"}) {
        assertFalse(r.err().contains(leak), r.err());
      }
    }
  }

  @Test
  void overflowAndBooleansAreRefusedNotConverted() {
    run("x=[[1e309]]").assertOneLineError(1, "a number is too large for float64");
    run("x=[[1e39]]").assertOneLineError(1, "too large for float32");
    run("x=[[true]]").assertOneLineError(1, "true is a boolean, not a number");
    run("x=[[\"Infinity\"]]").assertOk(); // written on purpose, as the docs say
  }

  @Test
  void errorsAboutAnNpyInputNameTheFile() throws Exception {
    Path wrongShape = tmp.resolve("wrong-shape.npy");
    Npy.write(wrongShape, Npy.Array.of(new float[] {1f, 2f}, 2));
    run("x=@" + wrongShape).assertOneLineError(1, "wrong-shape.npy", "has shape [2]");
    Path ints = tmp.resolve("ints.npy");
    Npy.write(ints, Npy.Array.of(new int[] {1}, 1, 1));
    run("x=@" + ints).assertOneLineError(1, "ints.npy", "is int32");
    Path missing = tmp.resolve("missing.npy");
    run("x=@" + missing).assertOneLineError(1, "missing.npy");
    Files.writeString(tmp.resolve("x.json"), "[[1.0]\n");
    run("x=@" + tmp.resolve("x.json")).assertOneLineError(1, "x.json", "line 2", "a list is not closed");
  }

  @Test
  void aBrokenReferenceFileIsDescribedTheSameWay() throws Exception {
    Path reference = Files.writeString(tmp.resolve("reference.json"), "{\"inputs\": {\"x\": [[1.0]}\n");
    CliRun r = CliRun.run(new SavedModelCommand(), "compare", Fixtures.halfPlusTwoTf1().toString(), "--reference",
        reference.toString());
    r.assertOneLineError(1, "reference.json: not valid JSON at line 1, column", "unexpected '}'");
    assertFalse(r.err().contains("Source:"), r.err());
  }

  @Test
  void noParserInternalsLeakForAnyBrokenValue() {
    for (String bad : List.of("[1}", "{\"a\":}", "[\"\\x\"]", "[1e]", "[-]", "{\"a\" 1}", "[1,2", "]", "}", "[,]",
        "nul", "[tru]", "\"abc", "{1:2}", "[1.]", "[.5]", "[+1]", "[0x10]", "[1]]", "{\"data\": [1}", "[\u0001]")) {
      String message = assertThrows(org.introdl.core.UserError.class,
          () -> JsonText.parse(ModelInputs.JSON, bad, "--input x")).getMessage();
      for (String leak : new String[] {"Source", "REDACTED", "Feature", "code ", "JSON String, Number"}) {
        assertFalse(message.contains(leak), bad + " -> " + message);
      }
      assertFalse(message.contains("\n"), bad + " -> " + message);
    }
  }
}
