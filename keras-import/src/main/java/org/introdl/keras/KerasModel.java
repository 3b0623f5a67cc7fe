package org.introdl.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.introdl.core.UserError;

/**
 * A model's topology as its config describes it, in one form for every Keras version: the layers (each with the
 * tensors it is called on) and the model's input and output tensors. A Sequential model becomes a chain: an input
 * layer, then each layer called on the one before, which is what Keras does when it builds one.
 */
public record KerasModel(String name, String className, List<Layer> layers, List<TensorRef> inputs,
    List<TensorRef> outputs) {

  /** The {@code tensor}-th output of the {@code node}-th call of layer {@code layer}. */
  public record TensorRef(String layer, int node, int tensor) {}

  /**
   * One layer: its name, class, config and the calls made on it (each call a list of input tensors). A layer that
   * is itself a model carries its parsed topology in {@code nested}.
   */
  public record Layer(String name, String className, JsonNode config, JsonNode raw, List<List<TensorRef>> calls,
      KerasModel nested) {
    public boolean isInput() {
      return className.equals("InputLayer");
    }
  }

  public static final java.util.Set<String> MODEL_CLASSES = java.util.Set.of("Sequential", "Functional", "Model");

  /** Parses {@code {"class_name": ..., "config": ...}}. */
  public static KerasModel parse(JsonNode root, String where) {
    String className = text(root, "class_name");
    JsonNode config = root.get("config");
    if (className == null || config == null) {
      throw new UserError(where + ": the config has no class_name/config: not a Keras model config");
    }
    if (className.equals("Sequential")) {
      return sequential(config, where);
    }
    if (className.equals("Functional") || className.equals("Model")) {
      return functional(className, config, where);
    }
    throw new UserError(where + ": the model is a " + describeClass(root)
        + ", a subclassed model whose forward pass is Python code (call()) that is not in the file;"
        + " only Sequential and Functional models can be imported");
  }

  static String describeClass(JsonNode layer) {
    String registered = text(layer, "registered_name");
    String className = text(layer, "class_name");
    return registered != null && !registered.equals(className) ? "custom class '" + registered + "'"
        : "class '" + className + "'";
  }

  private static KerasModel sequential(JsonNode config, String where) {
    JsonNode list = config.isArray() ? config : config.get("layers");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw new UserError(where + ": a Sequential config without layers");
    }
    String name = config.isObject() && config.has("name") ? config.get("name").asText() : "sequential";
    List<Layer> layers = new ArrayList<>();
    JsonNode first = list.get(0);
    String previous;
    int start = 0;
    if ("InputLayer".equals(text(first, "class_name"))) {
      previous = layerName(first, 0);
      layers.add(new Layer(previous, "InputLayer", first.get("config"), first, List.of(), null));
      start = 1;
    } else {
      JsonNode firstConfig = first.get("config");
      JsonNode shape = batchShape(firstConfig);
      if (shape == null) {
        JsonNode build = config.isObject() ? config.get("build_input_shape") : null;
        shape = build != null && build.isArray() ? build : null;
      }
      previous = layerName(first, 0) + "_input";
      ObjectNode inputConfig = JsonNodeFactory.instance.objectNode();
      if (shape != null) {
        // Without one, the model can still be nested (called on a tensor); at the top it is refused when built.
        inputConfig.set("batch_input_shape", shape);
      }
      inputConfig.put("name", previous);
      JsonNode dtype = firstConfig.get("dtype");
      inputConfig.put("dtype", dtype != null && dtype.isTextual() ? dtype.asText()
          : firstConfig.path("input_dtype").asText("float32"));
      layers.add(new Layer(previous, "InputLayer", inputConfig, null, List.of(), null));
    }
    for (int i = start; i < list.size(); i++) {
      JsonNode l = list.get(i);
      String layerName = layerName(l, i);
      List<List<TensorRef>> calls = List.of(List.of(new TensorRef(previous, 0, 0)));
      layers.add(new Layer(layerName, text(l, "class_name"), l.get("config"), l, calls, nestedModel(l, where)));
      previous = layerName;
    }
    return new KerasModel(name, "Sequential", layers, List.of(new TensorRef(layers.get(0).name(), 0, 0)),
        List.of(new TensorRef(previous, 0, 0)));
  }

  private static KerasModel functional(String className, JsonNode config, String where) {
    JsonNode list = config.get("layers");
    if (list == null || !list.isArray()) {
      throw new UserError(where + ": a functional config without layers");
    }
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode l = list.get(i);
      String layerName = layerName(l, i);
      List<List<TensorRef>> calls = new ArrayList<>();
      for (JsonNode node : l.path("inbound_nodes")) {
        calls.add(inbound(node, layerName, where));
      }
      layers.add(new Layer(layerName, text(l, "class_name"), l.get("config"), l, calls, nestedModel(l, where)));
    }
    return new KerasModel(config.path("name").asText("model"), className, layers,
        refs(config.get("input_layers"), where), refs(config.get("output_layers"), where));
  }

  /** A layer that is itself a model (a Sequential inside a Functional model, say). */
  private static KerasModel nestedModel(JsonNode layer, String where) {
    String className = text(layer, "class_name");
    if (className != null && MODEL_CLASSES.contains(className)) {
      ObjectNode root = JsonNodeFactory.instance.objectNode();
      root.put("class_name", className);
      root.set("config", layer.get("config"));
      return parse(root, where + " layer '" + layerName(layer, 0) + "'");
    }
    return null;
  }

  /**
   * One call of a layer. Keras 1/2 write {@code [[name, node, tensor, kwargs], ...]}; Keras 3 writes
   * {@code {"args": [...], "kwargs": {...}}} with each tensor as {@code {"class_name": "__keras_tensor__",
   * "config": {"keras_history": [name, node, tensor]}}}, possibly inside nested lists.
   */
  private static List<TensorRef> inbound(JsonNode node, String layer, String where) {
    List<TensorRef> refs = new ArrayList<>();
    if (node.isObject()) {
      collectKerasTensors(node.get("args"), refs);
      JsonNode kwargs = node.get("kwargs");
      if (kwargs != null) {
        List<TensorRef> extra = new ArrayList<>();
        kwargs.fields().forEachRemaining(e -> {
          if (!e.getKey().equals("mask")) {
            collectKerasTensors(e.getValue(), extra);
          }
        });
        if (!extra.isEmpty()) {
          throw new UserError(where + ": layer '" + layer + "' is called with tensors as keyword arguments"
              + " (such as initial_state), which this importer does not support");
        }
      }
      return refs;
    }
    for (JsonNode t : node) {
      refs.add(new TensorRef(t.get(0).asText(), t.get(1).asInt(), t.get(2).asInt()));
    }
    return refs;
  }

  private static void collectKerasTensors(JsonNode node, List<TensorRef> out) {
    if (node == null) {
      return;
    }
    if (node.isArray()) {
      node.forEach(n -> collectKerasTensors(n, out));
    } else if (node.isObject() && "__keras_tensor__".equals(text(node, "class_name"))) {
      JsonNode h = node.path("config").path("keras_history");
      out.add(new TensorRef(h.get(0).asText(), h.get(1).asInt(), h.get(2).asInt()));
    }
  }

  /** {@code [[name, node, tensor], ...]}, or Keras 3's single {@code [name, node, tensor]}. */
  private static List<TensorRef> refs(JsonNode node, String where) {
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw new UserError(where + ": a functional config without input_layers/output_layers");
    }
    List<TensorRef> out = new ArrayList<>();
    if (node.get(0).isTextual()) {
      out.add(new TensorRef(node.get(0).asText(), node.get(1).asInt(), node.get(2).asInt()));
    } else {
      for (JsonNode t : node) {
        out.add(new TensorRef(t.get(0).asText(), t.get(1).asInt(), t.get(2).asInt()));
      }
    }
    return out;
  }

  static JsonNode batchShape(JsonNode config) {
    for (String key : new String[] {"batch_shape", "batch_input_shape"}) {
      JsonNode s = config == null ? null : config.get(key);
      if (s != null && s.isArray()) {
        return s;
      }
    }
    return null;
  }

  private static String layerName(JsonNode layer, int index) {
    String name = text(layer, "name");
    if (name == null) {
      name = layer.path("config").path("name").asText(null);
    }
    return name != null ? name : "layer_" + index;
  }

  static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }
}
