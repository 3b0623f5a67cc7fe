package org.introdl.savedmodels;

import org.introdl.savedmodels.values.JsonText;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.introdl.core.UserError;

/**
 * A reference file for {@code savedmodel compare}: inputs and the outputs Python computed from them. Schema (see
 * docs/saved-models.md):
 *
 * <pre>{@code
 * {"signature": "serving_default",          // optional, default serving_default
 *  "tag": "serve",                          // optional, default serve
 *  "rtol": 1e-5, "atol": 1e-6,              // optional tolerances (command-line options win)
 *  "inputs":  {"x": {"dtype": "float32", "shape": [3, 1], "data": [[1.0], [2.0], [3.0]]}},
 *  "outputs": {"y": {"dtype": "float32", "shape": [3, 1], "data": [[2.5], [3.0], [3.5]]}}}
 * }</pre>
 *
 * An array may also be a bare nested list; it then takes the dtype the signature declares.
 */
public record Reference(Path file, Optional<String> signature, Optional<String> tag, Optional<Double> rtol,
    Optional<Double> atol, Map<String, JsonNode> inputs, Map<String, JsonNode> outputs) {
  /**
   * A reference file larger than this is refused before it is parsed: a JSON tree costs about ten times the
   * text in memory. Models with large inputs are better compared on a few samples.
   */
  public static final long MAX_BYTES = 64L * 1024 * 1024;

  public static Reference read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw UserError.inFile(file, Files.exists(file) ? "not a regular file" : "not found");
    }
    JsonNode root;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw UserError.inFile(file, "reference file too large (" + Files.size(file) + " bytes; the limit is "
            + MAX_BYTES + "): compare on fewer samples");
      }
      root = JsonText.parse(ModelInputs.JSON, Files.readString(file), file.toString());
    } catch (java.nio.charset.MalformedInputException e) {
      throw UserError.inFile(file, "not UTF-8 text (a reference file is JSON)");
    } catch (IOException e) {
      throw UserError.inFile(file, "cannot read (" + e.getMessage() + ")");
    }
    if (root == null || !root.isObject()) {
      throw UserError.inFile(file, "a reference file is a JSON object with \"inputs\" and \"outputs\"");
    }
    return new Reference(file, text(root, "signature", file), text(root, "tag", file), number(root, "rtol", file),
        number(root, "atol", file), arrays(root, "inputs", file), arrays(root, "outputs", file));
  }

  private static Optional<String> text(JsonNode root, String field, Path file) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isTextual()) {
      throw UserError.inFile(file, "\"" + field + "\" must be a string");
    }
    return Optional.of(n.asText());
  }

  private static Optional<Double> number(JsonNode root, String field, Path file) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isNumber() || n.asDouble() < 0) {
      throw UserError.inFile(file, "\"" + field + "\" must be a non-negative number");
    }
    return Optional.of(n.asDouble());
  }

  private static Map<String, JsonNode> arrays(JsonNode root, String field, Path file) {
    JsonNode n = root.get(field);
    if (n == null || !n.isObject()) {
      throw UserError.inFile(file, "needs an object \"" + field + "\" mapping each key to an array");
    }
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), e.getValue());
    }
    if (field.equals("outputs") && out.isEmpty()) {
      throw UserError.inFile(file, "\"outputs\" is empty: nothing to compare");
    }
    return out;
  }
}
