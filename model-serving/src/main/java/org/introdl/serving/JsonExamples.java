package org.introdl.serving;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.introdl.savedmodels.values.TensorValue;
import org.introdl.savedmodels.values.TfExamples;
import org.tensorflow.proto.Example;

/**
 * The {@code tf.Example} protos of a {@code :classify} or {@code :regress} request, as TensorFlow Serving builds
 * them: {@code "examples"}, a list of objects of features, and an optional {@code "context"} object whose features
 * every example gets too. Each object is read by the project's one converter ({@link TfExamples}) in
 * {@link #TF_SERVING TensorFlow Serving's dialect}: its rules and its error messages.
 */
public final class JsonExamples {
  private JsonExamples() {}

  /** TensorFlow Serving's rules (the first value types a list; an empty list is taken) and words. */
  static final TfExamples.Dialect TF_SERVING = new TfExamples.Dialect() {
    @Override
    public boolean mixedNumbersAreFloats() {
      return false;
    }

    @Override
    public boolean takesEmptyLists() {
      return true;
    }

    @Override
    public RuntimeException notAnObject(JsonNode value, String where) {
      return ServingError.invalid("Example must be JSON object but got JSON " + JsonTensors.jsonType(value));
    }

    @Override
    public RuntimeException emptyList(String feature, String where) {
      return new IllegalStateException("TF Serving takes an empty list: never asked");
    }

    @Override
    public RuntimeException mixedTypes(String feature, String listType, JsonNode featureValue, String where) {
      return ServingError.invalid("Unexpected element type in feature: " + feature + " expecting type: " + listType);
    }

    @Override
    public RuntimeException unexpectedType(String feature, JsonNode value, JsonNode featureValue, String where) {
      return ServingError.invalid("Feature: " + feature + " has element with unexpected JSON type: "
          + JsonTensors.jsonType(value));
    }

    @Override
    public RuntimeException notInt64(String feature, JsonNode value, String where) {
      return ServingError.invalid("Feature: " + feature + " has uint64 element. Only int64 is supported.");
    }

    @Override
    public RuntimeException notFloat32(String feature, JsonNode value, String where) {
      return ServingError.invalid("Cannot convert JSON value: " + JsonTensors.brief(value)
          + " to float without loss of precision.");
    }

    @Override
    public RuntimeException notBase64(String feature, JsonNode value, String where) {
      return ServingError.invalid("Unable to base64 decode");
    }
  };

  /** The serialized examples, each with the context's features merged in, as a 1-D string tensor. */
  public static TensorValue.Strings parse(JsonNode doc, String method) {
    Example context = doc.has("context") ? TfExamples.example(doc.get("context"), TF_SERVING, "context") : null;
    JsonNode examples = doc.get("examples");
    if (examples == null) {
      throw ServingError.invalid("JSON Value: " + JsonTensors.brief(doc) + " When method is " + method
          + ", key 'examples' is expected and was not found");
    }
    if (!examples.isArray()) {
      throw ServingError.invalid("JSON Value: " + JsonTensors.brief(doc)
          + " Expecting 'examples' value to be an list/array");
    }
    if (examples.isEmpty()) {
      throw ServingError.invalid("JSON Value: " + JsonTensors.brief(doc) + " 'examples' value is an empty array");
    }
    List<byte[]> serialized = new ArrayList<>();
    for (JsonNode e : examples) {
      Example example = TfExamples.example(e, TF_SERVING, "examples");
      serialized.add(context == null ? example.toByteArray()
          : Example.newBuilder(context).mergeFrom(example).build().toByteArray());
    }
    return new TensorValue.Strings(new long[] {serialized.size()}, serialized);
  }
}
