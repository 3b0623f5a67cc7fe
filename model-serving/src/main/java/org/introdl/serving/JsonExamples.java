package org.introdl.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.introdl.savedmodels.values.TensorValue;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;

/**
 * The {@code tf.Example} protos of a {@code :classify} or {@code :regress} request, as TensorFlow Serving builds
 * them: {@code "examples"}, a list of objects of features, and an optional {@code "context"} object whose features
 * every example gets too. A number written with a decimal point or exponent is a {@code float_list} value, an
 * integer or a boolean an {@code int64_list} value, a string or {@code {"b64": "..."}} a {@code bytes_list} value.
 */
public final class JsonExamples {
  private JsonExamples() {}

  /** The serialized examples, each with the context's features merged in, as a 1-D string tensor. */
  public static TensorValue.Strings parse(JsonNode doc, String method) {
    Example context = doc.has("context") ? example(doc.get("context")) : null;
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
      Example example = example(e);
      serialized.add(context == null ? example.toByteArray()
          : Example.newBuilder(context).mergeFrom(example).build().toByteArray());
    }
    return new TensorValue.Strings(new long[] {serialized.size()}, serialized);
  }

  private static Example example(JsonNode object) {
    if (!object.isObject()) {
      throw ServingError.invalid("Example must be JSON object but got JSON " + JsonTensors.jsonType(object));
    }
    Features.Builder features = Features.newBuilder();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      Feature.Builder feature = Feature.newBuilder();
      if (f.getValue().isArray()) {
        for (JsonNode v : f.getValue()) {
          add(v, f.getKey(), feature);
        }
      } else {
        add(f.getValue(), f.getKey(), feature);
      }
      features.putFeature(f.getKey(), feature.build());
    }
    return Example.newBuilder().setFeatures(features).build();
  }

  private static void add(JsonNode v, String name, Feature.Builder feature) {
    if (v.isBoolean() || v.isIntegralNumber()) {
      requireKind(feature, Feature.KindCase.INT64_LIST, name);
      if (!v.isBoolean() && !v.canConvertToLong()) {
        throw ServingError.invalid("Feature: " + name + " has uint64 element. Only int64 is supported.");
      }
      feature.getInt64ListBuilder().addValue(v.isBoolean() ? (v.asBoolean() ? 1 : 0) : v.asLong());
    } else if (v.isNumber()) {
      requireKind(feature, Feature.KindCase.FLOAT_LIST, name);
      double d = v.asDouble();
      if (Double.isFinite(d) && Math.abs(d) > Float.MAX_VALUE) {
        throw ServingError.invalid("Cannot convert JSON value: " + JsonTensors.brief(v)
            + " to float without loss of precision.");
      }
      feature.getFloatListBuilder().addValue((float) d);
    } else if (v.isTextual() || JsonTensors.isBase64(v)) {
      requireKind(feature, Feature.KindCase.BYTES_LIST, name);
      feature.getBytesListBuilder().addValue(v.isTextual() ? ByteString.copyFromUtf8(v.asText()) : decode(v));
    } else {
      throw ServingError.invalid("Feature: " + name + " has element with unexpected JSON type: " + JsonTensors.jsonType(v));
    }
  }

  private static ByteString decode(JsonNode v) {
    try {
      return ByteString.copyFrom(Base64.getDecoder().decode(v.get("b64").asText()));
    } catch (IllegalArgumentException e) {
      throw ServingError.invalid("Unable to base64 decode");
    }
  }

  /** A feature holds one kind of list; the first value decides which. */
  private static void requireKind(Feature.Builder feature, Feature.KindCase kind, String name) {
    if (feature.getKindCase() != Feature.KindCase.KIND_NOT_SET && feature.getKindCase() != kind) {
      String expected = switch (feature.getKindCase()) {
        case BYTES_LIST -> "bytes";
        case FLOAT_LIST -> "float";
        case INT64_LIST -> "int64";
        default -> "UNKNOWN";
      };
      throw ServingError.invalid("Unexpected element type in feature: " + name + " expecting type: " + expected);
    }
  }
}
