package org.introdl.keras;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A layer's config with the spellings of every Keras version: Keras 1 wrote {@code output_dim}, {@code nb_filter},
 * {@code border_mode}, {@code subsample}, {@code dim_ordering} ("tf"/"th") where Keras 2 and 3 write {@code units},
 * {@code filters}, {@code padding}, {@code strides}, {@code data_format}.
 */
record LayerConfig(JsonNode json, String layer) {

  boolean has(String key) {
    JsonNode v = json.get(key);
    return v != null && !v.isNull();
  }

  String string(String key, String fallback) {
    JsonNode v = json.get(key);
    return v != null && v.isTextual() ? v.asText() : fallback;
  }

  boolean bool(String key, boolean fallback) {
    JsonNode v = json.get(key);
    return v != null && v.isBoolean() ? v.asBoolean() : fallback;
  }

  double number(String key, double fallback) {
    JsonNode v = json.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (v.isNumber()) {
      return v.asDouble();
    }
    // Keras 3 may serialise a scalar as a tensor: {"class_name": "__tensor__", "config": {"value": [0.0]}}.
    JsonNode value = v.path("config").path("value");
    while (value.isArray() && !value.isEmpty()) {
      value = value.get(0);
    }
    return value.isNumber() ? value.asDouble() : fallback;
  }

  int integer(String key, int fallback) {
    JsonNode v = json.get(key);
    return v != null && v.isNumber() ? v.asInt() : fallback;
  }

  /** An int or a list of ints, as {@code n} ints (an int is repeated). */
  int[] ints(String key, int n, int fallback) {
    JsonNode v = json.get(key);
    int[] out = new int[n];
    if (v == null || v.isNull()) {
      java.util.Arrays.fill(out, fallback);
    } else if (v.isNumber()) {
      java.util.Arrays.fill(out, v.asInt());
    } else {
      for (int i = 0; i < n; i++) {
        out[i] = v.get(Math.min(i, v.size() - 1)).asInt();
      }
    }
    return out;
  }

  int units() {
    return has("units") ? integer("units", 0) : integer("output_dim", 0);
  }

  boolean useBias() {
    return has("use_bias") ? bool("use_bias", true) : bool("bias", true);
  }

  /** The activation's name: a string, or Keras 3's {"class_name": "function", "config": "relu"}. */
  String activation(String key, String fallback) {
    JsonNode v = json.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (v.isTextual()) {
      return v.asText();
    }
    JsonNode c = v.get("config");
    if (c != null && c.isTextual()) {
      return c.asText();
    }
    if (c != null && c.has("name")) {
      return c.get("name").asText();
    }
    return v.path("class_name").asText(fallback);
  }

  boolean channelsFirst() {
    String format = string("data_format", null);
    if (format != null) {
      return format.equals("channels_first");
    }
    return "th".equals(string("dim_ordering", "tf"));
  }

  String padding() {
    return string("padding", string("border_mode", "valid"));
  }

  int[] strides(int n) {
    if (has("strides")) {
      return ints("strides", n, 1);
    }
    if (has("subsample_length")) {
      return ints("subsample_length", n, 1);
    }
    return ints("subsample", n, 1);
  }

  int[] dilation(int n) {
    return has("dilation_rate") ? ints("dilation_rate", n, 1) : ints("atrous_rate", n, 1);
  }
}
