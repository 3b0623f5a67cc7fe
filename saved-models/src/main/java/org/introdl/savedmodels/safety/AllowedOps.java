package org.introdl.savedmodels.safety;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;

/**
 * The allowlist: op types known to be pure computation, read from {@code pure-ops.txt} beside this class (one
 * family per paragraph, each with a comment that says why it is safe). Every other op type is unsafe. A few ops are
 * safe only with some attribute values; {@link #attributeProblem} checks those.
 */
public final class AllowedOps {
  private static final String RESOURCE = "pure-ops.txt";
  private static final Set<String> PURE = load();

  /**
   * The only op types the restore path of a SavedModel or MetaGraph may hold: the checkpoint readers, the
   * assignments into variables, identities, no-ops, constants, the variables, the file-name input and the ops
   * that build shard file names, ZerosLike (TensorFlow Java's saver makes its empty shape-and-slices with it), and
   * calls of functions made of the same.
   */
  static final Set<String> RESTORE_PATH = Set.of(
      "RestoreV2", "Restore", "RestoreSlice", "Assign", "AssignVariableOp", "Identity", "IdentityN", "NoOp", "Const",
      "VariableV2", "VarHandleOp", "Placeholder", "PlaceholderWithDefault", "StringJoin", "ShardedFilename",
      "DisableCopyOnRead", "ZerosLike", "StatefulPartitionedCall", "PartitionedCall");

  /** The checkpoint readers: accepted on the validated restore path only. */
  static final Set<String> CHECKPOINT_READERS = Set.of("RestoreV2", "Restore", "RestoreSlice");

  /** The checkpoint writers: accepted on a saver's save path only, writing under its file name. */
  static final Set<String> CHECKPOINT_WRITERS = Set.of("SaveV2", "Save", "SaveSlices", "MergeV2Checkpoints");

  /** PrintV2's {@code output_stream} values that do not name a file. */
  private static final Set<String> PRINT_STREAMS = Set.of("stderr", "log(info)", "log(warning)", "log(error)");

  private AllowedOps() {}

  /** Whether {@code op} (an exact, case-sensitive op type) is on the allowlist. */
  public static boolean isPureComputation(String op) {
    return PURE.contains(op);
  }

  /** The allowlist, sorted. */
  public static Set<String> all() {
    return new TreeSet<>(PURE);
  }

  /** Why an allowlisted node is unsafe with the attribute values it has, if it is. */
  static Optional<String> attributeProblem(NodeDef node) {
    switch (node.getOp()) {
      case "PrintV2" -> {
        String stream = stringAttr(node, "output_stream", "stderr");
        if (!PRINT_STREAMS.contains(stream)) {
          return Optional.of("prints to '" + stream + "'; only stderr and TensorFlow's log are allowed");
        }
      }
      case "DecodeProtoV2", "EncodeProto" -> {
        String source = stringAttr(node, "descriptor_source", "local://");
        if (!source.equals("local://")) {
          return Optional.of("reads message descriptors from '" + source + "'; only local:// is allowed");
        }
      }
      case "Const", "HostConst" -> {
        return constantProblem(node);
      }
      default -> {
        // No attribute makes the other allowlisted ops reach outside the computation.
      }
    }
    return Optional.empty();
  }

  /**
   * Why a constant is refused, if it is: a variant or resource constant holds serialised objects (tensor lists,
   * nested tensors, handles) that TensorFlow decodes without limits (one declaring 2^57 list elements ends the
   * process); no real model stores one.
   */
  static Optional<String> constantProblem(NodeDef node) {
    if (!node.getOp().equals("Const") && !node.getOp().equals("HostConst")) {
      return Optional.empty();
    }
    AttrValue dtype = node.getAttrMap().get("dtype");
    AttrValue value = node.getAttrMap().get("value");
    for (DataType t : new DataType[] {dtype == null ? null : dtype.getType(),
        value == null ? null : value.getTensor().getDtype()}) {
      if (t != null && OPAQUE.contains(t)) {
        return Optional.of("a constant of type " + t.name().substring(3).toLowerCase(java.util.Locale.ROOT)
            + ": it holds serialised objects that TensorFlow decodes without limits");
      }
    }
    return Optional.empty();
  }

  private static final Set<DataType> OPAQUE = Set.of(DataType.DT_VARIANT, DataType.DT_RESOURCE,
      DataType.DT_VARIANT_REF, DataType.DT_RESOURCE_REF);

  private static String stringAttr(NodeDef node, String name, String defaultValue) {
    AttrValue v = node.getAttrMap().get(name);
    return v == null ? defaultValue : v.getS().toStringUtf8();
  }

  /**
   * What an op outside the allowlist is known to do, for messages; ops not named here are unsafe simply because
   * nobody has reviewed them.
   */
  static String riskOf(String op) {
    for (Map.Entry<String, List<String>> e : KNOWN_RISKS.entrySet()) {
      if (e.getValue().contains(op)) {
        return e.getKey();
      }
    }
    if (op.contains("Dataset") || op.contains("Reader") || op.contains("SummaryWriter") || op.startsWith("Write")
        || op.contains("Iterator")) {
      return "a dataset, reader or summary writer: these read or write files";
    }
    if (op.startsWith("Collective") || op.startsWith("Nccl") || op.contains("Rpc") || op.startsWith("Xla")
        || op.contains("TPU")) {
      return "talks to other devices or machines, or runs compiled code";
    }
    return "not on the list of ops known to be pure computation";
  }

  private static final Map<String, List<String>> KNOWN_RISKS = knownRisks();

  private static Map<String, List<String>> knownRisks() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("runs a graph held in a tensor", List.of("DatasetFromGraph", "ExperimentalDatasetFromGraph",
        "TfLiteSubgraphExecute", "XlaCallModule", "SymbolicGradient", "RemoteCall", "MapDefun"));
    m.put("reads, writes or lists files", List.of("ReadFile", "WriteFile", "MatchingFiles", "ImmutableConst",
        "Save", "SaveV2", "SaveSlices", "Restore", "RestoreV2", "RestoreSlice", "MergeV2Checkpoints",
        "LoadAndRemapMatrix", "GenerateVocabRemapping", "InitializeTableFromTextFile",
        "InitializeTableFromTextFileV2", "RecordInput", "DistributedSave", "Skipgram", "DecodeProtoV2",
        "EncodeProto", "DebugIdentity", "DebugIdentityV2", "DebugIdentityV3", "DebugNanCount",
        "DebugNumericSummary", "DebugNumericSummaryV2", "DumpTensor", "CalibrationStatisticsSaver",
        "FileSystemSetConfiguration", "ImportEvent"));
    m.put("talks to other machines", List.of("Send", "Recv", "_Send", "_Recv", "_HostSend", "_HostRecv",
        "RpcCall", "RpcClient", "RpcServer", "RpcServerStart", "RpcServerRegister", "WorkerHeartbeat"));
    m.put("calls back into a Python process or ends this one", List.of("PyFunc", "PyFuncStateless",
        "EagerPyFunc", "Abort"));
    return m;
  }

  private static Set<String> load() {
    InputStream in = AllowedOps.class.getResourceAsStream(RESOURCE);
    if (in == null) {
      throw new IllegalStateException("the allowlist " + RESOURCE + " is missing from the class path");
    }
    Set<String> ops = new TreeSet<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.startsWith("#")) {
          for (String op : line.trim().split("\\s+")) {
            if (!op.isEmpty()) {
              ops.add(op);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Set.copyOf(ops);
  }
}
