package org.introdl.core.safety;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.introdl.core.UserError;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * Which TensorFlow ops a model from a stranger may not run without the user's say-so: ops that read, write or list
 * files, print, map memory, or call back into a host language. This class is the one place the denylist lives.
 * A SavedModel's graph and every function in its library are scanned before anything runs.
 */
public final class UnsafeOps {
  /** Op types refused unless the user passes {@code --allow-unsafe-ops}, with why. */
  public static final Map<String, String> DENYLIST = denylist();

  private UnsafeOps() {}

  /** The result of a scan: every op type seen, and the unsafe ones with where they were found. */
  public record Scan(Set<String> opTypes, Map<String, Set<String>> unsafe) {
    public boolean isSafe() {
      return unsafe.isEmpty();
    }
  }

  /** Scans a graph and its function library. */
  public static Scan scan(GraphDef graph) {
    Set<String> types = new TreeSet<>();
    Map<String, Set<String>> unsafe = new TreeMap<>();
    for (NodeDef node : graph.getNodeList()) {
      note(node, "graph", types, unsafe);
    }
    for (FunctionDef function : graph.getLibrary().getFunctionList()) {
      for (NodeDef node : function.getNodeDefList()) {
        note(node, "function " + function.getSignature().getName(), types, unsafe);
      }
    }
    return new Scan(types, unsafe);
  }

  /** Throws a {@link UserError} naming the unsafe ops unless {@code allowUnsafe}. */
  public static void requireSafe(GraphDef graph, String source, boolean allowUnsafe) {
    Scan scan = scan(graph);
    if (!scan.isSafe() && !allowUnsafe) {
      throw new UserError(source + ": refused: the model contains ops that touch files, the network or the process ("
          + String.join(", ", scan.unsafe().keySet()) + "); inspect it with `./labs savedmodel scan`, and pass "
          + "--allow-unsafe-ops only if you trust it");
    }
  }

  private static void note(NodeDef node, String where, Set<String> types, Map<String, Set<String>> unsafe) {
    types.add(node.getOp());
    if (DENYLIST.containsKey(node.getOp())) {
      unsafe.computeIfAbsent(node.getOp(), k -> new TreeSet<>()).add(where + ": " + node.getName());
    }
  }

  private static Map<String, String> denylist() {
    Map<String, String> m = new TreeMap<>();
    for (String op : new String[] {"ReadFile", "MatchingFiles", "MatchingFilesDataset"}) {
      m.put(op, "reads or lists files");
    }
    // Save/Restore ops are not listed: every SavedModel carries them to load its own variables.
    for (String op : new String[] {"WriteFile", "DeleteFile", "WriteSummary", "WriteScalarSummary", "WriteImageSummary", "WriteHistogramSummary", "WriteAudioSummary",
        "WriteGraphSummary", "WriteRawProtoSummary", "CreateSummaryFileWriter", "CreateSummaryDbWriter",
        "DatasetToTFRecord", "SnapshotDataset", "SaveDataset", "SaveDatasetV2"}) {
      m.put(op, "writes or deletes files");
    }
    for (String op : new String[] {"TFRecordReader", "TFRecordReaderV2",
        "TextLineReader", "TextLineReaderV2", "WholeFileReader", "WholeFileReaderV2", "FixedLengthRecordReader",
        "FixedLengthRecordReaderV2", "LMDBReader", "TFRecordDataset", "TFRecordDatasetV2", "TextLineDataset",
        "FixedLengthRecordDataset", "FixedLengthRecordDatasetV2", "LMDBDataset", "LoadDataset", "CSVDataset",
        "CSVDatasetV2", "SqlDataset", "ExperimentalSqlDataset", "ExperimentalCSVDataset",
        "InitializeTableFromTextFile", "InitializeTableFromTextFileV2"}) {
      m.put(op, "reads files");
    }
    for (String op : new String[] {"ImmutableConst"}) {
      m.put(op, "maps a file into memory");
    }
    for (String op : new String[] {"Print", "PrintV2"}) {
      m.put(op, "writes to the process's output");
    }
    for (String op : new String[] {"PyFunc", "PyFuncStateless", "EagerPyFunc"}) {
      m.put(op, "calls back into Python code");
    }
    return java.util.Collections.unmodifiableMap(m);
  }
}
