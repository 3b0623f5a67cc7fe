package org.introdl.savedmodels;

import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.values.TensorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.introdl.savedmodels.checkpoint.TensorBundleIndex;
import org.introdl.savedmodels.repair.CudnnRnnRewrite;
import org.introdl.savedmodels.repair.SignatureRepair;
import org.tensorflow.proto.MetaGraphDef;

/** {@code savedmodel show}: tags, signatures and their tensors, the TF version that wrote the model. */
public final class SavedModelShow {
  private SavedModelShow() {}

  /** One MetaGraph: its tags, who wrote it, its signatures (all of them, {@code __} ones included). */
  public record MetaGraphInfo(Set<String> tags, String tensorflowVersion, String tensorflowGitVersion,
      List<SavedModelDir.Signature> signatures, int graphNodes, int functions, List<String> collections,
      List<String> assets, Map<String, String> runArguments, List<String> warnings) {}

  /** The whole description, plus the variables listed by {@code variables/variables.index} if present. */
  public record Description(Path dir, List<MetaGraphInfo> metaGraphs, Optional<TensorBundleIndex> variables) {}

  public static Description describe(Path dir) {
    SavedModelDir model = SavedModelDir.open(dir);
    List<MetaGraphInfo> infos = new ArrayList<>();
    for (MetaGraphDef mg : model.proto().getMetaGraphsList()) {
      Map<String, SavedModelDir.Signature> sigs = new TreeMap<>();
      mg.getSignatureDefMap().forEach((k, v) -> sigs.put(k, SavedModelDir.Signature.of(k, v)));
      Map<String, String> runArguments = new TreeMap<>();
      sigs.forEach((k, s) -> runArguments.put(k, ZeroInputRunArguments.arguments(s, mg.getGraphDef())));
      infos.add(new MetaGraphInfo(new java.util.TreeSet<>(mg.getMetaInfoDef().getTagsList()),
          mg.getMetaInfoDef().getTensorflowVersion(), mg.getMetaInfoDef().getTensorflowGitVersion(),
          List.copyOf(sigs.values()), mg.getGraphDef().getNodeCount(),
          mg.getGraphDef().getLibrary().getFunctionCount(), List.copyOf(new java.util.TreeSet<>(
              mg.getCollectionDefMap().keySet())), assets(dir), runArguments, warnings(model, mg)));
    }
    Path index = dir.resolve("variables").resolve("variables.index");
    Optional<TensorBundleIndex> variables =
        Files.isRegularFile(index) ? Optional.of(TensorBundleIndex.read(index)) : Optional.empty();
    return new Description(dir, infos, variables);
  }

  /**
   * What {@code run} will do about this MetaGraph before loading it (cuDNN layers rewritten, signatures ignored or
   * corrected), and a producer newer than this runtime.
   */
  private static List<String> warnings(SavedModelDir model, MetaGraphDef mg) {
    List<String> warnings = new ArrayList<>();
    String written = mg.getMetaInfoDef().getTensorflowVersion();
    String runtime = org.tensorflow.TensorFlow.version();
    if (!written.isEmpty() && compareVersions(written, runtime) > 0) {
      warnings.add("written by TensorFlow " + written + ", newer than this runtime (" + runtime + "); ops added "
          + "since may be missing here");
    }
    java.util.SortedSet<String> noCpuKernel = CpuKernels.missing(mg.getGraphDef());
    if (!noCpuKernel.isEmpty()) {
      warnings.add("no CPU kernel here for " + String.join(", ", noCpuKernel) + ": run cannot execute a signature "
          + "that reaches them (export the model on a CPU, or run it on a GPU: build with -Pgpu)");
    }
    org.introdl.savedmodels.safety.UnsafeOps.Report scan = org.introdl.savedmodels.safety.UnsafeOps.scan(mg);
    if (!scan.isSafe() || scan.memory().exceeds(org.introdl.core.safety.RunLimits.of(false).memoryBudgetBytes())) {
      // Planning the repairs imports the graph into TensorFlow, which evaluates stateless ops: not for this model.
      warnings.add("repairs not checked: the model holds ops outside the allowlist or declares more memory than the"
          + " budget (see savedmodel scan)");
      return warnings;
    }
    List<String> repairs = new ArrayList<>(org.introdl.savedmodels.repair.RestoredVariables.bind(mg).notes());
    repairs.addAll(CudnnRnnRewrite.plan(mg));
    repairs.addAll(SignatureRepair.repair(mg, List.of(), model.dir().toString()).notes());
    repairs.forEach(r -> warnings.add("run and convert: " + r.replace("rewrote ", "rewrite ")
        .replace("ignored signature", "ignore signature").replace("bound ", "bind ")));
    return warnings;
  }

  /** Compares dotted versions numerically ("2.20.0" > "2.18.0"); other text counts as 0. */
  static int compareVersions(String a, String b) {
    String[] x = a.split("[.-]");
    String[] y = b.split("[.-]");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int c = Integer.compare(number(x, i), number(y, i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private static int number(String[] parts, int i) {
    try {
      return i < parts.length ? Integer.parseInt(parts[i].replaceAll("\\D.*", "")) : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static List<String> assets(Path dir) {
    Path assets = dir.resolve("assets");
    if (!Files.isDirectory(assets)) {
      return List.of();
    }
    try (var files = Files.list(assets)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (java.io.IOException e) {
      return List.of();
    }
  }

  /** The description as text; {@code all} adds hidden signatures, graph sizes, collections, assets, variables. */
  public static String format(Description d, boolean all) {
    StringBuilder sb = new StringBuilder();
    sb.append("SavedModel ").append(d.dir()).append('\n');
    for (MetaGraphInfo mg : d.metaGraphs()) {
      sb.append("MetaGraph with tags: ").append(mg.tags().isEmpty() ? "(none)" : String.join(",", mg.tags()))
          .append('\n');
      sb.append("  written by TensorFlow ")
          .append(mg.tensorflowVersion().isEmpty() ? "(version not recorded)" : mg.tensorflowVersion());
      if (!mg.tensorflowGitVersion().isEmpty() && !mg.tensorflowGitVersion().equals("unknown")) {
        sb.append(" (").append(mg.tensorflowGitVersion()).append(')');
      }
      sb.append('\n');
      if (all) {
        sb.append("  graph: ").append(mg.graphNodes()).append(" nodes, ").append(mg.functions())
            .append(" functions\n");
        sb.append("  collections: ").append(mg.collections().isEmpty() ? "(none)" : String.join(", ",
            mg.collections())).append('\n');
        sb.append("  assets: ").append(mg.assets().isEmpty() ? "(none)" : String.join(", ", mg.assets()))
            .append('\n');
      }
      for (SavedModelDir.Signature s : mg.signatures()) {
        if (!all && s.key().startsWith("__")) {
          continue;
        }
        sb.append("  signature '").append(s.key()).append("'")
            .append(s.methodName().isEmpty() ? "" : " (method " + s.methodName() + ")").append('\n');
        s.inputs().values().forEach(t -> line(sb, "input ", t));
        s.outputs().values().forEach(t -> line(sb, "output", t));
        if (!s.key().startsWith("__")) {
          sb.append("    run with: ").append(mg.runArguments().get(s.key())).append('\n');
        }
      }
      mg.warnings().forEach(w -> sb.append("  warning: ").append(w).append('\n'));
    }
    if (all) {
      d.variables().ifPresent(v -> {
        sb.append("variables (variables/variables.index): ").append(v.entries().size()).append(" tensors\n");
        for (TensorBundleIndex.Entry e : v.entries()) {
          sb.append("  ").append(e.name()).append(' ').append(e.dtypeName()).append(' ')
              .append(TensorSpec.shapeText(e.shape())).append('\n');
        }
      });
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, String kind, TensorSpec t) {
    sb.append("    ").append(kind).append(' ').append(t.key()).append(": ").append(t.tensorName()).append(' ')
        .append(t.dtypeName()).append(' ').append(t.shapeText()).append('\n');
  }
}
