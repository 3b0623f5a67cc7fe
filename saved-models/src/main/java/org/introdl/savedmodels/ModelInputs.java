package org.introdl.savedmodels;

import org.introdl.savedmodels.values.ArrayJson;
import org.introdl.savedmodels.values.Dtypes;
import org.introdl.savedmodels.values.JsonText;
import org.introdl.savedmodels.values.StringNpy;
import org.introdl.savedmodels.values.TensorSpec;
import org.introdl.savedmodels.values.TensorValue;
import org.introdl.savedmodels.values.TfExamples;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.introdl.core.UserError;
import org.introdl.core.io.Npy;

/**
 * The values a user feeds, checked against what the model expects before anything runs: every expected key given
 * once, no extra key, a dtype the model takes, a shape that fits. Each value is {@code key=JSON} or
 * {@code key=@file.npy}; the {@code key=} may be left out when the model has one input.
 */
public final class ModelInputs {
  /** Strict: trailing content after the value ("[[1]], [2]") is an error, not silently dropped. */
  static final ObjectMapper JSON =
      new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** The key of an input given without {@code key=}: the model's one input, named once the inputs are known. */
  static final String UNNAMED = "";

  private ModelInputs() {}

  /**
   * Splits {@code key=value} options, rejecting malformed and repeated keys. A value that starts like JSON
   * ({@code [}, <code>{</code>) or a file ({@code @}) may come without its key: it is then the model's one input.
   */
  public static Map<String, String> parseOptions(List<String> options) {
    Map<String, String> raw = new LinkedHashMap<>();
    for (String option : options) {
      boolean unnamed = option.startsWith("[") || option.startsWith("{") || option.startsWith("@");
      int eq = option.indexOf('=');
      if (!unnamed && eq <= 0) {
        throw new UserError("--input '" + option + "': expected key=JSON or key=@file.npy");
      }
      String key = unnamed ? UNNAMED : option.substring(0, eq);
      if (raw.put(key, unnamed ? option : option.substring(eq + 1)) != null) {
        throw new UserError(key.equals(UNNAMED) ? "--input without key= is given twice"
            : "--input " + key + " is given twice");
      }
    }
    return raw;
  }

  /** {@code raw} with an input given without its key named after the model's one input. */
  public static Map<String, String> named(Map<String, String> raw, Map<String, TensorSpec> expected, String what) {
    if (!raw.containsKey(UNNAMED)) {
      return raw;
    }
    if (expected.size() != 1) {
      throw new UserError(what + ": --input without key= is only for a model with one input; this one takes "
          + describe(expected) + " (give each as key=VALUE)");
    }
    String key = expected.keySet().iterator().next();
    if (raw.containsKey(key)) {
      throw new UserError("--input " + key + " is given twice (with and without key=)");
    }
    Map<String, String> out = new LinkedHashMap<>();
    raw.forEach((k, v) -> out.put(k.equals(UNNAMED) ? key : k, v));
    return out;
  }

  /**
   * One {@code --call SIG[:KEY=VALUE,KEY=VALUE...]}: the signature and its inputs, each value JSON (which may hold
   * commas), {@code @file.npy} or {@code @file.json} (a file name ends at the next comma).
   */
  public static SignatureRunner.Call parseCall(String option) {
    int colon = option.indexOf(':');
    String signature = colon < 0 ? option : option.substring(0, colon);
    if (signature.isBlank()) {
      throw new UserError("--call '" + option + "': expected SIGNATURE or SIGNATURE:KEY=VALUE,...");
    }
    List<String> inputs = new ArrayList<>();
    String rest = colon < 0 ? "" : option.substring(colon + 1);
    int at = 0;
    while (at < rest.length()) {
      int eq = rest.indexOf('=', at);
      if (eq <= at) {
        throw new UserError("--call '" + option + "': expected KEY=VALUE at character " + (colon + 2 + at));
      }
      int end = rest.charAt(eq + 1 < rest.length() ? eq + 1 : eq) == '@' ? endOfFileName(rest, eq + 1)
          : endOfJson(rest, eq + 1, option);
      inputs.add(rest.substring(at, end).strip());
      if (end < rest.length() && rest.charAt(end) != ',') {
        throw new UserError("--call '" + option + "': expected ',' between inputs at character "
            + (colon + 2 + end));
      }
      at = end + 1;
    }
    return new SignatureRunner.Call(signature.strip(), parseOptions(inputs));
  }

  private static int endOfFileName(String text, int from) {
    int comma = text.indexOf(',', from);
    return comma < 0 ? text.length() : comma;
  }

  /** The index just after the one JSON value that starts at {@code from}. */
  private static int endOfJson(String text, int from, String option) {
    String value = text.substring(from);
    try (com.fasterxml.jackson.core.JsonParser parser = JSON.getFactory().createParser(value)) {
      if (parser.nextToken() == null) {
        throw new UserError("--call '" + option + "': an input has no value");
      }
      parser.skipChildren();
      parser.finishToken(); // a string's end is only found when its text is read
      return from + (int) parser.currentLocation().getCharOffset();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UserError("--call '" + option + "': not valid JSON: " + JsonText.plain(e.getOriginalMessage()));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("reading a string cannot fail", e);
    }
  }

  /** Resolves every raw value to an array and checks the set against {@code expected}. */
  public static Map<String, Npy.Array> resolve(Map<String, String> given, Map<String, TensorSpec> expected,
      String what) {
    return resolve(given, expected, what, Set.of());
  }

  /**
   * Like {@link #resolve(Map, Map, String)}; the inputs named in {@code fitByCount} (where the model's graph
   * contradicts its signature) are fed in the expected shape when their element count fits it
   * ({@link TensorSpec#fittedByCount}).
   */
  public static Map<String, Npy.Array> resolve(Map<String, String> given, Map<String, TensorSpec> expected,
      String what, Set<String> fitByCount) {
    Map<String, String> raw = named(given, expected, what);
    Map<String, Npy.Array> arrays = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : raw.entrySet()) {
      TensorSpec spec = expected.get(e.getKey());
      if (spec == null) {
        continue;
      }
      Npy.Array array = read(e.getKey(), e.getValue(), spec);
      arrays.put(e.getKey(), fitByCount.contains(e.getKey()) ? spec.fittedByCount(array) : array);
    }
    check(arrays, raw.keySet(), expected, what, sources(raw));
    return arrays;
  }

  /**
   * Like {@link #resolve}, for every dtype a signature can take: numbers as arrays, {@code string} inputs from JSON
   * strings ({@code "b64:..."} for raw bytes) or from an {@code .npy} file of NumPy bytes or unicode strings.
   */
  public static Map<String, TensorValue> resolveValues(Map<String, String> given,
      Map<String, TensorSpec> expected, String what) {
    return resolveValues(given, expected, what, Set.of());
  }

  /** Like {@link #resolveValues(Map, Map, String)}, with {@code fitByCount} as for {@link #resolve}. */
  public static Map<String, TensorValue> resolveValues(Map<String, String> given,
      Map<String, TensorSpec> expected, String what, Set<String> fitByCount) {
    Map<String, String> raw = named(given, expected, what);
    Map<String, TensorValue> values = new LinkedHashMap<>();
    Map<String, Npy.Array> arrays = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : raw.entrySet()) {
      TensorSpec spec = expected.get(e.getKey());
      if (spec == null) {
        continue;
      }
      if (spec.isString()) {
        values.put(e.getKey(), readStrings(e.getKey(), e.getValue()));
      } else {
        Npy.Array asGiven = read(e.getKey(), e.getValue(), spec);
        Npy.Array array = fitByCount.contains(e.getKey()) ? spec.fittedByCount(asGiven) : asGiven;
        arrays.put(e.getKey(), array);
        values.put(e.getKey(), new TensorValue.Numbers(array));
      }
    }
    check(arrays, raw.keySet(), expected, what, sources(raw));
    values.forEach((key, value) -> {
      if (value instanceof TensorValue.Strings && !expected.get(key).accepts(value.shape())) {
        throw new UserError(what + ": input " + key + sources(raw).getOrDefault(key, "") + " has shape "
            + TensorSpec.shapeText(value.shape()) + " but the model expects " + expected.get(key).describe());
      }
    });
    return values;
  }

  /** Checks given arrays (already read) against {@code expected}: keys, dtypes, shapes. */
  public static void check(Map<String, Npy.Array> arrays, java.util.Set<String> givenKeys,
      Map<String, TensorSpec> expected, String what) {
    check(arrays, givenKeys, expected, what, Map.of());
  }

  /** " (from x.npy)" for each key whose value was read from a file, so that errors name the file. */
  private static Map<String, String> sources(Map<String, String> raw) {
    Map<String, String> sources = new LinkedHashMap<>();
    raw.forEach((k, v) -> {
      if (v.startsWith("@")) {
        sources.put(k, " (from " + v.substring(1) + ")");
      }
    });
    return sources;
  }

  private static void check(Map<String, Npy.Array> arrays, java.util.Set<String> givenKeys,
      Map<String, TensorSpec> expected, String what, Map<String, String> sources) {
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
      String input = "input " + e.getKey() + sources.getOrDefault(e.getKey(), "");
      Npy.DType want = spec.npyType().orElseThrow(() -> new UserError(what + ": input " + spec.describe()
          + " has a dtype that cannot be fed from JSON or .npy (float32, float64, int32, int64, bool, uint8 and "
          + "string can)"));
      if (a.dtype() != want) {
        throw new UserError(what + ": " + input + " is " + Dtypes.name(a.dtype()) + " but the model expects "
            + spec.describe());
      }
      if (!spec.accepts(a.shape())) {
        throw new UserError(what + ": " + input + " has shape " + TensorSpec.shapeText(a.shape())
            + " but the model expects " + spec.describe());
      }
    }
  }

  static String describe(Map<String, TensorSpec> expected) {
    return expected.isEmpty() ? "no inputs"
        : String.join(", ", expected.values().stream().map(TensorSpec::describe).toList());
  }

  private static JsonNode readJsonFile(Path file) {
    try {
      if (!java.nio.file.Files.isRegularFile(file)) {
        throw UserError.inFile(file, "not found");
      }
      if (java.nio.file.Files.size(file) > Reference.MAX_BYTES) {
        throw UserError.inFile(file, "too large for a JSON input; use a .npy file");
      }
      return JsonText.parse(JSON, java.nio.file.Files.readString(file), file.toString());
    } catch (java.io.IOException e) {
      throw UserError.inFile(file, "cannot read (" + e.getMessage() + ")");
    }
  }

  /** The JSON of {@code --input key=VALUE}: inline, or from {@code @file.json}. */
  private static JsonNode readJson(String key, String value) {
    JsonNode node = value.startsWith("@") ? readJsonFile(Path.of(value.substring(1)))
        : JsonText.parse(JSON, value, "--input " + key);
    if (node == null || node.isMissingNode()) {
      throw new UserError("--input " + key + ": empty value");
    }
    return node;
  }

  private static boolean isNpyFile(String value) {
    return value.startsWith("@") && !value.endsWith(".json");
  }

  private static Npy.Array read(String key, String value, TensorSpec spec) {
    if (isNpyFile(value)) {
      return Npy.read(Path.of(value.substring(1)));
    }
    Npy.DType dtype = spec.npyType().orElseThrow(() -> new UserError("--input " + key + ": the model expects "
        + spec.describe() + ", which cannot be fed from JSON"));
    return ArrayJson.parse(readJson(key, value), dtype,
        "--input " + key + (value.startsWith("@") ? " (" + value.substring(1) + ")" : ""));
  }

  private static TensorValue.Strings readStrings(String key, String value) {
    if (isNpyFile(value)) {
      return StringNpy.read(Path.of(value.substring(1)));
    }
    String where = "--input " + key + (value.startsWith("@") ? " (" + value.substring(1) + ")" : "");
    JsonNode node = readJson(key, value);
    return TfExamples.looksLikeExamples(node) ? TfExamples.parse(node, where) : ArrayJson.parseStrings(node, where);
  }
}
