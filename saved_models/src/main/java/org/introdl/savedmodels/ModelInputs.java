package org.introdl.savedmodels;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.introdl.core.UserError;
import org.introdl.core.io.Npy;

/**
 * The values a user feeds, checked against what the model expects before anything runs: every expected key given
 * once, no extra key, a dtype the model takes, a shape that fits. Each value is {@code key=JSON} or
 * {@code key=@file.npy}.
 */
public final class ModelInputs {
  /** Strict: trailing content after the value ("[[1]], [2]") is an error, not silently dropped. */
  static final ObjectMapper JSON =
      new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private ModelInputs() {}

  /** Splits {@code key=value} options, rejecting malformed and repeated keys. */
  public static Map<String, String> parseOptions(List<String> options) {
    Map<String, String> raw = new LinkedHashMap<>();
    for (String option : options) {
      int eq = option.indexOf('=');
      if (eq <= 0) {
        throw new UserError("--input '" + option + "': expected key=JSON or key=@file.npy");
      }
      String key = option.substring(0, eq);
      if (raw.put(key, option.substring(eq + 1)) != null) {
        throw new UserError("--input " + key + " is given twice");
      }
    }
    return raw;
  }

  /** Resolves every raw value to an array and checks the set against {@code expected}. */
  public static Map<String, Npy.Array> resolve(Map<String, String> raw, Map<String, TensorSpec> expected,
      String what) {
    Map<String, Npy.Array> arrays = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : raw.entrySet()) {
      TensorSpec spec = expected.get(e.getKey());
      if (spec == null) {
        continue;
      }
      arrays.put(e.getKey(), read(e.getKey(), e.getValue(), spec));
    }
    check(arrays, raw.keySet(), expected, what);
    return arrays;
  }

  /** Checks given arrays (already read) against {@code expected}: keys, dtypes, shapes. */
  public static void check(Map<String, Npy.Array> arrays, java.util.Set<String> givenKeys,
      Map<String, TensorSpec> expected, String what) {
    List<String> missing = new ArrayList<>(new TreeSet<>(expected.keySet()));
    missing.removeAll(givenKeys);
    List<String> extra = new ArrayList<>(new TreeSet<>(givenKeys));
    extra.removeAll(expected.keySet());
    if (!missing.isEmpty() || !extra.isEmpty()) {
      throw new UserError(what + ": " + (missing.isEmpty() ? "" : "missing input " + String.join(", ", missing))
          + (missing.isEmpty() || extra.isEmpty() ? "" : "; ")
          + (extra.isEmpty() ? "" : "unknown input " + String.join(", ", extra)) + "; it expects "
          + describe(expected));
    }
    for (Map.Entry<String, Npy.Array> e : arrays.entrySet()) {
      TensorSpec spec = expected.get(e.getKey());
      Npy.Array a = e.getValue();
      Npy.DType want = spec.npyType().orElseThrow(() -> new UserError(what + ": input " + spec.describe()
          + " has a dtype that cannot be fed from JSON or .npy (float32, float64, int32, int64, bool, uint8 can)"));
      if (a.dtype() != want) {
        throw new UserError(what + ": input " + e.getKey() + " is " + Dtypes.name(a.dtype()) + " but the model expects "
            + spec.describe());
      }
      if (!spec.accepts(a.shape())) {
        throw new UserError(what + ": input " + e.getKey() + " has shape " + TensorSpec.shapeText(a.shape())
            + " but the model expects " + spec.describe());
      }
    }
  }

  static String describe(Map<String, TensorSpec> expected) {
    return expected.isEmpty() ? "no inputs"
        : String.join(", ", expected.values().stream().map(TensorSpec::describe).toList());
  }

  private static JsonNode readJsonFile(Path file) throws JsonProcessingException {
    try {
      if (!java.nio.file.Files.isRegularFile(file)) {
        throw UserError.inFile(file, "not found");
      }
      if (java.nio.file.Files.size(file) > Reference.MAX_BYTES) {
        throw UserError.inFile(file, "too large for a JSON input; use a .npy file");
      }
      return JSON.readTree(java.nio.file.Files.readString(file));
    } catch (JsonProcessingException e) {
      throw e;
    } catch (java.io.IOException e) {
      throw UserError.inFile(file, "cannot read (" + e.getMessage() + ")");
    }
  }

  private static Npy.Array read(String key, String value, TensorSpec spec) {
    if (value.startsWith("@") && !value.endsWith(".json")) {
      return Npy.read(Path.of(value.substring(1)));
    }
    Npy.DType dtype = spec.npyType().orElseThrow(() -> new UserError("--input " + key + ": the model expects "
        + spec.describe() + ", which cannot be fed from JSON"));
    JsonNode node;
    try {
      node = value.startsWith("@") ? readJsonFile(Path.of(value.substring(1))) : JSON.readTree(value);
    } catch (JsonProcessingException e) {
      throw new UserError("--input " + key + (value.startsWith("@") ? " (" + value.substring(1) + ")" : "")
          + ": not valid JSON (" + e.getOriginalMessage() + ")");
    }
    if (node == null || node.isMissingNode()) {
      throw new UserError("--input " + key + ": empty value");
    }
    return ArrayJson.parse(node, dtype, "--input " + key);
  }
}
