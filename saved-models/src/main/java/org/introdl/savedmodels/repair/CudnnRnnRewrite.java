package org.introdl.savedmodels.repair;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.FunctionDefLibrary;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NameAttrList;
import org.tensorflow.proto.NodeDef;

/**
 * cuDNN-only recurrent layers rewritten for the CPU. Keras 3 exports an LSTM or GRU as {@code CudnnRNNV3} alone when
 * a GPU was visible, and TF1's {@code CudnnLSTM}/{@code CudnnGRU} write {@code CudnnRNN}; TensorFlow has no CPU
 * kernel for either. Each such node, in the graph or in any function of its library, becomes a
 * {@code PartitionedCall} of {@link CudnnRnnCpu}'s function of the same inputs (the same {@code params} buffer, so
 * the same weights) with the same first three outputs. A node that cannot be rewritten is left as it is, with one
 * line saying why.
 */
public final class CudnnRnnRewrite {
  /** The cuDNN recurrent ops this rewrite replaces. */
  public static final Set<String> OPS = Set.of("CudnnRNN", "CudnnRNNV2", "CudnnRNNV3");
  /** The outputs the rewrite provides: output, output_h, output_c (the reserve spaces only feed gradients). */
  private static final List<String> OUTPUTS = List.of("output", "output_h", "output_c");
  private static final String FUNCTION_PREFIX = "cudnn_rnn_on_cpu";

  private CudnnRnnRewrite() {}

  /** The MetaGraph to load and one line per rewritten (or refused) node. */
  public record Result(MetaGraphDef metaGraph, List<String> notes) {}

  public static Result rewrite(MetaGraphDef metaGraph) {
    return rewrite(metaGraph, true);
  }

  /** The lines {@link #rewrite} would write, without building anything (for {@code show}). */
  public static List<String> plan(MetaGraphDef metaGraph) {
    return rewrite(metaGraph, false).notes();
  }

  private static Result rewrite(MetaGraphDef metaGraph, boolean build) {
    GraphDef graph = metaGraph.getGraphDef();
    if (!holdsCudnnRnn(graph)) {
      return new Result(metaGraph, List.of());
    }
    Rewriter rewriter = new Rewriter(graph.getLibrary(), build);
    GraphDef.Builder out = graph.toBuilder();
    Map<String, Integer> graphLayers = layersFromShapes(graph);
    out.clearNode();
    for (NodeDef node : graph.getNodeList()) {
      out.addNode(rewriter.maybeRewrite(node, "the graph", consumedOutputs(graph.getNodeList(), node.getName()),
          graphLayers.getOrDefault(node.getName(), 1), false));
    }
    FunctionDefLibrary.Builder library = graph.getLibrary().toBuilder().clearFunction();
    Set<String> called = calledFunctions(graph);
    for (FunctionDef f : graph.getLibrary().getFunctionList()) {
      // A function nothing calls never runs: the cuDNN alternative that Keras 2 registers beside its CPU layer for
      // TensorFlow's implementation selector, the forward halves kept for gradients. It stays as it is.
      library.addFunction(called.contains(f.getSignature().getName()) ? rewriter.rewriteFunction(f) : f);
    }
    if (rewriter.notes.isEmpty()) {
      return new Result(metaGraph, List.of()); // only functions that never run hold cuDNN nodes
    }
    rewriter.added.forEach(library::addFunction);
    out.setLibrary(library);
    return new Result(metaGraph.toBuilder().setGraphDef(out).build(), rewriter.notes);
  }

  /**
   * The functions of the library that the graph's nodes call, directly or through other functions: a node whose op
   * is a function's name, or any function-valued attribute ({@code f} of a call, a loop's {@code body}, a branch).
   */
  static Set<String> calledFunctions(GraphDef graph) {
    Map<String, FunctionDef> library = new HashMap<>();
    graph.getLibrary().getFunctionList().forEach(f -> library.put(f.getSignature().getName(), f));
    Set<String> called = new HashSet<>();
    List<String> pending = new ArrayList<>();
    graph.getNodeList().forEach(n -> pending.addAll(callees(n, library)));
    while (!pending.isEmpty()) {
      String name = pending.remove(pending.size() - 1);
      if (called.add(name)) {
        library.get(name).getNodeDefList().forEach(n -> pending.addAll(callees(n, library)));
      }
    }
    return called;
  }

  private static List<String> callees(NodeDef node, Map<String, FunctionDef> library) {
    List<String> names = new ArrayList<>();
    if (library.containsKey(node.getOp())) {
      names.add(node.getOp());
    }
    for (AttrValue a : node.getAttrMap().values()) {
      if (a.hasFunc()) {
        names.add(a.getFunc().getName());
      }
      a.getList().getFuncList().forEach(f -> names.add(f.getName()));
    }
    names.removeIf(n -> !library.containsKey(n));
    return names;
  }

  /** Whether {@code graph} or its library holds a cuDNN RNN node. */
  public static boolean holdsCudnnRnn(GraphDef graph) {
    return graph.getNodeList().stream().anyMatch(n -> OPS.contains(n.getOp()))
        || graph.getLibrary().getFunctionList().stream()
            .anyMatch(f -> f.getNodeDefList().stream().anyMatch(n -> OPS.contains(n.getOp())));
  }

  private static final class Rewriter {
    final Set<String> taken = new HashSet<>();
    final Map<CudnnRnnCpu.Config, String> built = new HashMap<>();
    final List<FunctionDef> added = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    final boolean build;

    Rewriter(FunctionDefLibrary library, boolean build) {
      library.getFunctionList().forEach(f -> taken.add(f.getSignature().getName()));
      this.build = build;
    }

    FunctionDef rewriteFunction(FunctionDef f) {
      if (f.getNodeDefList().stream().noneMatch(n -> OPS.contains(n.getOp()))) {
        return f;
      }
      FunctionDef.Builder out = f.toBuilder().clearNodeDef();
      Map<String, String> renamed = new HashMap<>();
      for (NodeDef node : f.getNodeDefList()) {
        NodeDef rewritten = maybeRewrite(node, "function " + f.getSignature().getName(),
            consumedFunctionOutputs(f, node.getName()), 1, true);
        if (rewritten != node) {
          // A call names its outputs output:0, output:1, ...; the op named them output, output_h, output_c.
          for (int i = 1; i < OUTPUTS.size(); i++) {
            renamed.put(node.getName() + ":" + OUTPUTS.get(i) + ":0", node.getName() + ":output:" + i);
          }
        }
        out.addNodeDef(rewritten);
      }
      for (int i = 0; i < out.getNodeDefCount(); i++) {
        NodeDef.Builder n = out.getNodeDefBuilder(i);
        for (int j = 0; j < n.getInputCount(); j++) {
          n.setInput(j, renamed.getOrDefault(n.getInput(j), n.getInput(j)));
        }
      }
      Map<String, String> ret = new HashMap<>(out.getRetMap());
      ret.forEach((k, v) -> out.putRet(k, renamed.getOrDefault(v, v)));
      return out.build();
    }

    NodeDef maybeRewrite(NodeDef node, String where, Set<String> consumed, int layers, boolean inFunction) {
      if (!OPS.contains(node.getOp())) {
        return node;
      }
      String what = node.getOp() + " '" + node.getName() + "' in " + where;
      Optional<String> refusal = refusal(node, consumed, inFunction);
      if (refusal.isPresent()) {
        notes.add("cannot rewrite " + what + " for the CPU: " + refusal.get() + "; export the model on a CPU, or run "
            + "it on a GPU (build with -Pgpu)");
        return node;
      }
      CudnnRnnCpu.Config config = new CudnnRnnCpu.Config(attr(node, "rnn_mode", "lstm"), layers,
          attr(node, "direction", "unidirectional").equals("bidirectional"),
          !node.getAttrMap().containsKey("time_major") || node.getAttrMap().get("time_major").getB(),
          node.getOp().equals("CudnnRNNV3"));
      String function = build ? built.computeIfAbsent(config, this::add) : "";
      notes.add("rewrote " + what + " (" + config.mode() + ", " + (config.bidirectional() ? "bidirectional"
          : "unidirectional") + ", " + layers + (layers == 1 ? " layer" : " layers") + ") into CPU ops with the "
          + "same weights");
      return call(node, function, config.hasSequenceLengths());
    }

    private Optional<String> refusal(NodeDef node, Set<String> consumed, boolean inFunction) {
      String mode = attr(node, "rnn_mode", "lstm");
      if (!mode.equals("lstm") && !mode.equals("gru")) {
        return Optional.of("rnn_mode '" + mode + "' (only lstm and gru are rewritten)");
      }
      if (!attr(node, "input_mode", "linear_input").equals("linear_input")) {
        return Optional.of("input_mode '" + attr(node, "input_mode", "") + "' (only linear_input is rewritten)");
      }
      AttrValue type = node.getAttrMap().get("T");
      if (type != null && type.getType() != DataType.DT_FLOAT) {
        return Optional.of("dtype " + type.getType() + " (only float32 is rewritten)");
      }
      AttrValue proj = node.getAttrMap().get("num_proj");
      if (proj != null && proj.getI() != 0) {
        return Optional.of("an LSTM projection (num_proj " + proj.getI() + ")");
      }
      for (String output : consumed) {
        if (!OUTPUTS.contains(output)) {
          return Optional.of("its output " + output + " is used (a gradient or training graph)");
        }
      }
      return Optional.empty();
    }

    private String add(CudnnRnnCpu.Config config) {
      CudnnRnnCpu.Functions functions = CudnnRnnCpu.build(config);
      String base = FUNCTION_PREFIX + "_" + config.mode() + (config.bidirectional() ? "_bidirectional" : "")
          + "_" + config.layers() + (config.timeMajor() ? "_time_major" : "_batch_major")
          + (config.hasSequenceLengths() ? "_lengths" : "");
      Map<String, String> names = new HashMap<>();
      for (FunctionDef f : functions.defs()) {
        String old = f.getSignature().getName();
        String suffix = f == functions.main() ? "" : old.contains("cond") ? "_cond" : "_step";
        String name = base + suffix;
        for (int i = 1; taken.contains(name); i++) {
          name = base + suffix + "_" + i;
        }
        taken.add(name);
        names.put(old, name);
      }
      for (FunctionDef f : functions.defs()) {
        added.add(renameFunctions(f, names));
      }
      return names.get(functions.main().getSignature().getName());
    }
  }

  /** {@code f} with its own name and every function it refers to renamed as {@code names} says. */
  private static FunctionDef renameFunctions(FunctionDef f, Map<String, String> names) {
    FunctionDef.Builder out = f.toBuilder();
    out.getSignatureBuilder().setName(names.getOrDefault(f.getSignature().getName(), f.getSignature().getName()));
    for (int i = 0; i < out.getNodeDefCount(); i++) {
      NodeDef.Builder n = out.getNodeDefBuilder(i);
      for (Map.Entry<String, AttrValue> a : new HashMap<>(n.getAttrMap()).entrySet()) {
        if (a.getValue().hasFunc() && names.containsKey(a.getValue().getFunc().getName())) {
          n.putAttr(a.getKey(), a.getValue().toBuilder().setFunc(a.getValue().getFunc().toBuilder()
              .setName(names.get(a.getValue().getFunc().getName()))).build());
        }
      }
    }
    return out.build();
  }

  /** The node, as a call of {@code function} with the same inputs (control inputs too) and name. */
  private static NodeDef call(NodeDef node, String function, boolean hasSequenceLengths) {
    AttrValue.ListValue.Builder in = AttrValue.ListValue.newBuilder().addType(DataType.DT_FLOAT)
        .addType(DataType.DT_FLOAT).addType(DataType.DT_FLOAT).addType(DataType.DT_FLOAT);
    if (hasSequenceLengths) {
      in.addType(DataType.DT_INT32);
    }
    AttrValue.ListValue.Builder out = AttrValue.ListValue.newBuilder();
    OUTPUTS.forEach(o -> out.addType(DataType.DT_FLOAT));
    return NodeDef.newBuilder().setName(node.getName()).setOp("PartitionedCall").addAllInput(node.getInputList())
        .putAttr("Tin", AttrValue.newBuilder().setList(in).build())
        .putAttr("Tout", AttrValue.newBuilder().setList(out).build())
        .putAttr("f", AttrValue.newBuilder().setFunc(NameAttrList.newBuilder().setName(function)).build())
        .putAttr("config", AttrValue.newBuilder().setS(com.google.protobuf.ByteString.EMPTY).build())
        .putAttr("config_proto", AttrValue.newBuilder().setS(com.google.protobuf.ByteString.EMPTY).build())
        .putAttr("executor_type", AttrValue.newBuilder().setS(com.google.protobuf.ByteString.EMPTY).build())
        .build();
  }

  private static String attr(NodeDef node, String name, String fallback) {
    AttrValue v = node.getAttrMap().get(name);
    return v == null ? fallback : v.getS().toStringUtf8();
  }

  /** Which named outputs of graph node {@code name} are read ("output", "output_h", ...). */
  private static Set<String> consumedOutputs(List<NodeDef> nodes, String name) {
    List<String> names = List.of("output", "output_h", "output_c", "reserve_space", "host_reserved");
    Set<String> used = new HashSet<>();
    for (NodeDef n : nodes) {
      for (String input : n.getInputList()) {
        if (input.equals(name)) {
          used.add("output");
        } else if (input.startsWith(name + ":")) {
          int index = Integer.parseInt(input.substring(name.length() + 1));
          used.add(index < names.size() ? names.get(index) : "output " + index);
        }
      }
    }
    return used;
  }

  /** Which named outputs of node {@code name} of function {@code f} are read, by its nodes or its results. */
  private static Set<String> consumedFunctionOutputs(FunctionDef f, String name) {
    Set<String> used = new HashSet<>();
    List<String> references = new ArrayList<>(f.getRetMap().values());
    f.getNodeDefList().forEach(n -> references.addAll(n.getInputList()));
    for (String input : references) {
      if (input.startsWith(name + ":")) {
        String rest = input.substring(name.length() + 1);
        used.add(rest.contains(":") ? rest.substring(0, rest.indexOf(':')) : rest);
      }
    }
    return used;
  }

  /** Layers of each cuDNN node of the graph, where the shape of its initial state says so (else 1). */
  private static Map<String, Integer> layersFromShapes(GraphDef graph) {
    Map<String, Integer> layers = new HashMap<>();
    if (graph.getNodeList().stream().noneMatch(n -> OPS.contains(n.getOp()))) {
      return layers;
    }
    try (Graph g = new Graph()) {
      g.importGraphDef(graph);
      for (NodeDef node : graph.getNodeList()) {
        if (!OPS.contains(node.getOp())) {
          continue;
        }
        GraphOperation op = g.operation(node.getName());
        boolean timeMajor = !node.getAttrMap().containsKey("time_major")
            || node.getAttrMap().get("time_major").getB();
        int directions = attr(node, "direction", "unidirectional").equals("bidirectional") ? 2 : 1;
        var shape = op.input(1).shape();
        int axis = timeMajor ? 0 : 1;
        if (shape.numDimensions() == 3 && shape.get(axis) > 0) {
          layers.put(node.getName(), (int) Math.max(1, shape.get(axis) / directions));
        }
      }
    } catch (IllegalArgumentException | org.tensorflow.exceptions.TensorFlowException e) {
      // Not importable here: the loader will say why; keep one layer.
    }
    return layers;
  }
}
