package org.introdl.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.introdl.core.UserError;

/**
 * The weights of a Keras file, read from HDF5 with jHDF, in the order Keras keeps them for each layer.
 *
 * <p>Two layouts exist. Keras 1 and 2 ({@code .h5}, and the weights-only file beside a JSON config) keep one group
 * per layer, listed by the attribute {@code layer_names}; each group lists its datasets by {@code weight_names}.
 * Keras 3 ({@code model.weights.h5} inside a {@code .keras}) keeps one group per object of the model's tree,
 * {@code layers/dense_1/vars/0, 1, ...}, named after the layer's class and counted per class. Optimizer state
 * ({@code optimizer_weights}, {@code optimizer/vars}) is never read.
 */
public final class KerasWeights {
  /** Legacy: layer name to its weights in {@code weight_names} order. */
  private final Map<String, List<WeightArray>> byLayerName;
  /** Keras 3: object path ("layers/lstm/cell") to the vars of that object, and to its {@code name} attribute. */
  private final Map<String, List<WeightArray>> byPath;
  private final Map<String, String> pathNames;

  private KerasWeights(Map<String, List<WeightArray>> byLayerName, Map<String, List<WeightArray>> byPath,
      Map<String, String> pathNames) {
    this.byLayerName = byLayerName;
    this.byPath = byPath;
    this.pathNames = pathNames;
  }

  public boolean isKeras3Layout() {
    return byLayerName == null;
  }

  /** Legacy layout: the weights of the layer called {@code name}, empty if it has none. */
  public List<WeightArray> ofLayer(String name) {
    return byLayerName.getOrDefault(name, List.of());
  }

  /** Keras 3 layout: the vars of the object at {@code path} and of the objects below it (forward before backward). */
  public Optional<List<WeightArray>> under(String path) {
    if (!byPath.containsKey(path) && byPath.keySet().stream().noneMatch(p -> p.startsWith(path + "/"))) {
      return Optional.empty();
    }
    List<WeightArray> out = new ArrayList<>(byPath.getOrDefault(path, List.of()));
    List<String> below = new ArrayList<>(byPath.keySet().stream().filter(p -> p.startsWith(path + "/")).toList());
    below.sort((a, b) -> orderKey(a).compareTo(orderKey(b)));
    below.forEach(p -> out.addAll(byPath.get(p)));
    return Optional.of(out);
  }

  /** Keras 3 layout: the object path whose {@code vars} carry the attribute {@code name} = {@code layerName}. */
  public Optional<String> pathNamed(String parent, String layerName) {
    return pathNames.entrySet().stream()
        .filter(e -> e.getValue().equals(layerName) && e.getKey().startsWith(parent)
            && e.getKey().indexOf('/', parent.length()) < 0)
        .map(Map.Entry::getKey).findFirst();
  }

  /** Bidirectional keeps {@code forward_layer} before {@code backward_layer}; otherwise the tree's order. */
  private static String orderKey(String path) {
    return path.replace("forward_layer", "0forward").replace("backward_layer", "1backward");
  }

  /** Reads a legacy file: the root (weights-only file) or {@code model_weights} (full model) lists the layers. */
  static KerasWeights readLegacy(HdfFile h5, Path file) {
    Budget budget = Budget.of(h5, file);
    Group root = h5;
    Node modelWeights = h5.getChild("model_weights");
    if (modelWeights instanceof Group g) {
      root = g;
    }
    List<String> layers = stringList(root, "layer_names", file);
    if (layers == null) {
      throw UserError.inFile(file, "no 'layer_names' attribute: not a Keras weights file");
    }
    Map<String, List<WeightArray>> out = new LinkedHashMap<>();
    for (String layer : layers) {
      Node node = root.getChild(layer);
      if (!(node instanceof Group group)) {
        throw UserError.inFile(file, "layer '" + layer + "' is listed but has no group");
      }
      List<String> names = stringList(group, "weight_names", file);
      List<WeightArray> weights = new ArrayList<>();
      for (String name : names == null ? List.<String>of() : names) {
        Node d = group.getByPath(name);
        if (!(d instanceof Dataset dataset)) {
          throw UserError.inFile(file, "weight '" + name + "' of layer '" + layer + "' is missing");
        }
        weights.add(array(dataset, name, budget));
      }
      out.put(layer, weights);
    }
    return new KerasWeights(out, null, null);
  }

  /** Reads a Keras 3 {@code model.weights.h5}: every {@code vars} group below {@code layers/}. */
  static KerasWeights readKeras3(HdfFile h5, Path file) {
    Budget budget = Budget.of(h5, file);
    Map<String, List<WeightArray>> byPath = new LinkedHashMap<>();
    Map<String, String> names = new LinkedHashMap<>();
    Node layers = h5.getChild("layers");
    if (layers instanceof Group g) {
      collect(g, "layers", byPath, names, budget);
    }
    Node ownVars = h5.getChild("vars");
    if (ownVars instanceof Group g && !g.getChildren().isEmpty()) {
      byPath.put("", vars(g, "", budget));
    }
    return new KerasWeights(null, byPath, names);
  }

  private static void collect(Group group, String path, Map<String, List<WeightArray>> byPath,
      Map<String, String> names, Budget budget) {
    for (Node child : group.getChildren().values()) {
      if (!(child instanceof Group g)) {
        continue;
      }
      String childPath = path + "/" + child.getName();
      Node vars = g.getChild("vars");
      if (vars instanceof Group v) {
        byPath.put(childPath, vars(v, childPath, budget));
        Attribute name = v.getAttribute("name");
        if (name != null && name.getData() instanceof String s) {
          names.put(childPath, s);
        }
      }
      collect(g, childPath, byPath, names, budget);
    }
  }

  /** Datasets named 0, 1, 2, ... in numeric order. */
  private static List<WeightArray> vars(Group vars, String path, Budget budget) {
    Path file = budget.file;
    List<WeightArray> out = new ArrayList<>();
    for (int i = 0; ; i++) {
      Node d = vars.getChild(Integer.toString(i));
      if (d == null) {
        break;
      }
      if (!(d instanceof Dataset dataset)) {
        throw UserError.inFile(file, path + "/vars/" + i + " is not a dataset");
      }
      out.add(array(dataset, path + "/vars/" + i, budget));
    }
    if (out.size() != vars.getChildren().size()) {
      throw UserError.inFile(file, path + "/vars holds datasets not numbered 0.." + (out.size() - 1));
    }
    return out;
  }

  /** A float dataset as float32 values; Keras stores float32 (float64 and float16 are converted). */
  static WeightArray array(Dataset dataset, String name, Budget budget) {
    Path file = budget.file;
    budget.take(dataset, name);
    if (dataset.isScalar() || dataset.isEmpty() && dataset.getDimensions().length == 0) {
      return new WeightArray(name, new int[0], new float[] {number(dataset.getData(), name, file)});
    }
    Object flat = dataset.getDataFlat();
    float[] values;
    if (flat instanceof float[] f) {
      values = f;
    } else if (flat instanceof double[] d) {
      values = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        values[i] = (float) d[i];
      }
    } else {
      throw UserError.inFile(file, "weight '" + name + "' is " + dataset.getJavaType().getSimpleName()
          + ", not a float array");
    }
    return new WeightArray(name, dataset.getDimensions(), values);
  }

  private static float number(Object v, String name, Path file) {
    if (v instanceof Number n) {
      return n.floatValue();
    }
    throw UserError.inFile(file, "weight '" + name + "' is not a number");
  }

  /**
   * How many bytes of weights a file may declare before any is read: a header from a stranger can claim a dataset of
   * any size, and reading it would allocate that much. Keras stores weights uncompressed, so a real file holds about
   * as many bytes as its weights; the budget allows 8 times the file's size (compressed datasets) plus 64 MiB.
   */
  static final class Budget {
    static final long SLACK = 64L << 20;
    static final long RATIO = 8;
    final Path file;
    private long left;

    Budget(Path file, long allowedBytes) {
      this.file = file;
      this.left = allowedBytes;
    }

    static Budget of(HdfFile h5, Path file) {
      return new Budget(file, h5.size() * RATIO + SLACK);
    }

    void take(Dataset dataset, String name) {
      long bytes = dataset.getSizeInBytes();
      long count = dataset.getSize();
      if (count > Integer.MAX_VALUE - 8 || bytes < 0 || bytes > left) {
        throw UserError.inFile(file, "weight '" + name + "' declares " + bytes + " bytes, more than the file can"
            + " hold; refusing to read it");
      }
      left -= bytes;
    }
  }

  /**
   * A list-of-strings attribute; Keras splits long ones into {@code name0}, {@code name1}, ... (an HDF5 header
   * holds 64 KiB at most). An empty list is stored as an empty float array. Null when absent.
   */
  static List<String> stringList(Node node, String name, Path file) {
    Attribute whole = node.getAttribute(name);
    if (whole != null) {
      return strings(whole, file);
    }
    List<String> out = null;
    for (int chunk = 0; node.getAttribute(name + chunk) != null; chunk++) {
      out = out == null ? new ArrayList<>() : out;
      out.addAll(strings(node.getAttribute(name + chunk), file));
    }
    return out;
  }

  private static List<String> strings(Attribute a, Path file) {
    Object data = a.isEmpty() ? null : a.getData();
    if (data instanceof String[] s) {
      return List.of(s);
    }
    if (data instanceof String s) {
      return List.of(s);
    }
    if (data == null || (data.getClass().isArray() && java.lang.reflect.Array.getLength(data) == 0)) {
      return List.of();
    }
    throw UserError.inFile(file, "attribute '" + a.getName() + "' is not a list of names");
  }

  /** A string attribute of the file's root (model_config, keras_version, backend), or null. */
  static String stringAttribute(Node node, String name) {
    Attribute a = node.getAttribute(name);
    if (a == null) {
      return null;
    }
    Object data = a.getData();
    return data instanceof String s ? s : data instanceof String[] arr && arr.length == 1 ? arr[0] : null;
  }
}
