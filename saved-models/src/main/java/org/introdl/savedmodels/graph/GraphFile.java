package org.introdl.savedmodels.graph;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.introdl.core.UserError;
import org.introdl.savedmodels.safety.UnsafeOps;
import org.introdl.savedmodels.format.ProtoFiles;
import org.introdl.savedmodels.values.TensorSpec;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SaverDef;

/**
 * A graph file read in Java: a frozen {@code GraphDef} ({@code .pb}) or a {@code MetaGraphDef} ({@code .meta},
 * written by TF1's {@code tf.train.Saver}), with what a user wants to know to run it.
 */
public record GraphFile(Path file, GraphDef graph, Optional<MetaGraphDef> meta) {
  /** Op types that hold variables. */
  static final Set<String> VARIABLE_OPS = Set.of("VariableV2", "Variable", "VarHandleOp");
  /** Op types whose outputs are not interesting as results. */
  private static final Set<String> NOT_OUTPUTS = Set.of("NoOp", "Assign", "AssignVariableOp", "Const");

  public static GraphFile read(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    if (name.endsWith(".pbtxt")) {
      throw UserError.inFile(file, "text graphs (.pbtxt) are not supported; write the binary form");
    }
    if (name.endsWith(".meta")) {
      MetaGraphDef meta = ProtoFiles.parse(file, MetaGraphDef.parser(), "MetaGraphDef (.meta)");
      requireNodes(file, meta.getGraphDef(), "MetaGraphDef (.meta)");
      return new GraphFile(file, meta.getGraphDef(), Optional.of(meta));
    }
    GraphDef graph = ProtoFiles.parse(file, GraphDef.parser(), "GraphDef (.pb)");
    if (graph.getNodeCount() == 0) {
      // A MetaGraphDef saved as .pb parses as an empty GraphDef: try it as one before giving up.
      MetaGraphDef meta = ProtoFiles.parse(file, MetaGraphDef.parser(), "GraphDef or MetaGraphDef");
      requireNodes(file, meta.getGraphDef(), "GraphDef or MetaGraphDef");
      return new GraphFile(file, meta.getGraphDef(), Optional.of(meta));
    }
    requireNodes(file, graph, "GraphDef (.pb)");
    return new GraphFile(file, graph, Optional.empty());
  }

  private static void requireNodes(Path file, GraphDef graph, String what) {
    if (graph.getNodeCount() == 0) {
      throw UserError.inFile(file, "not a valid " + what + " (it holds no nodes)");
    }
    for (NodeDef n : graph.getNodeList()) {
      if (n.getName().isEmpty() || n.getOp().isEmpty()) {
        throw UserError.inFile(file, "not a valid " + what + " (a node without a name or op)");
      }
    }
  }

  /** The restore op TensorFlow Java's exporter takes for its own saver's when a graph holds a node of that name. */
  static final String EXPORTER_RESTORE_OP = "save/restore_all";

  /**
   * This graph without its savers (the nodes that only the model's saver, or any other saver it holds, use: see
   * {@link UnsafeOps#saverOnlyNodes}), for re-exporting: the exporter adds a saver of its own. A node left with the
   * name of the exporter's restore op is refused: the exporter would adopt it, and what it names, as its saver.
   */
  public GraphFile withoutSaver() {
    Set<String> saverNodes = UnsafeOps.saverOnlyNodes(graph, saver().orElse(null));
    GraphDef.Builder b = graph.toBuilder().clearNode();
    for (NodeDef n : graph.getNodeList()) {
      if (!saverNodes.contains(n.getName())) {
        if (n.getName().equals(EXPORTER_RESTORE_OP)) {
          throw UserError.inFile(file, "holds a node named " + EXPORTER_RESTORE_OP + " that is not part of a saver;"
              + " the exporter would take it for its own saver's restore op");
        }
        b.addNode(n);
      }
    }
    return new GraphFile(file, b.build(), Optional.empty());
  }

  public Optional<SaverDef> saver() {
    return meta.filter(MetaGraphDef::hasSaverDef).map(MetaGraphDef::getSaverDef);
  }

  /** The TF version recorded in a MetaGraphDef, or the GraphDef producer version. */
  public String writtenBy() {
    String v = meta.map(m -> m.getMetaInfoDef().getTensorflowVersion()).orElse("");
    String producer = "GraphDef producer " + graph.getVersions().getProducer();
    return v.isEmpty() ? producer : "TensorFlow " + v + ", " + producer;
  }

  /** Placeholders with dtype and shape ({@code shape} attribute; unknown rank when absent). */
  public List<TensorSpec> placeholders() {
    List<TensorSpec> out = new ArrayList<>();
    for (NodeDef n : graph.getNodeList()) {
      if (n.getOp().equals("Placeholder") || n.getOp().equals("PlaceholderV2")
          || n.getOp().equals("PlaceholderWithDefault")) {
        out.add(spec(n, "dtype"));
      }
    }
    return out;
  }

  /** Variables with dtype and shape. */
  public List<TensorSpec> variables() {
    List<TensorSpec> out = new ArrayList<>();
    for (NodeDef n : graph.getNodeList()) {
      if (VARIABLE_OPS.contains(n.getOp())) {
        out.add(spec(n, "dtype"));
      }
    }
    return out;
  }

  /** Op type to count, sorted by type. */
  public Map<String, Integer> opCounts() {
    Map<String, Integer> counts = new TreeMap<>();
    graph.getNodeList().forEach(n -> counts.merge(n.getOp(), 1, Integer::sum));
    return counts;
  }

  /**
   * Nodes whose outputs nothing consumes (the graph's results), leaving out no-ops, assignments, the savers, and
   * the training machinery of a TF1 training graph (gradients, optimizer updates, summaries).
   */
  public List<String> outputs() {
    Set<String> consumed = new HashSet<>();
    for (NodeDef n : graph.getNodeList()) {
      for (String in : n.getInputList()) {
        consumed.add(nodeName(in));
      }
    }
    Set<String> saverNodes = UnsafeOps.saverOnlyNodes(graph, saver().orElse(null));
    List<String> out = new ArrayList<>();
    for (NodeDef n : graph.getNodeList()) {
      if (!consumed.contains(n.getName()) && !NOT_OUTPUTS.contains(n.getOp()) && !isTraining(n)
          && !saverNodes.contains(n.getName())) {
        out.add(n.getName());
      }
    }
    return out;
  }

  private static boolean isTraining(NodeDef n) {
    String op = n.getOp();
    return n.getName().startsWith("gradients/") || (op.equals("Identity") && n.getName().endsWith("/read"))
        || op.startsWith("Apply") || op.startsWith("ResourceApply")
        || op.endsWith("Summary") || op.equals("MergeSummary");
  }

  /** The node {@code name}, if present. */
  public Optional<NodeDef> node(String name) {
    return graph.getNodeList().stream().filter(n -> n.getName().equals(name)).findFirst();
  }

  private static TensorSpec spec(NodeDef n, String dtypeAttr) {
    AttrValue dtype = n.getAttrMap().get(dtypeAttr);
    AttrValue shape = n.getAttrMap().get("shape");
    long[] dims = shape == null || !shape.hasShape() ? null : TensorSpec.shape(shape.getShape());
    return new TensorSpec(n.getName(), n.getName() + ":0", dtype == null ? DataType.DT_INVALID : dtype.getType(),
        dims);
  }

  static String nodeName(String input) {
    String s = input.startsWith("^") ? input.substring(1) : input;
    int colon = s.indexOf(':');
    return colon < 0 ? s : s.substring(0, colon);
  }
}
