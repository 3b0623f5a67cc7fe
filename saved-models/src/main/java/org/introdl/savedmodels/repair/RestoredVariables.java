package org.introdl.savedmodels.repair;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedConcreteFunction;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedObject;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedObjectGraph;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject.ObjectReference;

/**
 * Signature calls bound to the variables the model's restore op really fills. Keras 3's {@code tf.saved_model.save}
 * writes each weight twice into the graph: the handle its functions capture (named as Keras names the weight,
 * {@code sequential/lstm/lstm_cell/bias}) and a second variable that the restore function assigns from the
 * checkpoint. Python's loader binds captures through the object graph and never sees the difference; TensorFlow's
 * C++ loader (TF Serving, TensorFlow Java) restores the second and the signatures read the first, which nothing
 * ever filled: "Could not find variable ...". Here each captured handle that the restore op does not assign is
 * followed, through the object graph ({@code bound_inputs} of the called function), to the checkpoint key of the
 * object it stands for, and from the key through the restore function to the handle it assigns; the call then
 * takes that handle. Nothing is renamed or guessed: a capture whose object cannot be followed to a restored handle
 * is left as it is.
 */
public final class RestoredVariables {
  private static final String VALUE_ATTRIBUTE = "/.ATTRIBUTES/VARIABLE_VALUE";
  private static final Set<String> CALLS = Set.of("StatefulPartitionedCall", "PartitionedCall");

  private RestoredVariables() {}

  /** The MetaGraph to load and one line when it changed. */
  public record Result(MetaGraphDef metaGraph, List<String> notes) {}

  /** The MetaGraph with signature calls bound to restored handles, and one line when any was rebound. */
  public static Result bind(MetaGraphDef metaGraph) {
    GraphDef graph = metaGraph.getGraphDef();
    Map<String, NodeDef> nodes = new HashMap<>();
    graph.getNodeList().forEach(n -> nodes.put(n.getName(), n));
    String restoreOp = nodeName(metaGraph.getSaverDef().getRestoreOpName());
    Map<String, String> restoredByKey = restoredByKey(metaGraph);
    if (restoredByKey.isEmpty() || !metaGraph.hasObjectGraphDef()) {
      return new Result(metaGraph, List.of());
    }
    SavedObjectGraph objects = metaGraph.getObjectGraphDef();
    Map<Integer, String> keys = checkpointKeys(objects);
    java.util.Collection<String> restored = restoredByKey.values();
    GraphDef.Builder out = graph.toBuilder();
    List<String> rebound = new ArrayList<>();
    for (NodeDef.Builder call : out.getNodeBuilderList()) {
      if (!CALLS.contains(call.getOp()) || call.getName().equals(restoreOp) || !call.containsAttr("f")) {
        continue;
      }
      SavedConcreteFunction function = objects.getConcreteFunctionsMap().get(call.getAttrOrThrow("f").getFunc()
          .getName());
      if (function == null) {
        continue;
      }
      List<Integer> bound = function.getBoundInputsList();
      int firstCapture = dataInputs(call) - bound.size();
      for (int i = 0; i < bound.size() && firstCapture >= 0; i++) {
        String handle = nodeName(call.getInput(firstCapture + i));
        NodeDef captured = nodes.get(handle);
        String target = restoredByKey.get(keys.get(bound.get(i)));
        if (captured != null && captured.getOp().equals("VarHandleOp") && !restored.contains(handle)
            && target != null) {
          call.setInput(firstCapture + i, target);
          rebound.add(handle);
        }
      }
    }
    if (rebound.isEmpty()) {
      return new Result(metaGraph, List.of());
    }
    return new Result(metaGraph.toBuilder().setGraphDef(out).build(), List.of("bound "
        + rebound.size() + " captured variable" + (rebound.size() == 1 ? "" : "s") + " that no restore op fills ("
        + String.join(", ", rebound.stream().distinct().limit(3).toList()) + (rebound.size() > 3 ? ", ..." : "")
        + ") to the variables the checkpoint restores for the same objects (as Keras 3's tf.saved_model.save "
        + "writes them; Python binds them the same way)"));
  }

  /**
   * Checkpoint key to the graph's handle that the restore op assigns from it, for a TF2 restore op: a call of a
   * function whose {@code RestoreV2} reads the keys and whose {@code AssignVariableOp}s write its resource arguments.
   */
  static Map<String, String> restoredByKey(MetaGraphDef metaGraph) {
    String name = nodeName(metaGraph.getSaverDef().getRestoreOpName());
    Map<String, FunctionDef> library = new HashMap<>();
    metaGraph.getGraphDef().getLibrary().getFunctionList().forEach(f -> library.put(f.getSignature().getName(), f));
    NodeDef restoreOp = metaGraph.getGraphDef().getNodeList().stream().filter(n -> n.getName().equals(name))
        .findFirst().orElse(null);
    return restoredHandles(restoreOp, library);
  }

  private static Map<String, String> restoredHandles(NodeDef restoreOp, Map<String, FunctionDef> library) {
    Map<String, String> byKey = new LinkedHashMap<>();
    if (restoreOp == null || !CALLS.contains(restoreOp.getOp()) || !restoreOp.containsAttr("f")) {
      return byKey;
    }
    FunctionDef restore = library.get(restoreOp.getAttrOrThrow("f").getFunc().getName());
    if (restore == null) {
      return byKey;
    }
    Map<String, NodeDef> body = new HashMap<>();
    restore.getNodeDefList().forEach(n -> body.put(n.getName(), n));
    List<String> args = restore.getSignature().getInputArgList().stream().map(a -> a.getName()).toList();
    for (NodeDef assign : restore.getNodeDefList()) {
      if (!assign.getOp().equals("AssignVariableOp") || assign.getInputCount() < 2) {
        continue;
      }
      int arg = args.indexOf(nodeName(assign.getInput(0)));
      Optional<String> key = restoredKey(assign.getInput(1), body);
      if (arg >= 0 && arg < restoreOp.getInputCount() && key.isPresent()) {
        byKey.put(key.get(), nodeName(restoreOp.getInput(arg)));
      }
    }
    return byKey;
  }

  /** The checkpoint key whose restored value {@code input} is, through {@code Identity} nodes. */
  private static Optional<String> restoredKey(String input, Map<String, NodeDef> body) {
    String[] parts = input.split(":");
    NodeDef node = body.get(parts[0]);
    for (int hops = 0; node != null && node.getOp().equals("Identity") && hops < 8; hops++) {
      parts = node.getInput(0).split(":");
      node = body.get(parts[0]);
    }
    if (node == null || !node.getOp().equals("RestoreV2") || parts.length != 3) {
      return Optional.empty();
    }
    NodeDef names = body.get(nodeName(node.getInput(1)));
    AttrValue value = names == null ? null : names.getAttrMap().get("value");
    int index = Integer.parseInt(parts[2]);
    if (value == null || index >= value.getTensor().getStringValCount()) {
      return Optional.empty();
    }
    return Optional.of(value.getTensor().getStringVal(index).toStringUtf8());
  }

  /**
   * The checkpoint key of every variable of the object graph: its first path from the root, breadth first, as
   * TensorFlow names it ("." written "..", "/" written ".S"), then {@code /.ATTRIBUTES/VARIABLE_VALUE}.
   */
  static Map<Integer, String> checkpointKeys(SavedObjectGraph objects) {
    Map<Integer, String> paths = new HashMap<>();
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    paths.put(0, "");
    queue.add(0);
    while (!queue.isEmpty()) {
      int id = queue.poll();
      SavedObject object = objects.getNodes(id);
      for (ObjectReference child : object.getChildrenList()) {
        if (!paths.containsKey(child.getNodeId()) && child.getNodeId() < objects.getNodesCount()) {
          String name = child.getLocalName().replace(".", "..").replace("/", ".S");
          paths.put(child.getNodeId(), paths.get(id).isEmpty() ? name : paths.get(id) + "/" + name);
          queue.add(child.getNodeId());
        }
      }
    }
    Map<Integer, String> keys = new HashMap<>();
    paths.forEach((id, path) -> {
      if (objects.getNodes(id).hasVariable()) {
        keys.put(id, path + VALUE_ATTRIBUTE);
      }
    });
    return keys;
  }

  private static int dataInputs(NodeDef.Builder node) {
    return (int) node.getInputList().stream().filter(i -> !i.startsWith("^")).count();
  }

  private static String nodeName(String input) {
    String name = input.startsWith("^") ? input.substring(1) : input;
    int colon = name.indexOf(':');
    return colon < 0 ? name : name.substring(0, colon);
  }
}
