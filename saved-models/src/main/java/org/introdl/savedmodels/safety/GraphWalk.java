package org.introdl.savedmodels.safety;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.introdl.savedmodels.safety.UnsafeOps.Finding;
import org.introdl.savedmodels.safety.UnsafeOps.Kind;
import org.tensorflow.proto.AssetFileDef;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NameAttrList;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.SaverDef;
import org.tensorflow.proto.TensorProto;

/**
 * One walk over what a run of a graph can execute, judging every op it meets against the allowlist. The walk starts
 * at the nodes the caller will run (a signature's outputs, the init ops) and follows data and control inputs; from
 * every node it enters the functions the node can call (its op type when that names a library function, every
 * function-valued attribute, nested ones too, and the functions TensorFlow may swap in for one with the same
 * {@code api_implements}, gradient functions aside); every node of a function it enters is judged. String constants
 * that hold a serialised GraphDef (raw or base64, in {@code string_val} or {@code tensor_content}) are walked too.
 * The restore path is judged by its own, stricter rules ({@link #restore(SaverDef)}), the save path node by node
 * ({@link #save(SaverDef)}), the asset tensors the loader feeds by {@link #assets}.
 */
final class GraphWalk {
  private static final Pattern OP_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_>]*");
  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/_-]{16,}={0,2}");
  private static final int MAX_EMBEDDING_DEPTH = 3;
  private static final int MAX_TRACE_STEPS = 64;
  private static final String CALL = " > ";

  private final Map<String, NodeDef> nodes = new HashMap<>();
  private final Map<String, FunctionDef> library = new HashMap<>();
  /** Functions that may stand in for each other, by {@code api_implements} and kind ({@link #alternativeGroup}). */
  private final Map<String, List<String>> implementations = new HashMap<>();
  private final int embeddingDepth;

  private final List<Finding> findings = new ArrayList<>();
  private final List<Finding> needsGpuKernel = new ArrayList<>();
  private final Set<String> notes = new LinkedHashSet<>();
  private final Map<String, Integer> opCounts = new TreeMap<>();
  private final Set<String> countedPaths = new HashSet<>();
  private final Set<String> visitedNodes = new HashSet<>();
  private final Set<String> visitedFunctions = new HashSet<>();
  /** Functions met but not yet walked (a queue, not recursion: a model may chain thousands of calls). */
  private final Deque<PendingFunction> pendingFunctions = new ArrayDeque<>();
  private int functionNodes;
  private int checkpointReaders;
  private boolean importedWhole;

  GraphWalk(GraphDef graph) {
    this(graph, 0);
  }

  private GraphWalk(GraphDef graph, int embeddingDepth) {
    this.embeddingDepth = embeddingDepth;
    for (NodeDef n : graph.getNodeList()) {
      if (nodes.putIfAbsent(n.getName(), n) != null) {
        duplicate("node", n.getName(), n.getName());
      }
    }
    for (FunctionDef f : graph.getLibrary().getFunctionList()) {
      String name = f.getSignature().getName();
      Set<String> bodyNames = new HashSet<>();
      for (NodeDef n : f.getNodeDefList()) {
        if (!bodyNames.add(n.getName())) {
          duplicate("node", n.getName(), name + "/" + n.getName());
        }
      }
      if (library.putIfAbsent(name, f) != null) {
        duplicate("library function", name, "function library");
      }
      if (OpRegistry.isRegistered(name)) {
        findings.add(new Finding(Kind.FUNCTION_NAMED_LIKE_OP, name, "function library",
            "a library function named like the op " + name + "; a node of that type would be ambiguous"));
      }
      alternativeGroup(f).ifPresent(group -> implementations.computeIfAbsent(group, k -> new ArrayList<>())
          .add(name));
    }
  }

  /**
   * The functions Grappler's implementation selector may swap for one another: same {@code api_implements}, same
   * kind (an inference function for an inference function, a forward one for a forward one). A gradient function
   * (it names its {@code forward_function_name}) is never swapped in for a call; only training would run it.
   */
  private static Optional<String> alternativeGroup(FunctionDef f) {
    AttrValue api = f.getAttrMap().get("api_implements");
    if (api == null || f.getAttrMap().containsKey("forward_function_name")) {
      return Optional.empty();
    }
    String kind = f.getAttrMap().containsKey("backward_function_name") ? "forward" : "inference";
    return Optional.of(api.getS().toStringUtf8() + " (" + kind + ")");
  }

  private static String preferredDevice(FunctionDef f) {
    AttrValue device = f.getAttrMap().get("api_preferred_device");
    return device == null ? "" : device.getS().toStringUtf8();
  }

  /**
   * A function preferring the GPU that has a CPU alternative: on this runtime the selector runs the CPU one, so what
   * the GPU one needs is a note, not a reason it cannot run (it is still judged against the allowlist).
   */
  private boolean hasCpuAlternative(FunctionDef f) {
    return preferredDevice(f).equals("GPU") && alternativeGroup(f).map(group -> implementations.get(group).stream()
        .anyMatch(other -> preferredDevice(library.get(other)).equals("CPU"))).orElse(false);
  }

  /** Two nodes of one graph or function, or two library functions, with one name: TensorFlow picks one. */
  private void duplicate(String what, String name, String path) {
    findings.add(new Finding(Kind.DUPLICATE_NAME, name, path,
        "two " + what + "s share this name; the scanner cannot know which one TensorFlow would run"));
  }

  /** Walks every node of the graph. */
  GraphWalk everything() {
    return fromRoots(nodes.keySet());
  }

  /** Walks the given nodes (or tensors: "name:1") and everything they depend on. */
  GraphWalk fromRoots(Collection<String> roots) {
    Deque<String> todo = new ArrayDeque<>();
    roots.forEach(r -> todo.add(nodeName(r)));
    while (!todo.isEmpty()) {
      String name = todo.pop();
      NodeDef n = nodes.get(name);
      if (n == null || !visitedNodes.add(name)) {
        continue;
      }
      inspect(n, name, false);
      n.getInputList().forEach(in -> todo.add(nodeName(in)));
    }
    walkPendingFunctions();
    return this;
  }

  /** A path through a long chain of calls keeps its start and its end. */
  private static String shortened(String path) {
    return path.length() <= 400 ? path : path.substring(0, 120) + " > ... > " + path.substring(path.length() - 240);
  }

  private record PendingFunction(String name, String viaPath, boolean swappedIn) {}

  private void walkPendingFunctions() {
    while (!pendingFunctions.isEmpty()) {
      PendingFunction p = pendingFunctions.pop();
      FunctionDef f = library.get(p.name());
      String prefix = shortened(p.viaPath()) + CALL + p.name() + "/";
      boolean alternative = p.swappedIn() || hasCpuAlternative(f);
      for (NodeDef n : f.getNodeDefList()) {
        functionNodes++;
        inspect(n, prefix + n.getName(), alternative);
      }
      // Grappler's implementation selector may replace this function by any other of its group.
      alternativeGroup(f).ifPresent(group -> {
        for (String other : implementations.get(group)) {
          enterFunction(other, p.viaPath() + " (or its alternative)", true);
        }
      });
    }
  }

  /**
   * Judges the restore path of {@code saver}: the ancestors of its restore op (and the functions they call) may
   * hold only the ops of {@link AllowedOps#RESTORE_PATH}, and every checkpoint reader's file prefix must come from
   * the SaverDef's file-name tensor, which the loader feeds with the model's own {@code variables/} path (or
   * {@code graph run} with the user's {@code --checkpoint}).
   */
  GraphWalk restore(SaverDef saver) {
    new RestorePath(saver).check();
    return this;
  }

  /**
   * Judges the save path of {@code saver} (the ancestors of its save tensor), which nothing here runs but which a
   * model may still hide work in: every node is judged against the allowlist like any other, except the checkpoint
   * writers, which pass only when every file path they write traces to the SaverDef's file-name tensor.
   */
  GraphWalk save(SaverDef saver) {
    new RestorePath(saver).checkSave();
    walkPendingFunctions();
    return this;
  }

  /**
   * Judges the AssetFileDefs: the loader feeds each asset's tensor with {@code assets/<filename>} before it
   * restores, so an asset must name a file inside {@code assets/}, and its tensor must not be on the restore path
   * (there the fed path would choose the checkpoint that is read).
   */
  GraphWalk assets(List<AssetFileDef> assets, SaverDef saver) {
    Set<String> restorePath = saver == null ? Set.of() : ancestors(nodeName(saver.getRestoreOpName()));
    for (AssetFileDef asset : assets) {
      String tensor = asset.getTensorInfo().getName();
      String file = asset.getFilename();
      if (file.isEmpty() || file.startsWith("/") || file.contains("\\") || file.contains(":")
          || List.of(file.split("/")).contains("..")) {
        findings.add(new Finding(Kind.UNSAFE_ASSET, "AssetFileDef", tensor, "names the file '" + file
            + "', which is not inside the model's assets/ folder (the loader feeds its path to the graph)"));
      }
      if (restorePath.contains(nodeName(tensor))) {
        findings.add(new Finding(Kind.UNSAFE_ASSET, "AssetFileDef", tensor, "the loader feeds this tensor with the"
            + " asset's path, and the restore path reads from it: the model would choose the checkpoint it restores"));
      }
    }
    return this;
  }

  /**
   * The model's saver ({@code main}, may be null) and every other saver the graph holds: a node nothing consumes
   * (a NoOp restore op, or an Identity save tensor) whose ancestors read or write checkpoints, all from one
   * file-name node (a string constant or placeholder) through identities and shard names. TF1 makes such a saver
   * for every {@code tf.train.Saver()}; the model's SaverDef names only one. Each is returned as a SaverDef (restore
   * op or save tensor, and its file name) to be judged like the model's own; a sink that does not fit is no saver,
   * and its nodes are judged as any others.
   */
  static List<SaverDef> savers(GraphDef graph, SaverDef main) {
    List<SaverDef> savers = new ArrayList<>();
    if (main != null) {
      savers.add(main);
    }
    GraphWalk g = new GraphWalk(graph, 0);
    Set<String> consumed = new HashSet<>();
    graph.getNodeList().forEach(n -> n.getInputList().forEach(in -> consumed.add(nodeName(in))));
    Set<String> mainRoots = main == null ? Set.of()
        : Set.of(nodeName(main.getRestoreOpName()), nodeName(main.getSaveTensorName()));
    for (NodeDef sink : graph.getNodeList()) {
      if (consumed.contains(sink.getName()) || mainRoots.contains(sink.getName())) {
        continue;
      }
      boolean reads = false;
      boolean writes = false;
      Set<String> filenames = new HashSet<>();
      for (String name : g.ancestors(sink.getName())) {
        NodeDef n = g.nodes.get(name);
        boolean reader = AllowedOps.CHECKPOINT_READERS.contains(n.getOp());
        boolean writer = AllowedOps.CHECKPOINT_WRITERS.contains(n.getOp());
        if ((reader || writer) && n.getInputCount() > 1) {
          reads |= reader;
          writes |= writer;
          filenames.add(g.filenameSource(n.getInput(n.getOp().equals("MergeV2Checkpoints") ? 1 : 0)));
        }
      }
      String filename = filenames.size() == 1 ? filenames.iterator().next() : "";
      // A restore op is a NoOp (it outputs nothing to read); a save tensor is an Identity of the file name.
      boolean shaped = reads ? sink.getOp().equals("NoOp") : sink.getOp().equals("Identity")
          && sink.getInputCount() > 0 && g.filenameSource(sink.getInput(0)).equals(filename);
      if ((reads || writes) && !(reads && writes) && shaped && !filename.isEmpty()) {
        SaverDef.Builder other = SaverDef.newBuilder().setFilenameTensorName(filename + ":0");
        savers.add((reads ? other.setRestoreOpName(sink.getName()) : other.setSaveTensorName(sink.getName()))
            .build());
      }
    }
    return savers;
  }

  /**
   * The node a checkpoint path comes from, followed back through identities and the first input of the ops that
   * build shard names; "" unless that is a string constant or placeholder (what a saver's file name is).
   */
  private String filenameSource(String input) {
    for (int step = 0; step < MAX_TRACE_STEPS && !input.startsWith("^"); step++) {
      NodeDef n = nodes.get(nodeName(input));
      if (n == null) {
        return "";
      }
      switch (n.getOp()) {
        case "Identity", "StringJoin", "ShardedFilename", "Pack" -> {
          if (n.getInputCount() == 0) {
            return "";
          }
          input = n.getInput(0);
        }
        case "Const", "Placeholder", "PlaceholderWithDefault" -> {
          return n.getName();
        }
        default -> {
          return "";
        }
      }
    }
    return "";
  }

  /** {@code root} and every node it depends on, in the graph. */
  private Set<String> ancestors(String root) {
    return ancestors(nodes, List.of(root));
  }

  /** The nodes named {@code roots} and every node they depend on, in {@code nodes} (by name). */
  static Set<String> ancestors(Map<String, NodeDef> nodes, Collection<String> roots) {
    Set<String> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(roots);
    while (!todo.isEmpty()) {
      NodeDef n = nodes.get(todo.pop());
      if (n != null && seen.add(n.getName())) {
        n.getInputList().forEach(in -> todo.add(nodeName(in)));
      }
    }
    return seen;
  }

  /**
   * Marks that the caller hands the whole graph to TensorFlow (loading a SavedModel, importing a GraphDef): then
   * every stateless op that is not on the allowlist is unsafe wherever it is, reached or not, because TensorFlow's
   * shape inference evaluates constant subgraphs of stateless ops while it imports the graph (a ReadFile whose
   * content shapes a Reshape is read on import).
   */
  GraphWalk importedWhole() {
    importedWhole = true;
    return this;
  }

  private void judgeWhatImportMayEvaluate() {
    for (NodeDef n : nodes.values()) {
      if (!visitedNodes.contains(n.getName())) {
        judgeForImport(n, n.getName());
      }
    }
    for (FunctionDef f : library.values()) {
      if (!visitedFunctions.contains(f.getSignature().getName())) {
        f.getNodeDefList().forEach(n -> judgeForImport(n, f.getSignature().getName() + "/" + n.getName()));
      }
    }
  }

  private void judgeForImport(NodeDef n, String path) {
    String op = n.getOp();
    if (OpRegistry.isRegistered(op) && !OpRegistry.isStateful(op) && !AllowedOps.isPureComputation(op)) {
      findings.add(new Finding(Kind.UNSAFE_OP, op, path, AllowedOps.riskOf(op) + "; no signature reaches it, but"
          + " TensorFlow may run it while importing the graph (shape inference evaluates stateless ops)"));
    }
    AllowedOps.constantProblem(n).ifPresent(problem -> findings.add(new Finding(Kind.UNSAFE_ATTRIBUTE, op, path,
        problem + "; TensorFlow may build it while importing the graph")));
  }

  UnsafeOps.Report report(String scope, DeclaredMemory memory) {
    if (importedWhole) {
      judgeWhatImportMayEvaluate();
    }
    List<Finding> sorted = new ArrayList<>(new LinkedHashSet<>(findings));
    sorted.sort((a, b) -> (a.opType() + " " + a.path()).compareTo(b.opType() + " " + b.path()));
    return new UnsafeOps.Report(scope, List.copyOf(sorted), List.copyOf(new LinkedHashSet<>(needsGpuKernel)),
        List.copyOf(notes), Collections.unmodifiableMap(new TreeMap<>(opCounts)), checkpointReaders,
        visitedNodes.size(), visitedFunctions.size(), functionNodes, memory);
  }

  // ---- the allowlist walk ----

  /** Judges one node at {@code path}; {@code swappedIn}: reached only as an alternative implementation. */
  private void inspect(NodeDef node, String path, boolean swappedIn) {
    String op = node.getOp();
    if (library.containsKey(op)) {
      count("(call) " + op, path);
      enterFunction(op, path, swappedIn);
    } else {
      judge(op, node, path, swappedIn);
    }
    node.getAttrMap().forEach((attr, value) -> enterFunctionsOf(value, path + " [" + attr + "]", swappedIn));
    if ((op.equals("Const") || op.equals("HostConst")) && embeddingDepth < MAX_EMBEDDING_DEPTH) {
      walkEmbeddedGraphs(node, path);
    }
  }

  private void judge(String op, NodeDef node, String path, boolean swappedIn) {
    count(op, path);
    if (!OpRegistry.isRegistered(op)) {
      findings.add(new Finding(Kind.UNKNOWN_OP, op, path,
          "not an op this TensorFlow runtime knows (op names are exact and case-sensitive)"));
    } else if (!AllowedOps.isPureComputation(op)) {
      findings.add(new Finding(Kind.UNSAFE_OP, op, path, AllowedOps.riskOf(op)));
    } else {
      Optional<String> problem = AllowedOps.attributeProblem(node);
      if (problem.isPresent()) {
        findings.add(new Finding(Kind.UNSAFE_ATTRIBUTE, op, path, problem.get()));
      } else if (!OpRegistry.hasKernelHere(op)) {
        if (swappedIn) {
          notes.add((op.startsWith("Cudnn") ? "cuDNN" : "GPU") + " alternative: needs a GPU; the CPU alternative"
              + " runs (" + op + " at " + shortened(path) + ")");
        } else {
          needsGpuKernel.add(new Finding(Kind.NEEDS_GPU_KERNEL, op, path,
              "needs a GPU kernel: this TensorFlow runtime knows the op but has no CPU kernel for it"));
        }
      }
    }
  }

  /** Every function an attribute value names, nested attributes and lists included. */
  private void enterFunctionsOf(AttrValue value, String path, boolean swappedIn) {
    if (value.hasFunc()) {
      enterNamed(value.getFunc(), path, swappedIn);
    }
    if (value.hasList()) {
      value.getList().getFuncList().forEach(f -> enterNamed(f, path, swappedIn));
    }
  }

  private void enterNamed(NameAttrList f, String path, boolean swappedIn) {
    if (library.containsKey(f.getName())) {
      enterFunction(f.getName(), path, swappedIn);
    } else {
      // TensorFlow instantiates an op type named in a function attribute as a one-op function: judge it as an op.
      judge(f.getName(), NodeDef.newBuilder().setOp(f.getName()).putAllAttr(f.getAttrMap()).build(),
          path + CALL + f.getName(), swappedIn);
    }
    f.getAttrMap().values().forEach(v -> enterFunctionsOf(v, path, swappedIn));
  }

  private void enterFunction(String name, String viaPath, boolean swappedIn) {
    if (visitedFunctions.add(name)) {
      pendingFunctions.add(new PendingFunction(name, viaPath, swappedIn));
    }
  }

  /**
   * A string constant holding a serialised GraphDef (raw or base64) is walked as a graph of its own: no allowed op
   * runs it, but what it would do is reported, in case an op that does hides elsewhere.
   */
  private void walkEmbeddedGraphs(NodeDef node, String path) {
    AttrValue value = node.getAttrMap().get("value");
    if (value == null || value.getTensor().getDtype() != DataType.DT_STRING) {
      return;
    }
    for (ByteString s : TensorStrings.values(value.getTensor())) {
      embeddedGraph(s).ifPresent(g -> {
        GraphWalk inner = new GraphWalk(g, embeddingDepth + 1).everything();
        String where = path + " (embedded GraphDef)";
        inner.findings.forEach(f -> findings.add(new Finding(f.kind(), f.opType(), where + CALL + f.path(),
            f.why())));
        inner.opCounts.forEach((op, c) -> opCounts.merge(op, c, Integer::sum));
      });
    }
  }

  private static Optional<GraphDef> embeddedGraph(ByteString bytes) {
    Optional<GraphDef> raw = parseGraph(bytes);
    if (raw.isPresent() || bytes.size() < 16) {
      return raw;
    }
    String text = bytes.toString(StandardCharsets.ISO_8859_1).strip();
    if (!BASE64.matcher(text).matches()) {
      return Optional.empty();
    }
    try {
      byte[] decoded = text.contains("-") || text.contains("_") ? Base64.getUrlDecoder().decode(text)
          : Base64.getDecoder().decode(text);
      return parseGraph(ByteString.copyFrom(decoded));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Optional<GraphDef> parseGraph(ByteString bytes) {
    try {
      GraphDef g = GraphDef.parseFrom(bytes);
      boolean looksReal = g.getNodeCount() > 0 && g.getNodeList().stream()
          .allMatch(n -> !n.getName().isEmpty() && OP_NAME.matcher(n.getOp()).matches());
      return looksReal ? Optional.of(g) : Optional.empty();
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Counts each node once, however many walks (signatures, init ops, restore) reach it. */
  private void count(String op, String path) {
    if (countedPaths.add(path)) {
      opCounts.merge(op, 1, Integer::sum);
    }
  }

  /** "^name", "name:1", "name:output:0" (inside functions) and "name" all denote node {@code name}. */
  static String nodeName(String input) {
    String s = input.startsWith("^") ? input.substring(1) : input;
    int colon = s.indexOf(':');
    return colon < 0 ? s : s.substring(0, colon);
  }

  // ---- the restore path ----

  /** The graph or a function body, as seen by the restore check. */
  private record Scope(Map<String, NodeDef> nodes, FunctionDef function, NodeDef caller, Scope parent, String path) {}

  private final class RestorePath {
    /** A real restore path holds a few nodes per variable; nested calls must not make the check explode. */
    private static final int MAX_CHECKED_NODES = 200_000;
    private final SaverDef saver;
    private final String filenameTensor;
    private int checkedNodes;

    RestorePath(SaverDef saver) {
      this.saver = saver;
      this.filenameTensor = tensorName(saver.getFilenameTensorName());
    }

    void checkSave() {
      String root = nodeName(saver.getSaveTensorName());
      Scope graph = new Scope(nodes, null, null, null, "");
      Set<String> seen = new HashSet<>();
      Deque<String> todo = new ArrayDeque<>(List.of(root));
      while (!todo.isEmpty()) {
        NodeDef n = nodes.get(todo.pop());
        if (n == null || !seen.add(n.getName())) {
          continue;
        }
        if (AllowedOps.CHECKPOINT_WRITERS.contains(n.getOp())) {
          count(n.getOp(), n.getName());
          if (!writesUnderFilename(n, graph)) {
            findings.add(new Finding(Kind.INVALID_SAVE, n.getOp(), n.getName(), "writes a checkpoint whose path"
                + " does not come from the SaverDef's file name " + saver.getFilenameTensorName()));
          }
        } else {
          inspect(n, n.getName(), false);
        }
        n.getInputList().forEach(in -> todo.add(nodeName(in)));
      }
    }

    /** A writer's path inputs (a merge's sources and destination; a save's prefix) all trace to the file name. */
    private boolean writesUnderFilename(NodeDef n, Scope scope) {
      if (n.getInputCount() < 2) {
        return false;
      }
      if (!n.getOp().equals("MergeV2Checkpoints")) {
        return tracesToFilename(n.getInput(0), scope, true);
      }
      NodeDef sources = scope.nodes().get(nodeName(n.getInput(0)));
      if (sources == null || n.getInput(0).startsWith("^") || !tracesToFilename(n.getInput(1), scope, true)) {
        return false;
      }
      if (!sources.getOp().equals("Pack")) {
        return tracesToFilename(n.getInput(0), scope, true);
      }
      return sources.getInputList().stream().filter(in -> !in.startsWith("^"))
          .allMatch(in -> tracesToFilename(in, scope, true));
    }

    void check() {
      String root = nodeName(saver.getRestoreOpName());
      if (root.isEmpty() || !nodes.containsKey(root)) {
        invalid("SaverDef", "restore op", "the SaverDef names a restore op '" + saver.getRestoreOpName()
            + "' that is not in the graph");
        return;
      }
      Scope graph = new Scope(nodes, null, null, null, "");
      Set<String> seen = new HashSet<>();
      Deque<String> todo = new ArrayDeque<>(List.of(root));
      while (!todo.isEmpty()) {
        NodeDef n = nodes.get(todo.pop());
        if (n == null || !seen.add(n.getName())) {
          continue;
        }
        checkNode(n, graph, n.getName(), 0);
        n.getInputList().forEach(in -> todo.add(nodeName(in)));
      }
    }

    private void checkNode(NodeDef n, Scope scope, String path, int depth) {
      String op = n.getOp();
      if (++checkedNodes > MAX_CHECKED_NODES) {
        if (checkedNodes == MAX_CHECKED_NODES + 1) {
          invalid(op, path, "the restore path is larger than any real one (over " + MAX_CHECKED_NODES + " nodes)");
        }
        return;
      }
      count(op, path);
      FunctionDef callee = calleeOf(n);
      if (callee != null) {
        if (depth > 8) {
          invalid(op, path, "calls nested too deep on the restore path");
          return;
        }
        Map<String, NodeDef> body = new HashMap<>();
        callee.getNodeDefList().forEach(b -> body.put(b.getName(), b));
        Scope inner = new Scope(body, callee, n, scope, path + CALL + callee.getSignature().getName() + "/");
        for (NodeDef b : callee.getNodeDefList()) {
          checkNode(b, inner, inner.path() + b.getName(), depth + 1);
        }
        return;
      }
      if (!AllowedOps.RESTORE_PATH.contains(op) || library.containsKey(op)) {
        invalid(op, path, "the restore path may hold only checkpoint readers, assignments, identities, no-ops,"
            + " constants and shard-name ops, and loading would run this one");
        return;
      }
      for (Map.Entry<String, AttrValue> a : n.getAttrMap().entrySet()) {
        if (a.getValue().hasFunc() || (a.getValue().hasList() && a.getValue().getList().getFuncCount() > 0)) {
          invalid(op, path, "calls a function through attribute '" + a.getKey() + "' on the restore path");
        }
      }
      if (AllowedOps.CHECKPOINT_READERS.contains(op)) {
        if (n.getInputCount() > 0 && tracesToFilename(n.getInput(0), scope, false)) {
          checkpointReaders++;
        } else {
          invalid(op, path, "reads a checkpoint whose path does not come from the SaverDef's file name "
              + saver.getFilenameTensorName() + " (which the loader feeds with the model's own variables/)");
        }
      }
    }

    /** The library function a call node runs: by op type, or a call op's {@code f}. */
    private FunctionDef calleeOf(NodeDef n) {
      if (library.containsKey(n.getOp())) {
        return library.get(n.getOp());
      }
      if ((n.getOp().equals("StatefulPartitionedCall") || n.getOp().equals("PartitionedCall"))
          && n.getAttrMap().containsKey("f")) {
        FunctionDef f = library.get(n.getAttrMap().get("f").getFunc().getName());
        if (f == null) {
          invalid(n.getOp(), n.getName(), "calls '" + n.getAttrMap().get("f").getFunc().getName()
              + "', which is not a library function, on the restore path");
        }
        return f;
      }
      return null;
    }

    /**
     * Whether the tensor {@code input} is the SaverDef's file name, passed on through identities, function
     * arguments and the ops that build shard names from it (with constant, path-free other operands).
     */
    private boolean tracesToFilename(String input, Scope scope, boolean subfolders) {
      for (int step = 0; step < MAX_TRACE_STEPS; step++) {
        if (input.startsWith("^")) {
          return false;
        }
        if (scope.function() == null && tensorName(input).equals(filenameTensor)) {
          return true;
        }
        String name = nodeName(input);
        if (scope.function() != null && !input.contains(":")) {
          if (!hasOnlySingleTensorArgs(scope.function().getSignature())) {
            return false;
          }
          int arg = argIndex(scope.function().getSignature(), name);
          if (arg >= 0) {
            if (arg >= scope.caller().getInputCount()) {
              return false;
            }
            input = scope.caller().getInput(arg);
            scope = scope.parent();
            continue;
          }
        }
        NodeDef n = scope.nodes().get(name);
        if (n == null || n.getInputCount() == 0) {
          return false;
        }
        switch (n.getOp()) {
          case "Identity" -> input = n.getInput(0);
          case "StringJoin", "ShardedFilename" -> {
            AttrValue separator = n.getAttrMap().get("separator");
            if (separator != null && !isPathFree(separator.getS().toStringUtf8(), subfolders)) {
              return false;
            }
            for (int i = 1; i < n.getInputCount(); i++) {
              if (!isPathFreeConstant(n.getInput(i), scope, subfolders)) {
                return false;
              }
            }
            input = n.getInput(0);
          }
          default -> {
            return false;
          }
        }
      }
      return false;
    }

    private boolean isPathFreeConstant(String input, Scope scope, boolean subfolders) {
      NodeDef c = scope.nodes().get(nodeName(input));
      if (c == null || input.startsWith("^") || !c.getOp().equals("Const") || !c.containsAttr("value")) {
        return false;
      }
      TensorProto value = c.getAttrMap().get("value").getTensor();
      List<ByteString> texts = TensorStrings.values(value);
      // A string list in tensor_content that does not decode whole is no path-free constant.
      boolean whole = value.getDtype() != DataType.DT_STRING || value.getTensorContent().isEmpty()
          || texts.size() == DeclaredMemory.elements(value.getTensorShape());
      return whole && texts.stream().allMatch(text -> isPathFree(text.toStringUtf8(), subfolders));
    }

    /**
     * A shard-name piece that cannot leave the folder: no "..", no backslash, and no separator unless
     * {@code subfolders} (a save writes its shards under {@code <prefix>_temp_<id>/part} before it merges them).
     */
    private boolean isPathFree(String text, boolean subfolders) {
      return (subfolders || !text.contains("/")) && !text.contains("\\") && !text.contains("..");
    }

    private void invalid(String op, String path, String why) {
      findings.add(new Finding(Kind.INVALID_RESTORE, op, path.isEmpty() ? "restore path" : path, why));
    }
  }

  /** List arguments would shift the caller's inputs against the arguments: only plain ones can be traced. */
  private static boolean hasOnlySingleTensorArgs(OpDef signature) {
    return signature.getInputArgList().stream()
        .allMatch(a -> a.getNumberAttr().isEmpty() && a.getTypeListAttr().isEmpty());
  }

  private static int argIndex(OpDef signature, String name) {
    for (int i = 0; i < signature.getInputArgCount(); i++) {
      if (signature.getInputArg(i).getName().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** "name" and "name:0" are the same tensor. */
  static String tensorName(String name) {
    return name.contains(":") ? name : name + ":0";
  }
}
