package org.introdl.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.introdl.core.UserError;
import org.introdl.savedmodels.values.TfExamples;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.BytesList;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.FloatList;
import org.tensorflow.proto.Int64List;

/**
 * The server's {@code :classify}/{@code :regress} examples and the command line's {@code --input} examples come from
 * one converter: the same JSON gives the same proto bytes (built by hand here), and they differ only where TensorFlow
 * Serving and the command line differ: two rules, and the words of each mistake.
 */
class JsonExamplesTest {
  private static final String EXAMPLE =
      "{\"x\": 2.5, \"n\": [1, 2, true], \"word\": \"cat\", \"raw\": {\"b64\": \"AAE=\"}}";

  @Test
  void bothReadTheSameExampleIntoTheSameBytes() {
    Example expected = Example.newBuilder().setFeatures(Features.newBuilder()
        .putFeature("x", Feature.newBuilder().setFloatList(FloatList.newBuilder().addValue(2.5f)).build())
        .putFeature("n", Feature.newBuilder().setInt64List(Int64List.newBuilder().addValue(1).addValue(2)
            .addValue(1)).build())
        .putFeature("word", Feature.newBuilder().setBytesList(BytesList.newBuilder()
            .addValue(com.google.protobuf.ByteString.copyFromUtf8("cat"))).build())
        .putFeature("raw", Feature.newBuilder().setBytesList(BytesList.newBuilder()
            .addValue(com.google.protobuf.ByteString.copyFrom(new byte[] {0, 1}))).build())).build();
    byte[] served = JsonExamples.parse(Http.json("{\"examples\": [" + EXAMPLE + "]}"), "regress").values().get(0);
    byte[] typed = TfExamples.parse(Http.json("[" + EXAMPLE + "]"), "--input x").values().get(0);
    assertArrayEquals(expected.toByteArray(), served);
    assertArrayEquals(expected.toByteArray(), typed);
  }

  @Test
  void theyDifferWhereTensorFlowServingAndTheCommandLineDo() throws Exception {
    // [1, 2.5]: TF Serving types the list by its first value; the command line reads numbers as floats.
    assertEquals("Unexpected element type in feature: x expecting type: int64",
        servingError("{\"x\": [1, 2.5]}"));
    assertEquals(List.of(1f, 2.5f), Example.parseFrom(TfExamples.parse(Http.json("[{\"x\": [1, 2.5]}]"), "--input e")
        .values().get(0)).getFeatures().getFeatureMap().get("x").getFloatList().getValueList());
    // []: TF Serving takes a feature with no values; the command line asks to leave it out.
    assertEquals(Feature.getDefaultInstance(), Example.parseFrom(JsonExamples.parse(
        Http.json("{\"examples\": [{\"x\": []}]}"), "regress").values().get(0)).getFeatures().getFeatureMap().get("x"));
    assertEquals("--input e example 0 feature x: an empty list has no type; leave the feature out instead",
        cliError("{\"x\": []}"));
  }

  @Test
  void eachMistakeInItsReadersWords() {
    String[][] cases = {
        {"[1]", "Example must be JSON object but got JSON Array",
            "--input e example 0: [1] is not an object of features such as {\"x\": 2.0}"},
        {"{\"x\": [\"a\", 1]}", "Unexpected element type in feature: x expecting type: bytes",
            "--input e example 0 feature x: values must be all numbers or all strings, not [\"a\",1]"},
        {"{\"x\": [null]}", "Feature: x has element with unexpected JSON type: Null",
            "--input e example 0 feature x: values must be all numbers or all strings, not [null]"},
        {"{\"x\": {\"a\": 1}}", "Feature: x has element with unexpected JSON type: Object",
            "--input e example 0 feature x: {\"a\":1} is not a string or {\"b64\": \"...\"}"},
        {"{\"x\": 18446744073709551615}", "Feature: x has uint64 element. Only int64 is supported.",
            "--input e example 0 feature x: 18446744073709551615 does not fit in int64"},
        {"{\"x\": 1e39}", "Cannot convert JSON value: 1e+39 to float without loss of precision.",
            "--input e example 0 feature x: 1.0E39 is too large for float32"},
        {"{\"x\": {\"b64\": \"not base64!\"}}", "Unable to base64 decode",
            "--input e example 0 feature x: {\"b64\":\"not base64!\"} is not valid base64"}};
    for (String[] c : cases) {
      assertEquals(c[1], servingError(c[0]), c[0]);
      assertEquals(c[2], cliError(c[0]), c[0]);
    }
  }

  private static String servingError(String example) {
    JsonNode doc = Http.json("{\"examples\": [" + example + "]}");
    return assertThrows(ServingError.class, () -> JsonExamples.parse(doc, "regress")).getMessage();
  }

  private static String cliError(String example) {
    JsonNode doc = Http.json("[" + example + "]");
    return assertThrows(UserError.class, () -> TfExamples.parse(doc, "--input e")).getMessage();
  }
}
