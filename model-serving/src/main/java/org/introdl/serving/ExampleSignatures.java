package org.introdl.serving;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.introdl.core.io.Npy;
import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.values.TensorSpec;
import org.introdl.savedmodels.values.TensorValue;
import org.tensorflow.proto.DataType;

/**
 * The {@code classify} and {@code regress} methods, as TensorFlow Serving runs them on a signature: its one input,
 * {@code inputs}, takes the serialized {@code tf.Example}s; a regression reads {@code outputs} ([batch] or
 * [batch, 1] floats), a classification {@code classes} (strings) and/or {@code scores} (floats), each
 * [batch, num_classes]. The signature's {@code method_name} is not checked (TF Serving's default since TF 2).
 */
final class ExampleSignatures {
  private ExampleSignatures() {}

  /** The signature to run (its outputs narrowed to those the method reads) and the key of its examples input. */
  record Plan(SavedModelDir.Signature signature, String input, boolean classify) {}

  static Plan plan(SavedModelDir.Signature sig, String verb) {
    boolean classify = verb.equals("classify");
    String kind = classify ? "classification" : "regression";
    if (sig.inputs().size() != 1) {
      throw ServingError.invalid("Expected one input Tensor.");
    }
    if (!sig.inputs().containsKey("inputs")) {
      throw ServingError.invalid("No " + kind + " inputs found in SignatureDef: " + describe(sig));
    }
    Map<String, TensorSpec> outputs = new LinkedHashMap<>();
    if (classify) {
      if (sig.outputs().size() != 1 && sig.outputs().size() != 2) {
        throw ServingError.invalid("Expected one or two output Tensors, found " + sig.outputs().size());
      }
      for (String key : new String[] {"classes", "scores"}) {
        if (sig.outputs().containsKey(key)) {
          outputs.put(key, sig.outputs().get(key));
        }
      }
      if (outputs.isEmpty()) {
        throw ServingError.invalid("Expected classification signature outputs to contain at least one of "
            + "\"classes\" or \"scores\". Signature was: " + describe(sig));
      }
    } else {
      if (sig.outputs().size() != 1) {
        throw ServingError.invalid("Expected one output Tensor.");
      }
      if (!sig.outputs().containsKey("outputs")) {
        throw ServingError.invalid("No regression outputs found in SignatureDef: " + describe(sig));
      }
      outputs.put("outputs", sig.outputs().get("outputs"));
    }
    return new Plan(new SavedModelDir.Signature(sig.key(), sig.methodName(), sig.inputs(), outputs), "inputs",
        classify);
  }

  private static String describe(SavedModelDir.Signature sig) {
    return sig.key() + " (method " + sig.methodName() + ", inputs: " + sig.expectedInputs() + ", outputs: "
        + String.join(", ", sig.outputs().values().stream().map(TensorSpec::describe).toList()) + ")";
  }

  /** {@code {"results": [...]}}: one value per example, or per example its list of [label, score] pairs. */
  static void writeResults(JsonGenerator out, Plan plan, Map<String, TensorValue> outputs, long examples)
      throws IOException {
    if (plan.classify()) {
      writeClassifications(out, outputs.get("classes"), outputs.get("scores"), examples);
      return;
    }
    TensorValue value = outputs.get("outputs");
    long[] shape = value.shape();
    if (!(shape.length == 1 || shape.length == 2 && shape[1] == 1)) {
      throw ServingError.invalid("Expected output Tensor shape to be either [batch_size] or [batch_size, 1] but got "
          + JsonTensors.shapeText(shape));
    }
    if (shape[0] != examples) {
      throw ServingError.invalid("Input batch size did not match output batch size: " + examples + " vs. "
          + shape[0]);
    }
    float[] values = floats(value, "output");
    out.writeStartObject();
    out.writeArrayFieldStart("results");
    for (float v : values) {
      out.writeNumber(TfJsonNumbers.formatFloat(v));
    }
    out.writeEndArray();
    out.writeEndObject();
  }

  private static void writeClassifications(JsonGenerator out, TensorValue classes, TensorValue scores,
      long examples) throws IOException {
    long numClasses = -1;
    for (TensorValue v : new TensorValue[] {classes, scores}) {
      if (v == null) {
        continue;
      }
      String what = v == classes ? "classes" : "scores";
      if (v.shape().length != 2) {
        throw ServingError.invalid("Expected Tensor shape: [batch_size num_classes] but got "
            + JsonTensors.shapeText(v.shape()));
      }
      if (v.shape()[0] != examples) {
        throw ServingError.invalid("Expected " + what + " output batch size of " + examples + ". Got: "
            + v.shape()[0]);
      }
      if (numClasses >= 0 && numClasses != v.shape()[1]) {
        throw ServingError.invalid("Tensors class and score should match in dim_size(1). Got " + numClasses
            + " vs. " + v.shape()[1]);
      }
      numClasses = v.shape()[1];
    }
    if (classes != null && !(classes instanceof TensorValue.Strings)) {
      throw ServingError.invalid("Expected classes Tensor of DT_STRING.");
    }
    float[] scoreValues = scores == null ? null : floats(scores, "scores");
    out.writeStartObject();
    out.writeArrayFieldStart("results");
    for (int i = 0; i < examples; i++) {
      out.writeStartArray();
      for (int c = 0; c < numClasses; c++) {
        int at = (int) (i * numClasses + c);
        out.writeStartArray();
        out.writeString(classes == null ? ""
            : new String(((TensorValue.Strings) classes).values().get(at), StandardCharsets.UTF_8));
        out.writeNumber(TfJsonNumbers.formatFloat(scoreValues == null ? 0f : scoreValues[at]));
        out.writeEndArray();
      }
      out.writeEndArray();
    }
    out.writeEndArray();
    out.writeEndObject();
  }

  private static float[] floats(TensorValue value, String what) {
    if (!(value instanceof TensorValue.Numbers n) || n.dtype() != DataType.DT_FLOAT
        || n.array().dtype() != Npy.DType.FLOAT32) {
      throw ServingError.invalid("Expected " + what + " Tensor of DT_FLOAT.");
    }
    return n.array().toFloats();
  }
}
