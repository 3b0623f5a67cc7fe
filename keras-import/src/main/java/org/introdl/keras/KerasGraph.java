package org.introdl.keras;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.introdl.core.UserError;
import org.introdl.core.safety.RunLimits;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * A Keras model built as a TensorFlow graph for inference: one placeholder per model input, the ops of each layer
 * under the layer's name, one variable per weight named {@code <layer>/<role>} ({@code dense_1/kernel}), and the
 * model's outputs. Layers are built in the order their inputs become available, so shared layers, several inputs
 * and outputs, and models nested as layers all build the way Keras calls them.
 */
public final class KerasGraph implements AutoCloseable {
  /** A model input: its Keras name, its placeholder and the shape Keras declares (-1 for None). */
  public record Input(String name, Output<?> placeholder, long[] shape, DataType dtype) {}

  /** One row of the summary: as Keras's {@code model.summary()} prints it. */
  public record LayerRow(String name, String className, String outputShape, long params, List<String> inputs) {}

  /** A weight as a variable, with the value it is set to. */
  record Variable(String name, Output<TFloat32> variable, WeightArray value) {}

  private final Graph graph;
  private final List<Input> inputs = new ArrayList<>();
  private final Map<String, Operand<TFloat32>> outputs = new LinkedHashMap<>();
  private final List<LayerRow> rows = new ArrayList<>();
  private final Map<String, Variable> variables = new LinkedHashMap<>();

  private KerasGraph(Graph graph) {
    this.graph = graph;
  }

  public Graph graph() {
    return graph;
  }

  public List<Input> inputs() {
    return inputs;
  }

  public Map<String, Operand<TFloat32>> outputs() {
    return outputs;
  }

  public List<LayerRow> layers() {
    return rows;
  }

  public long parameterCount() {
    return variables.values().stream().mapToLong(v -> v.value().values().length).sum();
  }

  Map<String, Variable> variables() {
    return variables;
  }

  /** Every layer this importer cannot build, with the reason, nested models included. Empty if all can be. */
  public static List<String> problems(KerasModel model) {
    List<String> out = new ArrayList<>();
    for (KerasModel.Layer layer : model.layers()) {
      if (layer.nested() != null) {
        out.addAll(problems(layer.nested()));
        continue;
      }
      Layers.whyUnsupported(layer).ifPresent(why -> out.add("layer '" + layer.name() + "' (" + layer.className()
          + ") " + why));
    }
    return out;
  }

  /** {@link #build(KerasFile, RunLimits)} with the default memory budget. */
  public static KerasGraph build(KerasFile file) {
    return build(file, RunLimits.of(false));
  }

  /**
   * Builds the graph of {@code file}'s model; refuses (naming the layer and why) if any layer cannot be built, or,
   * before building anything, if the sizes its config declares exceed the memory budget of {@code limits}
   * ({@link KerasBudget}; {@code allowUnsafeOps} builds it anyway).
   */
  public static KerasGraph build(KerasFile file, RunLimits limits) {
    KerasModel model = KerasModel.parse(file.model(), file.path().toString());
    List<String> problems = problems(model);
    if (!problems.isEmpty()) {
      throw UserError.inFile(file.path(), "cannot import " + problems.get(0)
          + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more, see ./labs keras show)" : ""));
    }
    KerasBudget.Estimate declared = KerasBudget.estimate(model);
    if (declared.totalBytes() > limits.memoryBudgetBytes() && !limits.allowUnsafeOps()) {
      throw UserError.inFile(file.path(), declared.describe(limits.memoryBudgetBytes()));
    }
    Graph graph = new Graph();
    KerasGraph kg = new KerasGraph(graph);
    try {
      Builder builder = kg.new Builder(file, Ops.create(graph), WeightSource.root(file));
      builder.buildModel(model, null, "");
      return kg;
    } catch (RuntimeException e) {
      graph.close();
      if (e instanceof UserError u) {
        throw UserError.inFile(file.path(), u.getMessage());
      }
      if (e instanceof org.tensorflow.exceptions.TensorFlowException || e instanceof IllegalArgumentException) {
        throw UserError.inFile(file.path(), "cannot build the graph (" + firstLine(e.getMessage()) + ")");
      }
      throw e;
    }
  }

  /**
   * A session with every variable set to its weight: each value is fed once through a placeholder and assigned,
   * so the graph itself holds no copy of the weights.
   */
  public Session openSession() {
    Session session = new Session(graph);
    List<Tensor> fed = new ArrayList<>();
    try {
      Scope scope = Ops.create(graph).withSubScope("keras_weights").scope();
      Session.Runner runner = session.runner();
      int i = 0;
      for (Variable v : variables.values()) {
        Output<?> value = graph.opBuilder("Placeholder", scope.makeOpName("value_" + i), scope)
            .setAttr("dtype", DataType.DT_FLOAT).build().output(0);
        GraphOperation assign = graph.opBuilder("Assign", scope.makeOpName("assign_" + i), scope)
            .addInput(v.variable()).addInput(value).build();
        Tensor t = TFloat32.tensorOf(Shape.of(longs(v.value().shape())), DataBuffers.of(v.value().values(), true,
            false));
        fed.add(t);
        runner.feed(value, t).addTarget(assign);
        i++;
      }
      if (i > 0) {
        runner.run().close();
      }
      return session;
    } catch (RuntimeException e) {
      session.close();
      throw e;
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  @Override
  public void close() {
    graph.close();
  }

  /** Creates (once) the variable {@code <layer>/<role>}; a shared layer's second call gets the same one. */
  final class VariableFactory {
    private final String prefix;
    private final Ops tf;

    VariableFactory(Ops tf, String prefix) {
      this.tf = tf;
      this.prefix = prefix;
    }

    Operand<TFloat32> variable(String layer, String role, WeightArray value) {
      String name = prefix + sanitize(layer) + "/" + role;
      Variable existing = variables.get(name);
      if (existing != null) {
        return existing.variable();
      }
      Output<TFloat32> v = graph.opBuilder("VariableV2", name, tf.scope())
          .setAttr("dtype", DataType.DT_FLOAT)
          .setAttr("shape", Shape.of(longs(value.shape())))
          .setAttr("container", "")
          .setAttr("shared_name", "")
          .build().output(0);
      variables.put(name, new Variable(name, v, value));
      return v;
    }
  }

  /** Builds the layers of one model (the top one or a nested one) in the order their inputs become ready. */
  private final class Builder {
    private final KerasFile file;
    private final Ops tf;
    private final WeightSource weights;

    Builder(KerasFile file, Ops tf, WeightSource weights) {
      this.file = file;
      this.tf = tf;
      this.weights = weights;
    }

    /**
     * Builds {@code model}; {@code given} are the tensors a nested model is called on (null for the top model,
     * whose inputs become placeholders). Returns the model's output tensors.
     */
    List<Operand<? extends TType>> buildModel(KerasModel model, List<Operand<? extends TType>> given,
        String prefix) {
      Map<String, List<List<Operand<? extends TType>>>> nodes = new HashMap<>();
      Map<String, List<Operand<TBool>>> masks = new HashMap<>();
      Map<String, KerasModel.Layer> byName = new LinkedHashMap<>();
      model.layers().forEach(l -> byName.put(l.name(), l));
      for (int i = 0; i < model.inputs().size(); i++) {
        KerasModel.TensorRef ref = model.inputs().get(i);
        KerasModel.Layer layer = byName.get(ref.layer());
        if (layer == null) {
          throw new UserError("model input '" + ref.layer() + "' is not one of its layers");
        }
        Operand<? extends TType> in = given != null ? given.get(i) : placeholder(layer);
        nodes.computeIfAbsent(layer.name(), k -> new ArrayList<>()).add(List.of(in));
        if (given == null) {
          rows.add(new LayerRow(layer.name(), "InputLayer", shapeText(in.shape()), 0, List.of()));
        }
      }
      VariableFactory factory = new VariableFactory(tf, prefix);
      int[] callsDone = new int[model.layers().size()];
      boolean progress = true;
      while (progress) {
        progress = false;
        for (int li = 0; li < model.layers().size(); li++) {
          KerasModel.Layer layer = model.layers().get(li);
          if (layer.isInput()) {
            continue;
          }
          while (callsDone[li] < layer.calls().size()) {
            List<KerasModel.TensorRef> refs = layer.calls().get(callsDone[li]);
            Optional<List<Operand<? extends TType>>> ins = resolve(refs, nodes);
            if (ins.isEmpty()) {
              break;
            }
            List<Operand<TBool>> inMasks = new ArrayList<>();
            for (KerasModel.TensorRef r : refs) {
              List<Operand<TBool>> m = masks.get(r.layer() + "#" + r.node());
              if (m != null && m.get(0) != null) {
                inMasks.add(m.get(0));
              }
            }
            Layers.Built built = call(layer, ins.get(), inMasks, factory, prefix);
            nodes.computeIfAbsent(layer.name(), k -> new ArrayList<>()).add(new ArrayList<>(built.outputs()));
            List<Operand<TBool>> outMask = new ArrayList<>();
            outMask.add(built.mask());
            masks.put(layer.name() + "#" + callsDone[li], outMask);
            if (given == null) {
              rows.add(new LayerRow(layer.name(), layer.className(), shapesText(built.outputs()),
                  weightCount(layer), refs.stream().map(r -> r.layer()).toList()));
            }
            callsDone[li]++;
            progress = true;
          }
        }
      }
      List<Operand<? extends TType>> outs = new ArrayList<>();
      for (KerasModel.TensorRef ref : model.outputs()) {
        Optional<List<Operand<? extends TType>>> o = resolve(List.of(ref), nodes);
        if (o.isEmpty()) {
          throw new UserError("model output '" + ref.layer() + "' cannot be computed from the model's inputs");
        }
        outs.add(o.get().get(0));
      }
      if (given == null) {
        for (int i = 0; i < outs.size(); i++) {
          KerasModel.TensorRef ref = model.outputs().get(i);
          String key = outputKey(ref, model.outputs());
          outputs.put(key, tf.withName(sanitize(key) + "_output").identity(floats(outs.get(i))));
        }
      }
      return outs;
    }

    private Layers.Built call(KerasModel.Layer layer, List<Operand<? extends TType>> ins,
        List<Operand<TBool>> inMasks, VariableFactory factory, String prefix) {
      Ops scoped = tf.withSubScope(sanitize(layer.name()));
      if (layer.nested() != null) {
        Builder inner = new Builder(file, scoped, weights.nested(layer));
        List<Operand<? extends TType>> outs = inner.buildModel(layer.nested(), ins,
            prefix + sanitize(layer.name()) + "/");
        List<Operand<TFloat32>> fl = new ArrayList<>();
        outs.forEach(o -> fl.add(floats(o)));
        return new Layers.Built(fl, null);
      }
      List<WeightArray> ws = weights.of(layer);
      LayerCall call = new LayerCall(scoped, layer, ins, inMasks, ws, factory, file.kerasMajor(), file.backend());
      return Layers.build(call);
    }

    private long weightCount(KerasModel.Layer layer) {
      if (layer.nested() != null) {
        return variables.entrySet().stream().filter(e -> e.getKey().startsWith(sanitize(layer.name()) + "/"))
            .mapToLong(e -> e.getValue().value().values().length).sum();
      }
      return weights.of(layer).stream().mapToLong(w -> w.values().length).sum();
    }

    private Optional<List<Operand<? extends TType>>> resolve(List<KerasModel.TensorRef> refs,
        Map<String, List<List<Operand<? extends TType>>>> nodes) {
      List<Operand<? extends TType>> out = new ArrayList<>();
      for (KerasModel.TensorRef r : refs) {
        List<List<Operand<? extends TType>>> calls = nodes.get(r.layer());
        if (calls == null || calls.size() <= r.node()) {
          return Optional.empty();
        }
        List<Operand<? extends TType>> tensors = calls.get(r.node());
        if (r.tensor() >= tensors.size()) {
          throw new UserError("layer '" + r.layer() + "' has no output " + r.tensor());
        }
        out.add(tensors.get(r.tensor()));
      }
      return Optional.of(out);
    }

    private Operand<? extends TType> placeholder(KerasModel.Layer layer) {
      com.fasterxml.jackson.databind.JsonNode shapeNode = KerasModel.batchShape(layer.config());
      if (shapeNode == null) {
        throw new UserError("input '" + layer.name() + "' declares no shape (batch_input_shape or an InputLayer);"
            + " Java needs it to build the graph");
      }
      long[] shape = new long[shapeNode.size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = shapeNode.get(i).isNull() ? -1 : shapeNode.get(i).asLong();
      }
      String dtype = layer.config().path("dtype").asText("float32");
      Class<? extends TType> type = switch (dtype) {
        case "int32" -> TInt32.class;
        case "int64" -> TInt64.class;
        default -> TFloat32.class;
      };
      Operand<? extends TType> p = tf.withName(sanitize(layer.name())).placeholder(type,
          org.tensorflow.op.core.Placeholder.shape(Shape.of(shape)));
      inputs.add(new Input(layer.name(), p.asOutput(), shape, type == TFloat32.class ? DataType.DT_FLOAT
          : type == TInt32.class ? DataType.DT_INT32 : DataType.DT_INT64));
      return p;
    }

    @SuppressWarnings("unchecked")
    private Operand<TFloat32> floats(Operand<? extends TType> x) {
      return x.type() == TFloat32.class ? (Operand<TFloat32>) x : tf.dtypes.cast(x, TFloat32.class);
    }
  }

  /** An output's key: the output layer's name (with the tensor index if the layer gives several). */
  private static String outputKey(KerasModel.TensorRef ref, List<KerasModel.TensorRef> all) {
    long sameLayer = all.stream().filter(r -> r.layer().equals(ref.layer())).count();
    return sameLayer > 1 || ref.tensor() > 0 ? ref.layer() + "_" + ref.tensor() : ref.layer();
  }

  /** Keras's notation: (None, 26, 26, 32). */
  public static String shapeText(Shape s) {
    if (s.isUnknown()) {
      return "(unknown)";
    }
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < s.numDimensions(); i++) {
      b.append(i == 0 ? "" : ", ").append(s.get(i) < 0 ? "None" : Long.toString(s.get(i)));
    }
    return b.append(s.numDimensions() == 1 ? ",)" : ")").toString();
  }

  private static String shapesText(List<Operand<TFloat32>> outs) {
    if (outs.size() == 1) {
      return shapeText(outs.get(0).shape());
    }
    return "[" + String.join(", ", outs.stream().map(o -> shapeText(o.shape())).toList()) + "]";
  }

  /** TensorFlow op names allow letters, digits and {@code _ . - /}: anything else becomes {@code _}. */
  static String sanitize(String name) {
    String s = name.replaceAll("[^A-Za-z0-9_.\\-]", "_");
    return s.isEmpty() || !Character.isLetterOrDigit(s.charAt(0)) && s.charAt(0) != '.' ? "l" + s : s;
  }

  static long[] longs(int[] shape) {
    long[] out = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      out[i] = shape[i];
    }
    return out;
  }

  static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("").strip();
  }
}
