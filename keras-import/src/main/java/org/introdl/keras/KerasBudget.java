package org.introdl.keras;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.introdl.core.safety.Bytes;

/**
 * What a Keras model declares it will take, read from its config before anything is built: each layer's output
 * shape (one example: an unknown batch counts as 1) and, for the recurrent layers that {@link Recurrent} unrolls
 * one block of graph ops per step, the number of steps. A 10 KB file can declare a {@code RepeatVector} of 12
 * million or an LSTM over 100,000 steps; this is how such a file is refused before TensorFlow sees it.
 *
 * <p>Shapes are followed through the layers whose output shape the config alone fixes (inputs, dense, recurrent,
 * repeat, reshape, flatten, embedding, merges and the element-wise layers); after any other layer the shape is
 * unknown and nothing downstream of it is counted, so the estimate is a lower bound of what building and running
 * will take.
 */
final class KerasBudget {
  /** Bytes of one float32 value. */
  private static final long VALUE_BYTES = 4;
  /**
   * What one unrolled step costs while the graph is built, whatever the layer's size: TensorFlow keeps a node, its
   * definition and its inferred shapes for each of the step's ops. Measured on this importer: an LSTM step is 13 ops,
   * and building 4,000 steps grew the process by 84 MB (about 21 KiB a step, and 1.7 ms). Set below that on purpose:
   * it is there to catch steps by the hundred thousand, not to refuse real models.
   */
  static final long GRAPH_BYTES_PER_STEP = 16 * 1024;
  private static final Set<String> RECURRENT = Set.of("SimpleRNN", "LSTM", "GRU");
  /** Layers whose output has their (first) input's shape. */
  private static final Set<String> SAME_SHAPE = Set.of("Activation", "LeakyReLU", "ReLU", "ELU", "Softmax",
      "Dropout", "SpatialDropout1D", "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "AlphaDropout",
      "BatchNormalization", "LayerNormalization", "Masking", "Rescaling", "Normalization", "Add", "Subtract",
      "Multiply", "Average", "Maximum", "Minimum");

  private KerasBudget() {}

  /** The layer that declares the most, what it declares, and the model's total. */
  record Estimate(String layer, String className, String what, long layerBytes, long totalBytes) {
    /** One line for the user: the largest layer and the total against the budget. */
    String describe(long budget) {
      return "layer '" + layer + "' (" + className + ") " + what + " (" + Bytes.format(layerBytes) + "); the model "
          + "declares at least " + Bytes.format(totalBytes) + ", more than the memory budget of "
          + Bytes.format(budget) + " (--max-memory; --allow-unsafe-ops to build it anyway)";
    }
  }

  /** The estimate of {@code model}, nested models included. */
  static Estimate estimate(KerasModel model) {
    Walk walk = new Walk();
    walk.model(model, null);
    return walk.largest == null ? new Estimate("", "", "", 0, 0)
        : new Estimate(walk.largest.layer(), walk.largest.className(), walk.largest.what(),
            walk.largest.layerBytes(), walk.total);
  }

  /**
   * The output shapes the estimate follows for each layer of the top model (its first call), in Keras's notation as
   * {@code show} prints them; layers whose shape it does not know are absent. For checking the estimate against
   * the built graph.
   */
  static Map<String, String> layerShapes(KerasModel model) {
    Walk walk = new Walk();
    walk.model(model, null);
    return walk.shapes;
  }

  /** Follows shapes layer by layer, in the order the layers' inputs become known, as {@link KerasGraph} builds. */
  private static final class Walk {
    long total;
    Estimate largest;
    final Map<String, String> shapes = new java.util.LinkedHashMap<>();
    int depth;

    /** The output shapes of {@code model}, called on {@code given} (null: the top model, from its input layers). */
    List<long[]> model(KerasModel model, List<long[]> given) {
      Map<String, List<List<long[]>>> calls = new HashMap<>();
      Map<String, KerasModel.Layer> byName = new HashMap<>();
      model.layers().forEach(l -> byName.put(l.name(), l));
      for (int i = 0; i < model.inputs().size(); i++) {
        KerasModel.Layer input = byName.get(model.inputs().get(i).layer());
        if (input != null) {
          long[] shape = given != null && i < given.size() ? given.get(i) : declared(input.config());
          calls.computeIfAbsent(input.name(), k -> new ArrayList<>()).add(List.of(shape));
        }
      }
      int[] done = new int[model.layers().size()];
      for (boolean progress = true; progress; ) {
        progress = false;
        for (int li = 0; li < model.layers().size(); li++) {
          KerasModel.Layer layer = model.layers().get(li);
          while (!layer.isInput() && done[li] < layer.calls().size()) {
            List<long[]> ins = inputs(layer.calls().get(done[li]), calls);
            if (ins == null) {
              break;
            }
            depth++;
            List<long[]> outs = layer.nested() != null ? model(layer.nested(), ins) : layer(layer, ins);
            depth--;
            if (depth == 0 && done[li] == 0 && outs.stream().noneMatch(o -> o == UNKNOWN)) {
              shapes.put(layer.name(), outs.size() == 1 ? shapes(outs) : "[" + shapes(outs) + "]");
            }
            calls.computeIfAbsent(layer.name(), k -> new ArrayList<>()).add(outs);
            done[li]++;
            progress = true;
          }
        }
      }
      List<long[]> outs = new ArrayList<>();
      for (KerasModel.TensorRef ref : model.outputs()) {
        List<long[]> o = inputs(List.of(ref), calls);
        outs.add(o == null ? UNKNOWN : o.get(0));
      }
      return outs;
    }

    /** One call of a layer: its output shapes, counting what it declares. */
    private List<long[]> layer(KerasModel.Layer layer, List<long[]> ins) {
      LayerConfig config = new LayerConfig(layer.config(), layer.name());
      List<long[]> outs = outputs(layer.className(), config, layer.config(), ins);
      long steps = RECURRENT.contains(layer.className()) || layer.className().equals("Bidirectional")
          ? Math.max(0, dim(ins.get(0), 1)) * (layer.className().equals("Bidirectional") ? 2 : 1) : 0;
      long values = 0;
      for (long[] out : outs) {
        values = saturatedAdd(values, elements(out));
      }
      long bytes = saturatedAdd(saturatedMul(values, VALUE_BYTES), saturatedMul(steps, GRAPH_BYTES_PER_STEP));
      total = saturatedAdd(total, bytes);
      if (largest == null || bytes > largest.layerBytes()) {
        String what = steps > 0 ? "unrolls " + String.format(java.util.Locale.ROOT, "%,d", steps) + " time steps"
            + (values > 0 ? " into outputs of " + shapes(outs) : "")
            : "declares outputs of " + shapes(outs);
        largest = new Estimate(layer.name(), layer.className(), what, bytes, 0);
      }
      return outs;
    }

    private static List<long[]> inputs(List<KerasModel.TensorRef> refs, Map<String, List<List<long[]>>> calls) {
      List<long[]> out = new ArrayList<>();
      for (KerasModel.TensorRef r : refs) {
        List<List<long[]>> made = calls.get(r.layer());
        if (made == null || made.size() <= r.node()) {
          return null;
        }
        List<long[]> tensors = made.get(r.node());
        out.add(r.tensor() < tensors.size() ? tensors.get(r.tensor()) : UNKNOWN);
      }
      return out;
    }
  }

  /** An unknown shape (compared by identity): nothing after it is counted. */
  private static final long[] UNKNOWN = new long[0];

  /** The output shapes of one layer class from its config and input shapes ({@link #UNKNOWN} where not known). */
  private static List<long[]> outputs(String className, LayerConfig config, JsonNode json, List<long[]> ins) {
    long[] x = ins.isEmpty() ? UNKNOWN : ins.get(0);
    if (x == UNKNOWN || x.length == 0) {
      return List.of(UNKNOWN);
    }
    if (SAME_SHAPE.contains(className)) {
      return List.of(x);
    }
    return switch (className) {
      case "Dense" -> List.of(withLast(x, config.units()));
      case "RepeatVector" -> x.length == 2 ? List.of(new long[] {x[0], config.integer("n", -1), x[1]})
          : List.of(UNKNOWN);
      case "Embedding" -> List.of(append(x, config.integer("output_dim", -1)));
      case "Flatten" -> List.of(new long[] {x[0], product(Arrays.copyOfRange(x, 1, x.length))});
      case "Reshape" -> List.of(reshaped(x, json.get("target_shape")));
      case "Concatenate" -> List.of(concatenated(ins, config.integer("axis", -1)));
      case "SimpleRNN", "LSTM", "GRU" -> recurrent(className, config, x, 1);
      case "Bidirectional" -> bidirectional(json, x);
      default -> List.of(UNKNOWN);
    };
  }

  private static List<long[]> recurrent(String className, LayerConfig config, long[] x, int directions) {
    if (x.length != 3) {
      return List.of(UNKNOWN);
    }
    long units = (long) config.units() * directions;
    List<long[]> outs = new ArrayList<>();
    outs.add(config.bool("return_sequences", false) ? new long[] {x[0], x[1], units} : new long[] {x[0], units});
    if (config.bool("return_state", false)) {
      int states = className.equals("LSTM") ? 2 : 1;
      for (int i = 0; i < states * directions; i++) {
        outs.add(new long[] {x[0], config.units()});
      }
    }
    return outs;
  }

  private static List<long[]> bidirectional(JsonNode json, long[] x) {
    JsonNode inner = json.path("layer");
    String className = inner.path("class_name").asText("");
    if (!RECURRENT.contains(className)) {
      return List.of(UNKNOWN);
    }
    LayerConfig config = new LayerConfig(inner.path("config"), "");
    boolean concat = "concat".equals(json.path("merge_mode").asText("concat"));
    return recurrent(className, config, x, concat ? 2 : 1);
  }

  private static long[] declared(JsonNode config) {
    JsonNode shape = KerasModel.batchShape(config);
    if (shape == null || !shape.isArray()) {
      return UNKNOWN;
    }
    long[] out = new long[shape.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = shape.get(i).isNumber() ? shape.get(i).asLong() : -1;
    }
    return out;
  }

  private static long[] reshaped(long[] x, JsonNode target) {
    if (target == null || !target.isArray()) {
      return UNKNOWN;
    }
    long[] out = new long[target.size() + 1];
    out[0] = x[0];
    for (int i = 0; i < target.size(); i++) {
      out[i + 1] = target.get(i).asLong(-1);
    }
    long known = product(Arrays.copyOfRange(out, 1, out.length));
    long all = product(Arrays.copyOfRange(x, 1, x.length));
    for (int i = 1; i < out.length; i++) {
      if (out[i] < 0 && known > 0 && all > 0) {
        out[i] = all / known;
      }
    }
    return out;
  }

  private static long[] concatenated(List<long[]> ins, int axis) {
    long[] first = ins.get(0);
    int a = axis < 0 ? first.length + axis : axis;
    if (ins.stream().anyMatch(s -> s == UNKNOWN || s.length != first.length) || a <= 0 || a >= first.length) {
      return UNKNOWN;
    }
    long[] out = first.clone();
    out[a] = ins.stream().mapToLong(s -> s[a]).reduce(0, (p, q) -> p < 0 || q < 0 ? -1 : p + q);
    return out;
  }

  private static long[] withLast(long[] x, long last) {
    long[] out = x.clone();
    out[out.length - 1] = last;
    return out;
  }

  private static long[] append(long[] x, long last) {
    long[] out = Arrays.copyOf(x, x.length + 1);
    out[x.length] = last;
    return out;
  }

  private static long dim(long[] shape, int axis) {
    return shape == UNKNOWN || shape.length <= axis ? -1 : shape[axis];
  }

  /** Values in one example: the batch counts as one; 0 when a later dimension is unknown. */
  private static long elements(long[] shape) {
    if (shape == UNKNOWN || shape.length == 0) {
      return 0;
    }
    long n = product(Arrays.copyOfRange(shape, 1, shape.length));
    return Math.max(0, n);
  }

  /** The product of the dimensions; -1 if one is unknown. */
  private static long product(long[] dims) {
    long n = 1;
    for (long d : dims) {
      if (d < 0) {
        return -1;
      }
      n = saturatedMul(n, d);
    }
    return n;
  }

  private static String shapes(List<long[]> outs) {
    List<String> texts = new ArrayList<>();
    for (long[] s : outs) {
      texts.add(s == UNKNOWN ? "(unknown)" : KerasGraph.shapeText(org.tensorflow.ndarray.Shape.of(s)));
    }
    return String.join(", ", texts);
  }

  private static long saturatedMul(long a, long b) {
    long r = a * b;
    return a != 0 && (r / a != b || r < 0) ? Long.MAX_VALUE : r;
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return r < 0 ? Long.MAX_VALUE : r;
  }
}
