package org.introdl.savedmodels.safety;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.introdl.core.UserError;
import org.introdl.core.safety.Bytes;
import org.introdl.core.safety.RunLimits;
import org.tensorflow.proto.AssetFileDef;
import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SaverDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * The one scanner behind every command that runs a model from a stranger ({@code savedmodel scan|run|compare},
 * {@code graph show|run}, {@code checkpoint convert}, {@code music generate --saved-model}). A TensorFlow model is a
 * program; the scan judges what a run will actually execute, before any of it reaches the runtime:
 * <ul>
 *   <li>every op reachable from what runs (a signature's outputs, the loader's init ops, the nodes a session runs on
 *       its own), through functions, control flow, implementation alternatives and embedded graphs, must be on the
 *       allowlist of pure computation ({@link AllowedOps}, {@code pure-ops.txt}); anything else, including op types
 *       this runtime does not know and constants of opaque types, is unsafe;</li>
 *   <li>the restore path the loader runs must be a validated restore (checkpoint readers fed with the model's own
 *       {@code variables/} path, assignments, identities; never a save), and no asset tensor may feed it;</li>
 *   <li>a graph's savers (its own and any other) are judged whole: the restore path as above, the save path node by
 *       node, its writers writing only under the saver's file name;</li>
 *   <li>the tensors the model declares must fit the memory budget ({@link DeclaredMemory}).</li>
 * </ul>
 * The scan lowers the risk of running a stranger's model; a sandbox (a container, a separate user) removes it.
 */
public final class UnsafeOps {
  /** The signature TF2 SavedModels use for their init op. */
  public static final String INIT_SIGNATURE = "__saved_model_init_op";
  /** The collections whose nodes the loaders run at load time or before the first run. */
  public static final List<String> INIT_COLLECTIONS = List.of("saved_model_main_op", "legacy_init_op",
      "table_initializer");

  private UnsafeOps() {}

  /** What a finding is about. {@link #NEEDS_GPU_KERNEL} is not a safety problem; the others are. */
  public enum Kind {
    UNSAFE_OP, UNKNOWN_OP, UNSAFE_ATTRIBUTE, INVALID_RESTORE, INVALID_SAVE, UNSAFE_ASSET, DUPLICATE_NAME,
    FUNCTION_NAMED_LIKE_OP, NEEDS_GPU_KERNEL
  }

  /** One finding: its kind, the op type (or function name), the node's path ({@code call > function/node}), why. */
  public record Finding(Kind kind, String opType, String path, String why) {
    @Override
    public String toString() {
      return opType + " (" + why + ") at " + path;
    }
  }

  /**
   * What a scan saw.
   *
   * @param scope what was scanned ("signature serving_default", "loading", "graph")
   * @param findings the safety problems; empty when safe
   * @param needsGpuKernel allowed ops that have no CPU kernel in this runtime (the model cannot run here)
   * @param notes what is worth knowing but neither unsafe nor blocking (a GPU alternative the CPU one replaces)
   * @param opCounts every op type met (calls of library functions as "(call) NAME"), with its count
   * @param saverCheckpointOps checkpoint readers accepted on the validated restore path
   * @param graphNodes graph nodes reached
   * @param functions library functions entered
   * @param functionNodes nodes of those functions
   * @param memory what the whole model declares (every node, every function), for the memory budget
   */
  public record Report(String scope, List<Finding> findings, List<Finding> needsGpuKernel, List<String> notes,
      Map<String, Integer> opCounts, int saverCheckpointOps, int graphNodes, int functions, int functionNodes,
      DeclaredMemory memory) {
    public boolean isSafe() {
      return findings.isEmpty();
    }

    /** This report with what a checkpoint's index declares added to the memory (see {@link DeclaredMemory#plus}). */
    public Report withCheckpoint(String index, long declaredBytes) {
      return new Report(scope, findings, needsGpuKernel, notes, opCounts, saverCheckpointOps, graphNodes, functions,
          functionNodes, memory.plus("checkpoint", index, declaredBytes));
    }

    /** The distinct op types of the findings, sorted. */
    public List<String> unsafeOpTypes() {
      return findings.stream().map(Finding::opType).distinct().sorted().toList();
    }
  }

  /** A SavedModel MetaGraph scanned part by part: what loading runs, and each signature apart. */
  public record SavedModelScan(Report loading, Map<String, Report> signatures) {
    /** Safe when loading and every signature are (what {@code savedmodel scan} exits 3 on). */
    public boolean isSafe() {
      return loading.isSafe() && signatures.values().stream().allMatch(Report::isSafe);
    }

    /** With what the checkpoint's index declares added to loading's memory (restoring is part of loading). */
    public SavedModelScan withCheckpoint(String index, long declaredBytes) {
      return new SavedModelScan(loading.withCheckpoint(index, declaredBytes), signatures);
    }
  }

  // ---- scans ----

  /** What {@code savedmodel run --signature key} executes: loading (init ops, restore) plus that signature. */
  public static Report scanSignature(MetaGraphDef metaGraph, String signatureKey) {
    return scanSignatures(metaGraph, List.of(signatureKey));
  }

  /** What a session script ({@code savedmodel run --call ...}) executes: loading plus each called signature. */
  public static Report scanSignatures(MetaGraphDef metaGraph, Collection<String> signatureKeys) {
    GraphWalk walk = loadingWalk(metaGraph);
    for (String key : signatureKeys) {
      SignatureDef sig = metaGraph.getSignatureDefMap().get(key);
      if (sig != null) {
        walk.fromRoots(outputTensors(sig));
      }
    }
    return walk.report((signatureKeys.size() == 1 ? "signature " : "signatures ") + String.join(", ", signatureKeys),
        memory(metaGraph));
  }

  /** Loading, and each signature on its own (without loading), as {@code savedmodel scan} prints them. */
  public static SavedModelScan scanEachSignature(MetaGraphDef metaGraph) {
    DeclaredMemory memory = memory(metaGraph);
    Map<String, Report> signatures = new LinkedHashMap<>();
    for (String key : new TreeSet<>(metaGraph.getSignatureDefMap().keySet())) {
      if (!key.equals(INIT_SIGNATURE)) {
        signatures.put(key, new GraphWalk(metaGraph.getGraphDef())
            .fromRoots(outputTensors(metaGraph.getSignatureDefMap().get(key))).report("signature " + key, memory));
      }
    }
    return new SavedModelScan(loadingWalk(metaGraph).report("loading", memory), signatures);
  }

  /** Everything a SavedModel MetaGraph can run: loading and every signature together. */
  public static Report scan(MetaGraphDef metaGraph) {
    GraphWalk walk = loadingWalk(metaGraph);
    metaGraph.getSignatureDefMap().values().forEach(sig -> walk.fromRoots(outputTensors(sig)));
    return walk.report("all signatures", memory(metaGraph));
  }

  /**
   * A bare graph (a frozen GraphDef, or a MetaGraphDef's graph with its {@code saver}, may be null): every node,
   * with the savers apart. The model's saver and any other saver the graph holds (TF1 makes one per
   * {@code tf.train.Saver()}) are judged by their own rules: the restore path is a validated restore, the save path
   * is judged node by node (its writers must write under the saver's file name). What only the savers use is not
   * run by anything here; every other node is, and so are the nodes a session runs on its own.
   */
  public static Report scan(GraphDef graph, SaverDef saver) {
    GraphWalk walk = new GraphWalk(graph).importedWhole();
    List<SaverDef> savers = GraphWalk.savers(graph, saver);
    Set<String> saverPaths = ancestors(graph, saverRoots(savers));
    walk.fromRoots(graph.getNodeList().stream().map(NodeDef::getName).filter(n -> !saverPaths.contains(n))
        .toList());
    walk.fromRoots(sessionInitializers(graph));
    for (SaverDef s : savers) {
      // The model's own SaverDef must name a restore op (the loader runs it); another saver may be save-only.
      if (s == saver || !s.getRestoreOpName().isEmpty()) {
        walk.restore(s);
      }
      if (!s.getSaveTensorName().isEmpty()) {
        walk.save(s);
      }
    }
    return walk.report("graph", DeclaredMemory.of(graph));
  }

  /**
   * The nodes that only the graph's savers use (see {@link #scan(GraphDef, SaverDef)}), less the variables: what a
   * re-export leaves out, so that no old saver is left for TensorFlow Java's exporter to take for its own.
   */
  public static Set<String> saverOnlyNodes(GraphDef graph, SaverDef saver) {
    Set<String> saverPaths = ancestors(graph, saverRoots(GraphWalk.savers(graph, saver)));
    Set<String> usedElsewhere = ancestors(graph, graph.getNodeList().stream().map(NodeDef::getName)
        .filter(n -> !saverPaths.contains(n)).toList());
    Set<String> only = new LinkedHashSet<>();
    for (NodeDef n : graph.getNodeList()) {
      if (saverPaths.contains(n.getName()) && !usedElsewhere.contains(n.getName())
          && !VARIABLE_OPS.contains(n.getOp())) {
        only.add(n.getName());
      }
    }
    return only;
  }

  private static final Set<String> VARIABLE_OPS = Set.of("VariableV2", "Variable", "VarHandleOp");

  private static List<String> saverRoots(List<SaverDef> savers) {
    List<String> roots = new ArrayList<>();
    savers.forEach(s -> {
      roots.add(s.getRestoreOpName());
      roots.add(s.getSaveTensorName());
    });
    return roots;
  }

  /** What TensorFlow Java's {@code Graph.importGraphDef} takes for an initializer's name. */
  private static final String SESSION_INIT_PREFIX = "Init";

  /**
   * The nodes a TensorFlow Java session runs on its own before the first run of an imported graph: importing a
   * GraphDef registers every node whose name starts with {@code Init} as an initializer.
   */
  public static List<String> sessionInitializers(GraphDef graph) {
    return graph.getNodeList().stream().map(NodeDef::getName).filter(n -> n.startsWith(SESSION_INIT_PREFIX))
        .toList();
  }

  /**
   * What {@code graph run} executes: the fetched tensors' ancestors, the nodes the session runs on its own, and the
   * restore path when {@code restoreWith}.
   */
  public static Report scanFetches(GraphDef graph, Collection<String> fetches, SaverDef restoreWith) {
    GraphWalk walk = new GraphWalk(graph).importedWhole().fromRoots(fetches).fromRoots(sessionInitializers(graph));
    if (restoreWith != null) {
      walk.restore(restoreWith);
    }
    return walk.report("fetches", DeclaredMemory.of(graph));
  }

  /**
   * Loading: the init ops, the restore path, the asset tensors the loader feeds, and the nodes a session of an
   * imported copy of the graph runs on its own (the repairs import it).
   */
  private static GraphWalk loadingWalk(MetaGraphDef metaGraph) {
    GraphWalk walk = new GraphWalk(metaGraph.getGraphDef()).importedWhole().fromRoots(initOps(metaGraph))
        .fromRoots(sessionInitializers(metaGraph.getGraphDef()));
    if (metaGraph.hasSaverDef()) {
      walk.restore(metaGraph.getSaverDef());
    }
    walk.assets(assetFileDefs(metaGraph), metaGraph.hasSaverDef() ? metaGraph.getSaverDef() : null);
    return walk;
  }

  /** The collection where TF1 SavedModels keep their AssetFileDefs (the loader reads it when the field is empty). */
  private static final String ASSETS_COLLECTION = "saved_model_assets";

  /**
   * The assets the loader feeds: the MetaGraph's {@code asset_file_def}, and (TF1 SavedModels keep them there) the
   * AssetFileDefs packed in the {@code saved_model_assets} collection. Both are judged, whichever the loader reads.
   */
  static List<AssetFileDef> assetFileDefs(MetaGraphDef metaGraph) {
    List<AssetFileDef> assets = new ArrayList<>(metaGraph.getAssetFileDefList());
    CollectionDef packed = metaGraph.getCollectionDefMap().get(ASSETS_COLLECTION);
    if (packed != null && packed.hasAnyList()) {
      for (Any any : packed.getAnyList().getValueList()) {
        try {
          assets.add(AssetFileDef.parseFrom(any.getValue()));
        } catch (InvalidProtocolBufferException e) {
          // Not an AssetFileDef: the loader fails to unpack it and loads nothing.
        }
      }
    }
    return assets;
  }

  /** The nodes TensorFlow's loader and TensorFlow Java run at load time or before the first run. */
  public static List<String> initOps(MetaGraphDef metaGraph) {
    List<String> roots = new ArrayList<>();
    SignatureDef init = metaGraph.getSignatureDefMap().get(INIT_SIGNATURE);
    if (init != null) {
      roots.addAll(outputTensors(init));
    }
    for (String collection : INIT_COLLECTIONS) {
      CollectionDef c = metaGraph.getCollectionDefMap().get(collection);
      if (c != null && c.hasNodeList()) {
        roots.addAll(c.getNodeList().getValueList());
      }
    }
    return roots;
  }

  /** The tensors a signature's outputs name (dense, sparse and composite ones). */
  public static List<String> outputTensors(SignatureDef sig) {
    List<String> names = new ArrayList<>();
    sig.getOutputsMap().values().forEach(info -> addTensors(info, names));
    return names;
  }

  private static void addTensors(TensorInfo info, List<String> into) {
    if (info.hasCooSparse()) {
      into.add(info.getCooSparse().getValuesTensorName());
      into.add(info.getCooSparse().getIndicesTensorName());
      into.add(info.getCooSparse().getDenseShapeTensorName());
    } else if (info.hasCompositeTensor()) {
      info.getCompositeTensor().getComponentsList().forEach(c -> addTensors(c, into));
    } else if (!info.getName().isEmpty()) {
      into.add(info.getName());
    }
  }

  private static DeclaredMemory memory(MetaGraphDef metaGraph) {
    return DeclaredMemory.of(metaGraph.getGraphDef());
  }

  private static Set<String> ancestors(GraphDef graph, List<String> roots) {
    Map<String, NodeDef> byName = new LinkedHashMap<>();
    graph.getNodeList().forEach(n -> byName.putIfAbsent(n.getName(), n));
    return GraphWalk.ancestors(byName, roots.stream().filter(r -> !r.isEmpty()).map(GraphWalk::nodeName).toList());
  }

  // ---- refusals ----

  /**
   * The gate every entry point passes before it hands a model to TensorFlow: refuses, with one line naming
   * {@code what}, a model with unsafe findings or over the memory budget (unless {@code allowUnsafeOps}), and a
   * model with ops that have no CPU kernel here (always: TensorFlow could not run it).
   */
  public static void requireRunnable(Report report, String what, RunLimits limits) {
    requireSafeWithin(report, what, limits);
    if (!report.needsGpuKernel().isEmpty()) {
      Finding f = report.needsGpuKernel().get(0);
      int more = report.needsGpuKernel().size() - 1;
      throw new UserError(what + ": cannot run here: " + f.opType() + " at " + f.path() + " " + f.why()
          + (more > 0 ? " (and " + more + " more such ops)" : ""));
    }
  }

  /**
   * The safety half of {@link #requireRunnable}: refuses a model with unsafe findings or over the memory budget
   * unless {@code allowUnsafeOps}. Enough before anything hands the graph to TensorFlow without running it (an
   * import for inspection or repair already evaluates its stateless ops).
   */
  public static void requireSafeWithin(Report report, String what, RunLimits limits) {
    if (limits.allowUnsafeOps()) {
      return;
    }
    requireSafe(report, what);
    if (report.memory().exceeds(limits.memoryBudgetBytes())) {
      throw new UserError(what + ": refusing to run a model whose tensors declare " + report.memory().describe()
          + ", over the memory budget of " + Bytes.format(limits.memoryBudgetBytes())
          + " (raise it with --max-memory; pass --allow-unsafe-ops only if you trust its author)");
    }
  }

  /** Throws a one-line {@link UserError} naming {@code what} and the unsafe findings unless the report is clean. */
  public static void requireSafe(Report report, String what) {
    if (report.isSafe()) {
      return;
    }
    String ops = report.findings().stream().limit(5).map(Finding::toString).collect(Collectors.joining("; "));
    int more = report.findings().size() - 5;
    throw new UserError(what + ": refusing to run a model with unsafe ops: " + ops
        + (more > 0 ? "; and " + more + " more" : "")
        + " (inspect it with 'savedmodel scan'; pass --allow-unsafe-ops only if you trust its author)");
  }

  /**
   * For a lab that loads a SavedModel folder and runs its {@code serving_default} signature with the default limits
   * (see {@link #requireSafeSavedModel(Path, String, RunLimits)}): {@code music generate --saved-model}.
   */
  public static void requireSafeSavedModel(Path dir, boolean allowUnsafeOps) {
    requireSafeSavedModel(dir, "serving_default", RunLimits.of(allowUnsafeOps));
  }

  /**
   * For a lab that loads a SavedModel folder and runs {@code signatureKey} of its {@code serve} MetaGraph: reads
   * {@code saved_model.pb} in Java and refuses the model (see {@link #requireRunnable}) before
   * {@code SavedModelBundle.load}, which already runs the restore and init ops. A missing or unreadable file is a
   * {@link UserError}.
   */
  public static void requireSafeSavedModel(Path dir, String signatureKey, RunLimits limits) {
    ModelFolder.requireScannable(dir);
    Path pb = dir.resolve("saved_model.pb");
    SavedModel model;
    try (InputStream in = Files.newInputStream(pb)) {
      model = SavedModel.parseFrom(in);
    } catch (NoSuchFileException e) {
      throw UserError.inFile(dir, "no saved_model.pb in this folder (is it a SavedModel?)");
    } catch (IOException e) {
      throw UserError.inFile(pb, "not a valid SavedModel (" + e.getMessage() + ")");
    }
    MetaGraphDef serve = model.getMetaGraphsList().stream()
        .filter(mg -> new LinkedHashSet<>(mg.getMetaInfoDef().getTagsList()).equals(Set.of("serve")))
        .findFirst().orElseThrow(() -> UserError.inFile(dir, "no MetaGraph with tags 'serve'"));
    requireRunnable(scanSignature(serve, signatureKey), dir.toString(), limits);
  }
}
