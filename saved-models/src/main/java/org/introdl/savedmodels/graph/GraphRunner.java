package org.introdl.savedmodels.graph;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.introdl.core.UserError;
import org.introdl.core.io.Npy;
import org.introdl.core.safety.RunLimits;
import org.introdl.savedmodels.safety.UnsafeOps;
import org.introdl.savedmodels.checkpoint.CheckpointPrefix;
import org.introdl.savedmodels.checkpoint.TensorBundleIndex;
import org.introdl.core.safety.Watchdog;
import org.introdl.savedmodels.ModelInputs;
import org.introdl.savedmodels.format.ProtoFiles;
import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.SignatureRunner;
import org.introdl.savedmodels.values.TensorSpec;
import org.introdl.savedmodels.checkpoint.CheckpointList;
import org.introdl.savedmodels.checkpoint.CheckpointPrefix;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.proto.SaverDef;
import org.tensorflow.types.TString;

/**
 * {@code graph run}: feeds the placeholders the requested outputs depend on, restores a checkpoint first when the
 * graph has variables (a MetaGraphDef and its saver), and fetches the outputs. What that executes (the outputs'
 * ancestors, and the saver's restore path when a checkpoint is restored) is scanned before the graph is imported.
 */
public final class GraphRunner {
  private GraphRunner() {}

  public record Request(Path file, List<String> outputs, Map<String, String> rawInputs, Path checkpoint,
      RunLimits limits) {
    /** With the default memory budget and timeout. */
    public Request(Path file, List<String> outputs, Map<String, String> rawInputs, Path checkpoint,
        boolean allowUnsafeOps) {
      this(file, outputs, rawInputs, checkpoint, RunLimits.of(allowUnsafeOps));
    }
  }

  public record Outcome(Map<String, Npy.Array> outputs, UnsafeOps.Report scan) {}

  public static Outcome run(Request request) {
    GraphFile g = GraphFile.read(request.file());
    List<String> fetches = fetches(g, request.outputs());
    Map<String, TensorSpec> needed = neededPlaceholders(g, fetches);
    Map<String, Npy.Array> inputs = ModelInputs.resolve(request.rawInputs(), needed, request.file().toString());
    SaverDef restoreWith = request.checkpoint() == null ? null : g.saver().orElse(null);
    UnsafeOps.Report scan = UnsafeOps.scanFetches(g.graph(), fetches, restoreWith);
    if (request.checkpoint() != null) {
      Path index = CheckpointPrefix.resolve(request.checkpoint()).index();
      scan = scan.withCheckpoint(index.toString(), TensorBundleIndex.declaredBytes(index));
    }
    String what = request.file().toString();
    UnsafeOps.requireRunnable(scan, what, request.limits());
    Map<String, TensorSpec> outs = new LinkedHashMap<>();
    for (String f : fetches) {
      outs.put(f, new TensorSpec(f, f.contains(":") ? f : f + ":0", DataType.DT_FLOAT, null));
    }
    SavedModelDir.Signature sig = new SavedModelDir.Signature("graph", "", needed, outs);
    RunOptions options = Watchdog.runOptions(request.limits().timeout());
    Map<String, Npy.Array> outputs = Watchdog.call(request.limits().timeout(), what, () -> {
      try (Graph graph = importGraph(g); Session session = new Session(graph)) {
        restoreIfNeeded(g, session, request.checkpoint(), options);
        return SignatureRunner.feedAndFetch(session, sig, inputs, what, options);
      }
    });
    return new Outcome(outputs, scan);
  }

  /** Imports a graph already parsed and scanned; an unknown op or a broken graph is a UserError. */
  public static Graph importGraph(GraphFile g) {
    Graph graph = new Graph();
    try {
      graph.importGraphDef(g.graph());
      return graph;
    } catch (IllegalArgumentException | TensorFlowException e) {
      graph.close();
      throw UserError.inFile(g.file(), "TensorFlow cannot import this graph (" + ProtoFiles.firstLine(e.getMessage())
          + ")");
    }
  }

  /** Restores {@code checkpoint} through the MetaGraphDef's own saver; refuses to run variables uninitialised. */
  public static void restoreIfNeeded(GraphFile g, Session session, Path checkpoint, RunOptions options) {
    boolean hasVariables = !g.variables().isEmpty();
    if (checkpoint == null) {
      if (hasVariables) {
        throw UserError.inFile(g.file(), "the graph has " + g.variables().size()
            + " variables; pass --checkpoint PREFIX to restore them");
      }
      return;
    }
    SaverDef saver = g.saver().orElseThrow(() -> UserError.inFile(g.file(),
        "--checkpoint needs a MetaGraphDef (.meta) with a saver; this graph has none"));
    CheckpointPrefix prefix = CheckpointPrefix.resolve(checkpoint);
    CheckpointList.Listing listing = CheckpointList.list(prefix.prefix());
    for (CheckpointList.Shard s : listing.shards()) {
      if (!s.complete()) {
        throw UserError.inFile(s.file(), s.presentBytes() < 0 ? "checkpoint data file is missing"
            : "checkpoint data file is truncated (" + s.presentBytes() + " of " + s.requiredBytes() + " bytes)");
      }
    }
    if (!Files.isRegularFile(prefix.index())) {
      throw UserError.inFile(prefix.index(), "not found");
    }
    try (TString path = TString.scalarOf(prefix.prefix().toString())) {
      session.runner().feed(saver.getFilenameTensorName(), path).addTarget(opName(saver.getRestoreOpName()))
          .setOptions(options).run().close();
    } catch (TensorFlowException | IllegalArgumentException e) {
      throw UserError.inFile(prefix.prefix(), "cannot restore this checkpoint into the graph ("
          + ProtoFiles.firstLine(e.getMessage()) + ")");
    }
  }

  private static String opName(String name) {
    int colon = name.indexOf(':');
    return colon < 0 ? name : name.substring(0, colon);
  }

  private static List<String> fetches(GraphFile g, List<String> requested) {
    if (requested.isEmpty()) {
      List<String> outs = g.outputs();
      if (outs.size() != 1) {
        throw UserError.inFile(g.file(), "name the output(s) to fetch with --output; candidates: "
            + String.join(", ", outs.subList(0, Math.min(outs.size(), 20))) + (outs.size() > 20 ? ", ..." : ""));
      }
      return outs;
    }
    for (String r : requested) {
      if (g.node(GraphFile.nodeName(r)).isEmpty()) {
        throw UserError.inFile(g.file(), "no node '" + GraphFile.nodeName(r) + "' in the graph");
      }
    }
    return requested;
  }

  /** Placeholders that the fetched tensors depend on (data or control inputs, through loops). */
  static Map<String, TensorSpec> neededPlaceholders(GraphFile g, List<String> fetches) {
    Map<String, NodeDef> byName = new HashMap<>();
    g.graph().getNodeList().forEach(n -> byName.put(n.getName(), n));
    Set<String> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>();
    fetches.forEach(f -> todo.add(GraphFile.nodeName(f)));
    while (!todo.isEmpty()) {
      String name = todo.pop();
      NodeDef n = byName.get(name);
      if (n == null || !seen.add(name)) {
        continue;
      }
      n.getInputList().forEach(in -> todo.add(GraphFile.nodeName(in)));
    }
    Map<String, TensorSpec> needed = new LinkedHashMap<>();
    for (TensorSpec p : g.placeholders()) {
      boolean optional = byName.get(p.key()).getOp().equals("PlaceholderWithDefault");
      if (seen.contains(p.key()) && !optional) {
        needed.put(p.key(), p);
      }
    }
    return needed;
  }
}
