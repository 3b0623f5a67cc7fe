package org.introdl.core.safety;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.introdl.core.UserError;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SaverDef;

/**
 * The one place that decides which TensorFlow ops a model from a stranger may not run: ops that read, write or list
 * files, talk to the network, call back into a Python process, or print to the console. Loading a SavedModel runs
 * part of its graph (the restore op, the main/init op), so every model is scanned <em>before</em> it is handed to
 * the runtime, graph and function library both.
 *
 * <p>The checkpoint ops ({@code SaveV2}, {@code RestoreV2}, ...) are in every SavedModel: the loader itself runs the
 * restore op to read {@code variables/}. They are accepted only where they belong to the model's own saver (the
 * ancestors of the {@link SaverDef}'s save tensor and restore op, and the functions only those nodes call);
 * anywhere else (e.g. reachable from a signature) they are flagged like any other file access.
 */
public final class UnsafeOps {
  /** What an op can reach outside the computation. */
  public enum Risk {
    FILES("reads, writes or lists files"),
    NETWORK("talks to other machines"),
    PROCESS("calls back into a Python process"),
    CONSOLE("prints to the console or to a file");

    public final String description;

    Risk(String description) {
      this.description = description;
    }
  }

  /** Op types that read or write checkpoint files: allowed only inside the model's own saver. */
  public static final Set<String> CHECKPOINT_OPS = Set.of(
      "Save", "SaveV2", "SaveSlices", "Restore", "RestoreV2", "RestoreSlice", "MergeV2Checkpoints");

  /** The denylist: op type to the risk it carries. Keep it sorted by risk; every entry is a registered op type. */
  public static final Map<String, Risk> DENYLIST = denylist();

  private static Map<String, Risk> denylist() {
    Map<String, Risk> m = new LinkedHashMap<>();
    for (String op : List.of(
        // plain file access
        "ReadFile", "WriteFile", "MatchingFiles", "DeleteFile", "FileSystemSetConfiguration",
        // a constant memory-mapped from a file
        "ImmutableConst",
        // checkpoints (see CHECKPOINT_OPS) and other checkpoint readers
        "Save", "SaveV2", "SaveSlices", "Restore", "RestoreV2", "RestoreSlice", "MergeV2Checkpoints",
        "LoadAndRemapMatrix", "GenerateVocabRemapping",
        // TF1 readers
        "WholeFileReader", "WholeFileReaderV2", "TextLineReader", "TextLineReaderV2", "TFRecordReader",
        "TFRecordReaderV2", "FixedLengthRecordReader", "FixedLengthRecordReaderV2", "LMDBReader",
        "ReaderRead", "ReaderReadV2", "ReaderReadUpTo", "ReaderReadUpToV2", "ReaderRestoreState",
        "ReaderRestoreStateV2",
        // file-backed tables and word2vec's file reader
        "InitializeTableFromTextFile", "InitializeTableFromTextFileV2", "Skipgram",
        // file-backed datasets and dataset writers
        "TextLineDataset", "TFRecordDataset", "TFRecordDatasetV2", "FixedLengthRecordDataset",
        "FixedLengthRecordDatasetV2", "CSVDataset", "CSVDatasetV2", "ExperimentalCSVDataset", "LMDBDataset",
        "ExperimentalLMDBDataset", "SqlDataset", "ExperimentalSqlDataset", "MatchingFilesDataset",
        "ExperimentalMatchingFilesDataset", "CacheDataset", "CacheDatasetV2", "SaveDataset", "SaveDatasetV2",
        "LoadDataset", "ExperimentalLoadDataset", "SnapshotDataset", "SnapshotDatasetV2", "SnapshotDatasetReader",
        "SnapshotNestedDatasetReader", "DatasetToTFRecord", "ExperimentalDatasetToTFRecord",
        // summary and debug writers
        "CreateSummaryFileWriter", "CreateSummaryDbWriter", "WriteSummary", "WriteScalarSummary",
        "WriteHistogramSummary", "WriteImageSummary", "WriteAudioSummary", "WriteGraphSummary",
        "WriteRawProtoSummary", "ImportEvent", "FlushSummaryWriter", "CloseSummaryWriter")) {
      m.put(op, Risk.FILES);
    }
    for (String op : List.of(
        "DebugIdentity", "DebugIdentityV2", "DebugIdentityV3", "DebugNanCount", "DebugNumericSummary",
        "DebugNumericSummaryV2", "Send", "Recv", "_Send", "_Recv", "_HostSend", "_HostRecv", "RemoteCall",
        "Rpc", "TryRpc", "RpcClient", "RpcCall", "RpcServer", "RpcServerStart", "RpcServerRegister",
        "DataServiceDataset", "DataServiceDatasetV2", "DataServiceDatasetV3", "DataServiceDatasetV4",
        "RegisterDataset", "RegisterDatasetV2", "BigQueryReader", "GenerateBigQueryReaderPartitions",
        "CollectiveReduce", "CollectiveReduceV2", "CollectiveReduceV3", "CollectiveGather",
        "CollectiveGatherV2", "CollectiveBcastSend", "CollectiveBcastRecv", "CollectiveBcastSendV2",
        "CollectiveBcastRecvV2", "CollectiveAllToAllV2", "CollectiveAllToAllV3")) {
      m.put(op, Risk.NETWORK);
    }
    for (String op : List.of("PyFunc", "PyFuncStateless", "EagerPyFunc")) {
      m.put(op, Risk.PROCESS);
    }
    for (String op : List.of("Print", "PrintV2")) {
      m.put(op, Risk.CONSOLE);
    }
    return Collections.unmodifiableMap(m);
  }

  private UnsafeOps() {}

  /** One unsafe op found: its type, the node, where it lives ({@code graph} or {@code function NAME}), why. */
  public record Finding(String opType, String node, String where, Risk risk) {
    @Override
    public String toString() {
      return opType + " (" + risk.description + ") at " + node + " in " + where;
    }
  }

  /**
   * What a scan saw: every op type with its count (graph and functions together), the findings, how many
   * checkpoint ops were accepted as the model's own saver, and the size of the graph and library.
   */
  public record Report(
      Map<String, Integer> opCounts, List<Finding> findings, int saverCheckpointOps, int graphNodes,
      int functions, int functionNodes) {
    public boolean isSafe() {
      return findings.isEmpty();
    }

    /** The distinct unsafe op types, sorted. */
    public List<String> unsafeOpTypes() {
      return findings.stream().map(Finding::opType).distinct().sorted().toList();
    }
  }

  /** Whether an op type is on the denylist. */
  public static boolean isDenied(String opType) {
    return DENYLIST.containsKey(opType);
  }

  /** Scans a MetaGraphDef: its graph, its function library and its saver. */
  public static Report scan(MetaGraphDef metaGraph) {
    return scan(metaGraph.getGraphDef(), metaGraph.hasSaverDef() ? metaGraph.getSaverDef() : null);
  }

  /** Scans a graph and its function library; {@code saver} (may be null) marks the checkpoint ops it owns. */
  public static Report scan(GraphDef graph, SaverDef saver) {
    Map<String, FunctionDef> library = new HashMap<>();
    for (FunctionDef f : graph.getLibrary().getFunctionList()) {
      library.put(f.getSignature().getName(), f);
    }
    Set<String> saverNodes = saverSubgraph(graph, saver);
    Set<String> saverOnlyFunctions = saverOnlyFunctions(graph, library, saverNodes);

    Map<String, Integer> counts = new TreeMap<>();
    List<Finding> findings = new ArrayList<>();
    int[] accepted = {0};
    int functionNodes = 0;
    for (NodeDef node : graph.getNodeList()) {
      inspect(node, "graph", saverNodes.contains(node.getName()), library, counts, findings, accepted);
    }
    for (FunctionDef f : library.values()) {
      String name = f.getSignature().getName();
      boolean saverOwned = saverOnlyFunctions.contains(name);
      for (NodeDef node : f.getNodeDefList()) {
        functionNodes++;
        inspect(node, "function " + name, saverOwned, library, counts, findings, accepted);
      }
    }
    findings.sort((a, b) -> (a.opType() + a.where() + a.node()).compareTo(b.opType() + b.where() + b.node()));
    return new Report(Collections.unmodifiableMap(counts), List.copyOf(findings), accepted[0],
        graph.getNodeCount(), library.size(), functionNodes);
  }

  /**
   * For code that loads a SavedModel (e.g. {@code bundle.metaGraphDef()}): refuses it, unless {@code allowUnsafe},
   * when its graph or function library holds unsafe ops. Call it on the parsed {@code saved_model.pb} before
   * loading: loading runs the restore and init ops.
   */
  public static void requireSafe(MetaGraphDef metaGraph, String source, boolean allowUnsafe) {
    if (!allowUnsafe) {
      requireSafe(scan(metaGraph), source);
    }
  }

  /**
   * For a lab that loads a SavedModel folder: reads {@code saved_model.pb} in Java and refuses the model, unless
   * {@code allowUnsafe}, when any of its MetaGraphs holds unsafe ops. Call it <em>before</em>
   * {@code SavedModelBundle.load}: loading already runs the model's restore and init ops, so checking
   * {@code bundle.metaGraphDef()} afterwards is too late. A missing or unreadable file is a {@link UserError}.
   */
  public static void requireSafeSavedModel(java.nio.file.Path dir, boolean allowUnsafe) {
    java.nio.file.Path pb = dir.resolve("saved_model.pb");
    org.tensorflow.proto.SavedModel model;
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(pb)) {
      model = org.tensorflow.proto.SavedModel.parseFrom(in);
    } catch (java.nio.file.NoSuchFileException e) {
      throw UserError.inFile(dir, "no saved_model.pb in this folder (is it a SavedModel?)");
    } catch (java.io.IOException e) {
      throw UserError.inFile(pb, "not a valid SavedModel (" + e.getMessage() + ")");
    }
    for (MetaGraphDef metaGraph : model.getMetaGraphsList()) {
      requireSafe(metaGraph, dir.toString(), allowUnsafe);
    }
  }

  /** The same for a bare GraphDef (a frozen graph): it has no saver, so checkpoint ops are refused too. */
  public static void requireSafe(GraphDef graph, String source, boolean allowUnsafe) {
    if (!allowUnsafe) {
      requireSafe(scan(graph, null), source);
    }
  }

  /** Throws a one-line {@link UserError} naming {@code what} and the unsafe ops unless the report is clean. */
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

  private static void inspect(NodeDef node, String where, boolean saverOwned, Map<String, FunctionDef> library,
      Map<String, Integer> counts, List<Finding> findings, int[] accepted) {
    String op = node.getOp();
    if (library.containsKey(op)) {
      counts.merge("(call) " + op, 1, Integer::sum);
      return;
    }
    counts.merge(op, 1, Integer::sum);
    Risk risk = DENYLIST.get(op);
    if (risk == null) {
      return;
    }
    if (saverOwned && CHECKPOINT_OPS.contains(op)) {
      accepted[0]++;
      return;
    }
    findings.add(new Finding(op, node.getName(), where, risk));
  }

  /** The graph nodes the saver runs: ancestors of its save tensor and restore op (data and control inputs). */
  private static Set<String> saverSubgraph(GraphDef graph, SaverDef saver) {
    if (saver == null) {
      return Set.of();
    }
    Map<String, NodeDef> byName = new HashMap<>();
    for (NodeDef n : graph.getNodeList()) {
      byName.put(n.getName(), n);
    }
    Set<String> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>();
    for (String root : List.of(saver.getSaveTensorName(), saver.getRestoreOpName())) {
      if (!root.isEmpty()) {
        todo.add(nodeName(root));
      }
    }
    while (!todo.isEmpty()) {
      String name = todo.pop();
      NodeDef n = byName.get(name);
      if (n == null || !seen.add(name)) {
        continue;
      }
      for (String input : n.getInputList()) {
        todo.add(nodeName(input));
      }
    }
    return seen;
  }

  /** Functions reachable from the saver's nodes and from no other graph node. */
  private static Set<String> saverOnlyFunctions(GraphDef graph, Map<String, FunctionDef> library,
      Set<String> saverNodes) {
    if (saverNodes.isEmpty()) {
      return Set.of();
    }
    Set<String> fromSaver = new HashSet<>();
    Set<String> fromOthers = new HashSet<>();
    for (NodeDef n : graph.getNodeList()) {
      collectCalls(n, library, saverNodes.contains(n.getName()) ? fromSaver : fromOthers);
    }
    Set<String> saverReach = closure(fromSaver, library);
    saverReach.removeAll(closure(fromOthers, library));
    return saverReach;
  }

  private static Set<String> closure(Set<String> roots, Map<String, FunctionDef> library) {
    Set<String> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(roots);
    while (!todo.isEmpty()) {
      String f = todo.pop();
      FunctionDef def = library.get(f);
      if (def == null || !seen.add(f)) {
        continue;
      }
      Set<String> calls = new HashSet<>();
      for (NodeDef n : def.getNodeDefList()) {
        collectCalls(n, library, calls);
      }
      todo.addAll(calls);
    }
    return seen;
  }

  /** The library functions a node calls: by op type, or through function-valued attributes (If, While, ...). */
  private static void collectCalls(NodeDef node, Map<String, FunctionDef> library, Set<String> into) {
    if (library.containsKey(node.getOp())) {
      into.add(node.getOp());
    }
    for (AttrValue v : node.getAttrMap().values()) {
      if (v.hasFunc()) {
        into.add(v.getFunc().getName());
      }
      if (v.hasList()) {
        v.getList().getFuncList().forEach(f -> into.add(f.getName()));
      }
    }
  }

  /** "^name", "name:1" and "name" all denote node {@code name}. */
  private static String nodeName(String input) {
    String s = input.startsWith("^") ? input.substring(1) : input;
    int colon = s.indexOf(':');
    return colon < 0 ? s : s.substring(0, colon);
  }
}
