package org.introdl.savedmodels;

import org.introdl.savedmodels.values.Dtypes;
import org.introdl.savedmodels.values.TensorValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.introdl.savedmodels.cli.SavedModelCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TString;

/**
 * The classes of SavedModel that Python runs and that used to fail here: a stale signature that disagrees with the
 * graph, reference dtypes, string and tf.Example inputs, state across calls. Each test shows the failure first
 * (what TensorFlow Java does with the model as it is), then the run.
 */
class ModelQuirksTest {
  @TempDir Path tmp;

  private static CliRun savedmodel(String... args) {
    return CliRun.run(new SavedModelCommand(), args);
  }

  @Test
  void anUnusedSignatureThatDisagreesWithTheGraphIsIgnoredWithOneLine() throws Exception {
    Path model = HandMadeModels.withDisagreeingSignature(tmp.resolve("stale"));
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> SavedModelBundle.load(model.toString(), "serve").close());
    assertTrue(refused.getMessage().contains("but the signature requires data type DT_FLOAT"), refused.getMessage());

    CliRun r = savedmodel("run", model.toString(), "--input", "x=[1.0, 2.0]").assertOk();
    assertEquals("y: float32 [2]\n[3.0, 5.0]\n", r.out()); // y = 2x + 1
    assertEquals("note: ignored signature 'regress' (not called): input inputs is declared float32 but "
        + "tf_example:0 is string in the graph\n", r.err());
    try (var left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith("savedmodel-repaired-")
          && p.toFile().lastModified() > System.currentTimeMillis() - 60_000), "temporary copy deleted");
    }
  }

  @Test
  void compareRunsARepairedModelAndSaysWhatWasRepaired() throws Exception {
    Path model = HandMadeModels.withDisagreeingSignature(tmp.resolve("stale"));
    Path reference = Files.writeString(tmp.resolve("reference.json"), "{\"inputs\": {\"x\": [1.0, 2.0]}, "
        + "\"outputs\": {\"y\": [3.0, 5.0]}}"); // y = 2x + 1
    CliRun r = CliRun.run(new SavedModelCommand(), "compare", model.toString(), "--reference", reference.toString())
        .assertOk();
    assertTrue(r.out().endsWith("PASS\n"), r.out());
    assertTrue(r.err().startsWith("note: ignored signature 'regress' (not called)"), r.err());
  }

  @Test
  void aSignatureDeclaringScalarsOnABatchPlaceholderFollowsTheGraphWithOneLine() throws Exception {
    Path model = HandMadeModels.halfPlusThreeWithScalarSignature(tmp.resolve("half-plus-three"));
    String note = "note: signature 'serving_default' declares input x [] but x:0 is [-1, 1], output y [] but y:0 "
        + "is [-1, 1] in the graph; the graph is what runs, so its shapes are followed (inputs are checked against "
        + "them, and a batch whose element count fits is fed in the graph's shape)\n";
    // As Python feeds it: y = 0.5 x + 3.
    CliRun python = savedmodel("run", model.toString(), "--input", "x=[[2.0]]").assertOk();
    assertEquals("y: float32 [1, 1]\n[[4.0]]\n", python.out());
    assertEquals(note, python.err(), "one line");
    // As TF Serving feeds it: a batch of scalars, reshaped to the placeholder's [-1, 1].
    CliRun serving = savedmodel("run", model.toString(), "--input", "x=[1.0, 2.0, 5.0]").assertOk();
    assertEquals("y: float32 [3, 1]\n[[3.5], [4.0], [5.5]]\n", serving.out());
    assertEquals(note, serving.err());
    // What fits neither the graph nor a batch of scalars is still refused, before anything runs.
    savedmodel("run", model.toString(), "--input", "x=[[1.0, 2.0], [3.0, 4.0]]")
        .assertOneLineError(1, "input x has shape [2, 2] but the model expects x (float32 [-1, 1])");
    // compare feeds a reference's inputs the same way, and still catches a wrong output.
    Path reference = Files.writeString(tmp.resolve("serving.json"), "{\"inputs\": {\"x\": [1.0, 2.0, 5.0]}, "
        + "\"outputs\": {\"y\": [[3.5], [4.0], [5.5]]}}");
    savedmodel("compare", model.toString(), "--reference", reference.toString()).assertOk();
    Path wrong = Files.writeString(tmp.resolve("wrong.json"), "{\"inputs\": {\"x\": [1.0, 2.0, 5.0]}, "
        + "\"outputs\": {\"y\": [[3.5], [4.0], [5.0]]}}");
    assertEquals(SavedModelCommand.EXIT_CHECK_FAILED, savedmodel("compare", model.toString(), "--reference",
        wrong.toString()).exitCode());
    // convert keeps the signature, declared as the graph's shapes, and stock TensorFlow Java runs the copy.
    Path converted = tmp.resolve("converted");
    savedmodel("convert", model.toString(), "--to", converted.toString()).assertOk();
    try (SavedModelBundle bundle = SavedModelBundle.load(converted.toString(), "serve");
        var x = org.tensorflow.types.TFloat32.tensorOf(org.tensorflow.ndarray.StdArrays.ndCopyOf(
            new float[][] {{2f}}));
        var y = bundle.function("serving_default").call(Map.of("x", x))) {
      assertEquals(4.0f, ((org.tensorflow.types.TFloat32) y.get("y").orElseThrow()).getFloat(0, 0), 0f);
    }
  }

  @Test
  void calledSignatureThatDisagreesWithTheGraphIsRefused() throws Exception {
    Path model = HandMadeModels.withDisagreeingSignature(tmp.resolve("stale"));
    savedmodel("run", model.toString(), "--signature", "regress", "--input", "inputs=[1.0]")
        .assertOneLineError(1, "signature 'regress' disagrees with the graph", "tf_example:0 is string");
  }

  @Test
  void referenceOutputsAreReadAsTheirValue() throws Exception {
    Path model = HandMadeModels.counter(tmp.resolve("counter"));
    CliRun r = savedmodel("run", model.toString(), "--signature", "get").assertOk();
    assertEquals("count: float32 []\n0.0\n", r.out());
  }

  @Test
  void aSessionScriptCallsSignaturesInOrderOnOneLoadedModel() throws Exception {
    Path model = HandMadeModels.counter(tmp.resolve("counter"));
    CliRun r = savedmodel("run", model.toString(), "--call", "get", "--call", "increment", "--call",
        "increment_by:n=5", "--call", "get", "--call", "reset", "--call", "increment", "--call", "get").assertOk();
    assertEquals(String.join("", List.of("[1] get\ncount: float32 []\n0.0\n",
        "[2] increment\ncount: float32 []\n1.0\n", "[3] increment_by\ncount: float32 []\n6.0\n",
        "[4] get\ncount: float32 []\n6.0\n", "[5] reset\ncount: float32 []\n0.0\n",
        "[6] increment\ncount: float32 []\n1.0\n", "[7] get\ncount: float32 []\n1.0\n")), r.out());

    CliRun json = savedmodel("run", model.toString(), "--call", "increment_by:n=2.5", "--call", "get",
        "--format", "json").assertOk();
    assertEquals("{\"call\":1,\"signature\":\"increment_by\",\"outputs\":{\"count\":{\"dtype\":\"float32\","
        + "\"shape\":[],\"data\":2.5}}}\n{\"call\":2,\"signature\":\"get\",\"outputs\":{\"count\":{\"dtype\":"
        + "\"float32\",\"shape\":[],\"data\":2.5}}}\n", json.out());
  }

  @Test
  void severalCallsWriteOneFolderEachUnderOut() throws Exception {
    Path model = HandMadeModels.counter(tmp.resolve("counter"));
    Path out = tmp.resolve("out");
    savedmodel("run", model.toString(), "--call", "increment_by:n=4", "--call", "increment", "--out",
        out.toString()).assertOk();
    assertEquals(4f, org.introdl.core.io.Npy.read(out.resolve("1-increment_by/count.npy")).toFloats()[0], 0f);
    assertEquals(5f, org.introdl.core.io.Npy.read(out.resolve("2-increment/count.npy")).toFloats()[0], 0f);
  }

  @Test
  void everyCallIsCheckedBeforeAnyRuns() throws Exception {
    Path model = HandMadeModels.counter(tmp.resolve("counter"));
    savedmodel("run", model.toString(), "--call", "increment", "--call", "increment_by")
        .assertOneLineError(1, "signature 'increment_by'", "missing input n");
    savedmodel("run", model.toString(), "--call", "increment", "--call", "nope")
        .assertOneLineError(1, "no signature 'nope'", "increment_by");
    savedmodel("run", model.toString(), "--call", "get", "--input", "n=1")
        .assertOneLineError(2, "--call names the signature");
  }

  @Test
  void callInputsAreJsonValuesSeparatedByCommas() {
    SignatureRunner.Call call = ModelInputs.parseCall("sig:a=[1, 2],b={\"data\": [3]},c=@x.npy,d=\"p,q\"");
    assertEquals("sig", call.signature());
    assertEquals(Map.of("a", "[1, 2]", "b", "{\"data\": [3]}", "c", "@x.npy", "d", "\"p,q\""), call.rawInputs());
    assertThrows(org.introdl.core.UserError.class, () -> ModelInputs.parseCall("sig:a=[1,"));
    assertThrows(org.introdl.core.UserError.class, () -> ModelInputs.parseCall("sig:a=1 b=2"));
    assertEquals(Map.of("n", "5"), ModelInputs.parseCall("increment_by:n=5").rawInputs());
  }

  @Test
  void tfExamplesFeedTheTf1RegressAndClassifySignatures() {
    String dir = Fixtures.halfPlusTwoTf1().toString();
    CliRun regress = savedmodel("run", dir, "--signature", "regress_x_to_y", "--examples",
        "[{\"x\": 2.0}, {\"x\": -1.0}]").assertOk();
    assertEquals("outputs: float32 [2, 1]\n[[3.0], [1.5]]\n", regress.out()); // y = x/2 + 2
    CliRun regress2 = savedmodel("run", dir, "--signature", "regress_x_to_y2", "--examples", "[{\"x\": 4.0}]")
        .assertOk();
    assertEquals("outputs: float32 [1, 1]\n[[5.0]]\n", regress2.out()); // y2 = x/2 + 3
    CliRun classify = savedmodel("run", dir, "--signature", "classify_x_to_y", "--input",
        "inputs=[{\"x\": 10.0}]").assertOk();
    assertEquals("scores: float32 [1, 1]\n[[7.0]]\n", classify.out());
  }

  @Test
  void tfExamplesFeedTheTf2RegressSignature() {
    CliRun r = savedmodel("run", Fixtures.halfPlusTwoTf2().toString(), "--signature", "regress_x_to_y",
        "--examples", "[{\"x\": 6.0}]").assertOk();
    assertEquals("outputs: float32 [1, 1]\n[[5.0]]\n", r.out());
  }

  @Test
  void examplesNeedAStringInput() {
    savedmodel("run", Fixtures.halfPlusTwoTf1().toString(), "--examples", "[{\"x\": 2.0}]")
        .assertOneLineError(1, "--examples needs a signature with one string input", "x (float32 [-1, 1])");
  }

  @Test
  void stringInputsAndOutputsAsTextBytesAndNpy() throws Exception {
    Path model = stringModel(tmp.resolve("strings"));
    CliRun text = savedmodel("run", model.toString(), "--input", "text=[\"héllo\", \"b64:/wA=\"]").assertOk();
    // "héllo" is 6 UTF-8 bytes; b64:/wA= is the two bytes ff 00, not UTF-8, so shown as base64 again.
    assertEquals("length: int32 [2]\n[6, 2]\nshout: string [2]\n[\"héllo!\",\"b64:/wAh\"]\n", text.out());

    Path unicode = tmp.resolve("words.npy");
    Files.write(unicode, npyUnicode(new String[] {"ab", "ü"}, 2));
    CliRun fromNpy = savedmodel("run", model.toString(), "--input", "text=@" + unicode, "--format", "json")
        .assertOk();
    assertEquals("{\"length\":{\"dtype\":\"int32\",\"shape\":[2],\"data\":[2,2]},\"shout\":{\"dtype\":\"string\","
        + "\"shape\":[2],\"data\":[\"ab!\",\"ü!\"]}}\n", fromNpy.out());

    Path out = tmp.resolve("out");
    savedmodel("run", model.toString(), "--input", "text=[\"a\", \"bcd\"]", "--out", out.toString()).assertOk();
    byte[] npy = Files.readAllBytes(out.resolve("shout.npy"));
    String header = new String(npy, 10, npy.length - 10, StandardCharsets.ISO_8859_1);
    assertTrue(header.startsWith("{'descr': '|S4', 'fortran_order': False, 'shape': (2,), }"), header);
    assertEquals(0, (10 + header.indexOf('\n') + 1) % 64, "header padded to 64 bytes as NumPy does");
    assertEquals("a!\0\0bcd!", new String(npy, npy.length - 8, 8, StandardCharsets.ISO_8859_1));
  }

  @Test
  void stringInputMistakesAreOneLine() throws Exception {
    Path model = stringModel(tmp.resolve("strings"));
    savedmodel("run", model.toString(), "--input", "text=[1, 2]").assertOneLineError(1, "1 is not a string");
    savedmodel("run", model.toString(), "--input", "text=[\"b64:%%\"]").assertOneLineError(1, "not valid base64");
    savedmodel("run", model.toString(), "--input", "text=[[\"a\"]]").assertOneLineError(1, "has shape [1, 1]");
    Path numbers = tmp.resolve("numbers.npy");
    org.introdl.core.io.Npy.write(numbers, org.introdl.core.io.Npy.Array.of(new float[] {1f}, 1));
    savedmodel("run", model.toString(), "--input", "text=@" + numbers)
        .assertOneLineError(1, "numbers.npy", "holds numbers");
  }

  /** text (string [-1]) -> shout = text + "!", length = byte length of text. */
  private static Path stringModel(Path dir) throws Exception {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TString> text = tf.withName("text").placeholder(TString.class,
          Placeholder.shape(org.tensorflow.ndarray.Shape.of(-1)));
      var shout = tf.withName("shout").strings.join(List.of(text, tf.constant("!")));
      var length = tf.withName("length").strings.stringLength(text);
      tf.withName("unused").variable(tf.constant(0f));
      HandMadeModels.export(g, dir, Signature.builder().input("text", text).output("shout", shout)
          .output("length", length).build());
    }
    return dir;
  }

  /** A NumPy {@code <U<width>} array of {@code values}, written by hand as numpy.save does. */
  private static byte[] npyUnicode(String[] values, int width) {
    String dict = "{'descr': '<U" + width + "', 'fortran_order': False, 'shape': (" + values.length + ",), }";
    String header = dict + " ".repeat(63 - (10 + dict.length()) % 64) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + header.length() + values.length * width * 4)
        .order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
    b.put(header.getBytes(StandardCharsets.ISO_8859_1));
    for (String v : values) {
      int[] cps = v.codePoints().toArray();
      for (int i = 0; i < width; i++) {
        b.putInt(i < cps.length ? cps[i] : 0);
      }
    }
    return b.array();
  }

  @Test
  void float16Bfloat16AndUint16TravelThroughTheWiderDtypeThatCarriesThem() throws Exception {
    Path model = tmp.resolve("narrow");
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var half = tf.withName("half").placeholder(org.tensorflow.types.TFloat16.class);
      var brain = tf.withName("brain").placeholder(org.tensorflow.types.TBfloat16.class);
      var count = tf.withName("count").placeholder(org.tensorflow.types.TUint16.class);
      tf.withName("unused").variable(tf.constant(0f));
      HandMadeModels.export(g, model, Signature.builder().input("half", half).input("brain", brain)
          .input("count", count)
          .output("half3", tf.math.mul(half, tf.dtypes.cast(tf.constant(3f), org.tensorflow.types.TFloat16.class)))
          .output("brain2", tf.math.add(brain, brain)).output("count_same", tf.identity(count)).build());
    }
    CliRun r = savedmodel("run", model.toString(), "--input", "half=[1.5, -2.25]", "--input", "brain=[0.5]",
        "--input", "count=[65535, 0]").assertOk();
    assertEquals("brain2: bfloat16 (as float32) [1]\n[1.0]\ncount_same: uint16 (as int32) [2]\n[65535, 0]\n"
        + "half3: float16 (as float32) [2]\n[4.5, -6.75]\n", r.out());
    savedmodel("run", model.toString(), "--input", "half=[70000]", "--input", "brain=[0.5]", "--input", "count=[1]")
        .assertOneLineError(1, "70000.0 is too large for float16");
    savedmodel("run", model.toString(), "--input", "half=[1]", "--input", "brain=[0.5]", "--input", "count=[-1]")
        .assertOneLineError(1, "-1 is out of range [0, 65535] for uint16");
  }

  @Test
  void int8AndUint32OutputsAreFetchedThroughACast() throws Exception {
    Path model = tmp.resolve("quantized");
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var x = tf.withName("x").placeholder(org.tensorflow.types.TFloat32.class);
      var small = g.opBuilder("Cast", "small", tf.scope()).addInput(x.asOutput())
          .setAttr("DstT", org.tensorflow.proto.DataType.DT_INT8).build();
      var big = g.opBuilder("Cast", "big", tf.scope()).addInput(x.asOutput())
          .setAttr("DstT", org.tensorflow.proto.DataType.DT_UINT32).build();
      tf.withName("unused").variable(tf.constant(0f));
      HandMadeModels.export(g, model, Signature.builder().input("x", x).output("small", small.output(0))
          .output("big", big.output(0)).build());
    }
    CliRun r = savedmodel("run", model.toString(), "--input", "x=[1.7, 3.2, 100.0]").assertOk();
    // A cast truncates toward zero.
    assertEquals("big: uint32 (as int64) [3]\n[1, 3, 100]\nsmall: int8 (as int32) [3]\n[1, 3, 100]\n", r.out());
  }

  @Test
  void refDtypesShowTheirPythonName() {
    assertEquals("float32_ref", Dtypes.name(org.tensorflow.proto.DataType.DT_FLOAT_REF));
    assertEquals(org.tensorflow.proto.DataType.DT_STRING, Dtypes.base(org.tensorflow.proto.DataType.DT_STRING_REF));
    assertArrayEquals(new long[] {2}, new TensorValue.Strings(new long[] {2}, List.of(new byte[0], new byte[1]))
        .shape());
  }
}
