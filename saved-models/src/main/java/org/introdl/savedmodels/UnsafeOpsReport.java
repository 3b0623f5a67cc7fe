package org.introdl.savedmodels;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.introdl.core.safety.Bytes;
import org.introdl.savedmodels.safety.OpRegistry;
import org.introdl.savedmodels.safety.UnsafeOps;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * {@code savedmodel scan} as text: the MetaGraph's size and declared memory, the op types that loading and the
 * signatures run, then a verdict for loading (restore path and init ops) and one per signature, each finding with
 * its op, node path and why.
 */
public final class UnsafeOpsReport {
  private UnsafeOpsReport() {}

  /** Whether {@code savedmodel scan} passes: nothing unsafe anywhere, and within the memory budget. */
  public static boolean passes(UnsafeOps.SavedModelScan scan, long memoryBudget) {
    return scan.isSafe() && !scan.loading().memory().exceeds(memoryBudget);
  }

  public static String format(String what, MetaGraphDef metaGraph, UnsafeOps.SavedModelScan scan,
      long memoryBudget) {
    StringBuilder sb = new StringBuilder();
    List<FunctionDef> functions = metaGraph.getGraphDef().getLibrary().getFunctionList();
    sb.append(what).append(": ").append(metaGraph.getGraphDef().getNodeCount()).append(" graph nodes, ")
        .append(functions.size()).append(" functions (")
        .append(functions.stream().mapToInt(FunctionDef::getNodeDefCount).sum()).append(" nodes)\n");
    UnsafeOps.Report all = UnsafeOps.scan(metaGraph);
    sb.append("op types run by loading and the signatures (").append(all.opCounts().size()).append("):");
    int i = 0;
    for (Map.Entry<String, Integer> e : all.opCounts().entrySet()) {
      sb.append(i++ % 6 == 0 ? "\n  " : ", ").append(e.getKey()).append(' ').append(e.getValue());
    }
    sb.append('\n');
    List<String> unknown = unknownOps(metaGraph);
    if (!unknown.isEmpty()) {
      sb.append("ops this TensorFlow runtime does not know (the model will not load): ")
          .append(String.join(", ", unknown)).append('\n');
    }
    UnsafeOps.Report loading = scan.loading();
    boolean overBudget = loading.memory().exceeds(memoryBudget);
    sb.append("declared tensors: ").append(loading.memory().describe()).append(overBudget
        ? ", OVER the memory budget of " + Bytes.format(memoryBudget) + " (--max-memory)" : "").append('\n');
    verdict(sb, "loading (restore path and init ops)", loading);
    if (loading.saverCheckpointOps() > 0) {
      sb.append("  checkpoint readers on the validated restore path: ").append(loading.saverCheckpointOps())
          .append('\n');
    }
    scan.signatures().forEach((key, r) -> verdict(sb, "signature " + key, r));
    List<String> unsafe = Stream.concat(Stream.of(loading), scan.signatures().values().stream())
        .flatMap(r -> r.unsafeOpTypes().stream()).distinct().sorted().toList();
    sb.append(unsafe.isEmpty() ? "unsafe ops: none" : "UNSAFE ops: " + String.join(", ", unsafe)).append('\n');
    return sb.toString();
  }

  /** Op types anywhere in the graph or its functions that this runtime does not register: loading fails on them. */
  static List<String> unknownOps(MetaGraphDef metaGraph) {
    Set<String> functions = new HashSet<>();
    metaGraph.getGraphDef().getLibrary().getFunctionList().forEach(f -> functions.add(f.getSignature().getName()));
    Set<String> unknown = new TreeSet<>();
    Consumer<NodeDef> check = n -> {
      if (!functions.contains(n.getOp()) && !OpRegistry.isRegistered(n.getOp())) {
        unknown.add(n.getOp());
      }
    };
    metaGraph.getGraphDef().getNodeList().forEach(check);
    metaGraph.getGraphDef().getLibrary().getFunctionList().forEach(f -> f.getNodeDefList().forEach(check));
    return List.copyOf(unknown);
  }

  private static void verdict(StringBuilder sb, String part, UnsafeOps.Report r) {
    sb.append(part).append(": ").append(r.isSafe() ? "safe" : "UNSAFE");
    if (r.isSafe() && !r.needsGpuKernel().isEmpty()) {
      sb.append(", but cannot run on this CPU-only runtime");
    }
    sb.append('\n');
    r.findings().forEach(f -> sb.append("  ").append(f).append('\n'));
    r.needsGpuKernel().forEach(f -> sb.append("  ").append(f).append('\n'));
    r.notes().forEach(note -> sb.append("  note: ").append(note).append('\n'));
  }
}
