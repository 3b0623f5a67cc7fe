package org.introdl.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.introdl.core.UserError;
import org.introdl.core.safety.Bytes;
import org.introdl.core.safety.RunLimits;

/**
 * The models to serve, from {@code --model NAME=PATH} options or from a {@code --config} file: TensorFlow Serving's
 * {@code ModelServerConfig} written as JSON with its field names, plus this server's safety fields:
 * <pre>{@code
 * {"model_config_list": {"config": [
 *   {"name": "half", "base_path": "models/half",
 *    "model_version_policy": {"latest": {"num_versions": 1}},   // or {"all": {}}, {"specific": {"versions": [1, 2]}}
 *    "version_labels": {"stable": 1, "canary": 2},
 *    "allow_unsafe_ops": false, "max_memory": "2g"}]}}
 * }</pre>
 * A relative {@code base_path} is read from the config file's folder.
 */
public final class ServeConfig {
  private static final Set<String> FIELDS = Set.of("name", "base_path", "model_platform", "model_version_policy",
      "version_labels", "allow_unsafe_ops", "max_memory");

  private ServeConfig() {}

  /** One model per {@code NAME=PATH}, all under the same limits, served with TF Serving's default policy. */
  public static List<ModelConfig> fromOptions(List<String> models, RunLimits limits) {
    List<ModelConfig> configs = new ArrayList<>();
    for (String option : models) {
      int eq = option.indexOf('=');
      if (eq <= 0 || eq == option.length() - 1) {
        throw new UserError("--model '" + option + "': expected NAME=PATH, e.g. half_plus_two=models/half_plus_two");
      }
      String name = option.substring(0, eq);
      requireName(name, "--model '" + option + "'");
      configs.add(new ModelConfig(name, Path.of(option.substring(eq + 1)), new ModelConfig.VersionPolicy.Latest(1),
          Map.of(), limits));
    }
    return configs;
  }

  /** The models of a config file; {@code defaults} gives the limits a model does not set itself. */
  public static List<ModelConfig> fromFile(Path file, RunLimits defaults) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(file));
    } catch (java.nio.file.NoSuchFileException e) {
      throw UserError.inFile(file, "not found");
    } catch (IOException e) {
      throw UserError.inFile(file, "not valid JSON (" + firstLine(e.getMessage()) + ")");
    }
    JsonNode list = root == null ? null : root.path("model_config_list").get("config");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw UserError.inFile(file, "expected {\"model_config_list\": {\"config\": [{\"name\": ..., \"base_path\": "
          + "...}]}}");
    }
    Path folder = file.toAbsolutePath().getParent();
    List<ModelConfig> configs = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      configs.add(model(list.get(i), folder, defaults, file + ": config[" + i + "]"));
    }
    return configs;
  }

  private static ModelConfig model(JsonNode node, Path folder, RunLimits defaults, String where) {
    if (!node.isObject()) {
      throw new UserError(where + ": expected an object with name and base_path");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!FIELDS.contains(field)) {
        throw new UserError(where + ": unknown field '" + field + "' (known: " + String.join(", ",
            new java.util.TreeSet<>(FIELDS)) + ")");
      }
    }
    String name = text(node, "name", where);
    requireName(name, where);
    Path base = folder.resolve(text(node, "base_path", where));
    if (node.has("model_platform") && !node.get("model_platform").asText().equals("tensorflow")) {
      throw new UserError(where + ": model_platform must be \"tensorflow\"");
    }
    long budget = defaults.memoryBudgetBytes();
    if (node.has("max_memory")) {
      try {
        budget = Bytes.parse(node.get("max_memory").asText());
      } catch (IllegalArgumentException e) {
        throw new UserError(where + ": max_memory: " + e.getMessage());
      }
    }
    boolean unsafe = node.has("allow_unsafe_ops") ? bool(node, "allow_unsafe_ops", where) : defaults.allowUnsafeOps();
    return new ModelConfig(name, base, policy(node.get("model_version_policy"), where), labels(node, where),
        new RunLimits(unsafe, budget, defaults.timeout()));
  }

  private static ModelConfig.VersionPolicy policy(JsonNode node, String where) {
    if (node == null) {
      return new ModelConfig.VersionPolicy.Latest(1);
    }
    if (node.has("latest")) {
      int count = node.get("latest").path("num_versions").asInt(1);
      if (count < 1) {
        throw new UserError(where + ": model_version_policy.latest.num_versions must be 1 or more");
      }
      return new ModelConfig.VersionPolicy.Latest(count);
    }
    if (node.has("all")) {
      return new ModelConfig.VersionPolicy.All();
    }
    JsonNode versions = node.path("specific").get("versions");
    if (versions != null && versions.isArray() && !versions.isEmpty()) {
      List<Long> list = new ArrayList<>();
      versions.forEach(v -> list.add(version(v, where + ": model_version_policy.specific.versions")));
      return new ModelConfig.VersionPolicy.Specific(list);
    }
    throw new UserError(where + ": model_version_policy must be {\"latest\": {\"num_versions\": N}}, {\"all\": {}} "
        + "or {\"specific\": {\"versions\": [...]}}");
  }

  private static Map<String, Long> labels(JsonNode node, String where) {
    Map<String, Long> labels = new LinkedHashMap<>();
    JsonNode map = node.get("version_labels");
    if (map == null) {
      return labels;
    }
    if (!map.isObject()) {
      throw new UserError(where + ": version_labels must map label names to version numbers");
    }
    map.fields().forEachRemaining(e -> labels.put(e.getKey(), version(e.getValue(), where + ": version_labels."
        + e.getKey())));
    return labels;
  }

  /** A version number: JSON writes int64 as a number or, as protobuf does, a string of digits. */
  private static long version(JsonNode v, String where) {
    String text = v.asText();
    if (!(v.isIntegralNumber() || v.isTextual()) || !text.matches("\\d{1,18}")) {
      throw new UserError(where + ": " + v + " is not a version number");
    }
    return Long.parseLong(text);
  }

  private static String text(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new UserError(where + ": '" + field + "' must be a non-empty string");
    }
    return v.asText();
  }

  private static boolean bool(JsonNode node, String field, String where) {
    if (!node.get(field).isBoolean()) {
      throw new UserError(where + ": '" + field + "' must be true or false");
    }
    return node.get(field).asBoolean();
  }

  /** A name that fits in the URL path as TF Serving matches it: no '/' or ':'. */
  private static void requireName(String name, String where) {
    if (name.contains("/") || name.contains(":") || name.isBlank()) {
      throw new UserError(where + ": a model name cannot be empty or hold '/' or ':'");
    }
  }

  private static String firstLine(String s) {
    int nl = s == null ? -1 : s.indexOf('\n');
    return s == null ? "" : nl < 0 ? s : s.substring(0, nl);
  }
}
