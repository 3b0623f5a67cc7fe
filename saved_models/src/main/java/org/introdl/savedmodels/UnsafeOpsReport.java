package org.introdl.savedmodels;

import java.util.Map;
import org.introdl.core.safety.UnsafeOps;

/** A scan report as text: sizes, every op type with its count, and the findings. */
public final class UnsafeOpsReport {
  private UnsafeOpsReport() {}

  /** Op types of the report that are neither registered ops nor calls of library functions. */
  public static java.util.List<String> unregistered(UnsafeOps.Report r) {
    java.util.Set<String> known = new java.util.HashSet<>();
    org.tensorflow.TensorFlow.registeredOpList().getOpList().forEach(op -> known.add(op.getName()));
    return r.opCounts().keySet().stream().filter(op -> !op.startsWith("(call) ") && !known.contains(op)).toList();
  }

  public static String format(String what, UnsafeOps.Report r) {
    StringBuilder sb = new StringBuilder();
    sb.append(what).append(": ").append(r.graphNodes()).append(" graph nodes, ").append(r.functions())
        .append(" functions (").append(r.functionNodes()).append(" nodes)\n");
    sb.append("op types (").append(r.opCounts().size()).append("):");
    int i = 0;
    for (Map.Entry<String, Integer> e : r.opCounts().entrySet()) {
      sb.append(i++ % 6 == 0 ? "\n  " : ", ").append(e.getKey()).append(' ').append(e.getValue());
    }
    sb.append('\n');
    if (r.saverCheckpointOps() > 0) {
      sb.append("checkpoint ops of the model's own saver (accepted): ").append(r.saverCheckpointOps()).append('\n');
    }
    java.util.List<String> unknown = unregistered(r);
    if (!unknown.isEmpty()) {
      sb.append("ops this TensorFlow runtime does not know (the model will not load): ")
          .append(String.join(", ", unknown)).append('\n');
    }
    if (r.isSafe()) {
      sb.append("unsafe ops: none\n");
    } else {
      sb.append("UNSAFE ops: ").append(r.findings().size()).append('\n');
      r.findings().forEach(f -> sb.append("  ").append(f).append('\n'));
    }
    return sb.toString();
  }
}
