package org.introdl.savedmodels.graph;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.introdl.savedmodels.safety.UnsafeOps;
import org.introdl.savedmodels.values.TensorSpec;

/** {@code graph show}: placeholders, variables, op counts and outputs of a GraphDef or MetaGraphDef. */
public final class GraphShow {
  private GraphShow() {}

  public record Summary(Path file, String kind, String writtenBy, int nodes, List<TensorSpec> placeholders,
      List<TensorSpec> variables, Map<String, Integer> opCounts, List<String> outputs, UnsafeOps.Report scan) {}

  public static Summary show(Path file) {
    GraphFile g = GraphFile.read(file);
    return new Summary(file, g.meta().isPresent() ? "MetaGraphDef" : "GraphDef", g.writtenBy(),
        g.graph().getNodeCount(), g.placeholders(), g.variables(), g.opCounts(), g.outputs(),
        UnsafeOps.scan(g.graph(), g.saver().orElse(null)));
  }

  public static String format(Summary s, boolean all) {
    StringBuilder sb = new StringBuilder();
    sb.append(s.kind()).append(' ').append(s.file()).append(" (").append(s.writtenBy()).append(", ")
        .append(s.nodes()).append(" nodes)\n");
    sb.append("placeholders:\n");
    s.placeholders().forEach(p -> sb.append("  ").append(p.key()).append(' ').append(p.dtypeName()).append(' ')
        .append(p.shapeText()).append('\n'));
    sb.append("variables: ").append(s.variables().size()).append('\n');
    s.variables().forEach(v -> sb.append("  ").append(v.key()).append(' ').append(v.dtypeName()).append(' ')
        .append(v.shapeText()).append('\n'));
    sb.append("op counts:");
    List<Map.Entry<String, Integer>> ops = s.opCounts().entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()))
        .toList();
    int shown = all ? ops.size() : Math.min(ops.size(), 15);
    for (int i = 0; i < shown; i++) {
      sb.append(i % 5 == 0 ? "\n  " : ", ").append(ops.get(i).getKey()).append(' ').append(ops.get(i).getValue());
    }
    sb.append(shown < ops.size() ? "\n  ... " + (ops.size() - shown) + " more op types (--all)\n" : "\n");
    List<String> outs = s.outputs();
    int shownOuts = all ? outs.size() : Math.min(outs.size(), 20);
    sb.append("outputs (nodes nothing consumes): ").append(String.join(", ", outs.subList(0, shownOuts)))
        .append(shownOuts < outs.size() ? ", ... " + (outs.size() - shownOuts) + " more (--all)" : "").append('\n');
    sb.append("unsafe ops: ").append(s.scan().isSafe() ? "none" : String.join(", ", s.scan().unsafeOpTypes()))
        .append('\n');
    return sb.toString();
  }
}
