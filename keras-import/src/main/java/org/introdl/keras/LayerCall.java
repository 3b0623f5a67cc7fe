package org.introdl.keras;

import java.util.List;
import org.introdl.core.UserError;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * One call of one layer while the graph is built: the layer's config, the tensors it is called on (and their
 * masks), its weights as read from the file, and the ops to build with (scoped to the layer's name).
 */
final class LayerCall {
  final Ops tf;
  final KerasModel.Layer layer;
  final LayerConfig config;
  final List<Operand<? extends TType>> inputs;
  final List<Operand<TBool>> inputMasks;
  final int kerasMajor;
  final String backend;
  private final List<WeightArray> weights;
  private final KerasGraph.VariableFactory variables;

  LayerCall(Ops tf, KerasModel.Layer layer, List<Operand<? extends TType>> inputs, List<Operand<TBool>> inputMasks,
      List<WeightArray> weights, KerasGraph.VariableFactory variables, int kerasMajor, String backend) {
    this.tf = tf;
    this.layer = layer;
    this.config = new LayerConfig(layer.config() == null ? com.fasterxml.jackson.databind.node.JsonNodeFactory
        .instance.objectNode() : layer.config(), layer.name());
    this.inputs = inputs;
    this.inputMasks = inputMasks;
    this.weights = weights;
    this.variables = variables;
    this.kerasMajor = kerasMajor;
    this.backend = backend;
  }

  /** The {@code i}-th input as float32 (integer inputs are cast, as Keras does for its float layers). */
  @SuppressWarnings("unchecked")
  Operand<TFloat32> input(int i) {
    Operand<? extends TType> x = inputs.get(i);
    return x.type() == TFloat32.class ? (Operand<TFloat32>) x : tf.dtypes.cast(x, TFloat32.class);
  }

  Operand<TFloat32> input() {
    if (inputs.size() != 1) {
      throw error("expects one input, is called on " + inputs.size());
    }
    return input(0);
  }

  Operand<TBool> inputMask() {
    return inputMasks.isEmpty() ? null : inputMasks.get(0);
  }

  List<WeightArray> weights() {
    return weights;
  }

  /** The file's {@code i}-th weight of this layer, after checking that the layer has {@code expected} of them. */
  WeightArray weight(int i) {
    if (i >= weights.size()) {
      throw error("has " + weights.size() + " weights in the file, expected at least " + (i + 1));
    }
    return weights.get(i);
  }

  void expectWeights(int... allowedCounts) {
    for (int n : allowedCounts) {
      if (weights.size() == n) {
        return;
      }
    }
    throw error("has " + weights.size() + " weights in the file, expected " + java.util.Arrays.toString(
        allowedCounts).replaceAll("[\\[\\]]", "").replace(", ", " or "));
  }

  /** A variable named {@code <layer>/<role>} holding {@code value} (one per layer and role, shared by calls). */
  Operand<TFloat32> variable(String role, WeightArray value) {
    return variables.variable(layer.name(), role, value);
  }

  /** A static dimension; an error naming the layer if it is unknown. */
  long dim(Operand<?> x, int axis, String what) {
    Shape s = x.shape();
    int a = axis < 0 ? s.numDimensions() + axis : axis;
    long d = s.get(a);
    if (d < 0) {
      throw error("needs a fixed " + what + " (axis " + a + " of input shape " + KerasGraph.shapeText(s)
          + " is unknown)");
    }
    return d;
  }

  Operand<TInt32> ints(int... values) {
    return tf.constant(values);
  }

  /**
   * A call of the layer a wrapper holds in its config under {@code field} (TimeDistributed's {@code layer},
   * Bidirectional's {@code layer} and {@code backward_layer}); its variables are named below the wrapper's name.
   */
  LayerCall wrapped(String field, List<Operand<? extends TType>> innerInputs, List<Operand<TBool>> masks,
      List<WeightArray> innerWeights) {
    com.fasterxml.jackson.databind.JsonNode inner = layer.config().get(field);
    if (inner == null || !inner.has("class_name")) {
      throw error("has no '" + field + "' to wrap");
    }
    String innerName = inner.path("config").path("name").asText(field);
    KerasModel.Layer innerLayer = new KerasModel.Layer(layer.name() + "/" + innerName,
        inner.get("class_name").asText(), inner.get("config"), inner, List.of(), null);
    Layers.whyUnsupported(innerLayer).ifPresent(why -> {
      throw error("wraps layer '" + innerName + "' (" + innerLayer.className() + "), which " + why);
    });
    return new LayerCall(tf.withSubScope(field), innerLayer, innerInputs, masks, innerWeights, variables,
        kerasMajor, backend);
  }

  /** The same call for another description of the layer (a wrapper whose config was adjusted). */
  LayerCall withLayer(KerasModel.Layer other) {
    return new LayerCall(tf, other, inputs, inputMasks, weights, variables, kerasMajor, backend);
  }

  UserError error(String problem) {
    return new UserError("layer '" + layer.name() + "' (" + layer.className() + ") " + problem);
  }
}
