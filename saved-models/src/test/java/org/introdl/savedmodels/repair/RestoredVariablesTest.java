package org.introdl.savedmodels.repair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.introdl.savedmodels.Fixtures;
import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.checkpoint.TensorBundleIndex;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.MetaGraphDef;

/**
 * The two readings {@link RestoredVariables} binds by, checked on the TF2 SavedModels Python wrote: the keys its
 * restore function assigns (each to a handle of the graph) are the variables in {@code variables.index}, and the
 * checkpoint key derived from each variable's path in the object graph is one of them. On these exports every
 * capture is already restored, so nothing is rebound.
 */
class RestoredVariablesTest {
  @Test
  void restoreFunctionsAndObjectPathsGiveThePythonCheckpointKeys() {
    for (Path model : List.of(Fixtures.halfPlusTwoTf2(), Fixtures.kerasTf23(), Fixtures.kerasGruTf215())) {
      MetaGraphDef mg = SavedModelDir.open(model).metaGraph("serve");
      Set<String> inCheckpoint = new TreeSet<>();
      TensorBundleIndex.read(model.resolve("variables/variables.index")).entries().forEach(e -> inCheckpoint.add(
          e.name()));
      inCheckpoint.remove("_CHECKPOINTABLE_OBJECT_GRAPH");
      var restored = RestoredVariables.restoredByKey(mg);
      assertEquals(inCheckpoint, new TreeSet<>(restored.keySet()), model.toString());
      Set<String> handles = new TreeSet<>();
      mg.getGraphDef().getNodeList().stream().filter(n -> n.getOp().equals("VarHandleOp"))
          .forEach(n -> handles.add(n.getName()));
      assertTrue(handles.containsAll(restored.values()), model + ": " + restored.values());
      var fromObjects = RestoredVariables.checkpointKeys(mg.getObjectGraphDef()).values();
      assertTrue(!fromObjects.isEmpty() && inCheckpoint.containsAll(fromObjects), model + ": " + fromObjects);
      // The whole chain on Python's own bindings: each signature call's captured handle is exactly the handle that
      // its bound object's key leads to through the restore function.
      var keys = RestoredVariables.checkpointKeys(mg.getObjectGraphDef());
      int followed = 0;
      for (var node : mg.getGraphDef().getNodeList()) {
        var function = node.containsAttr("f") ? mg.getObjectGraphDef().getConcreteFunctionsMap()
            .get(node.getAttrOrThrow("f").getFunc().getName()) : null;
        if (function == null || node.getName().equals(mg.getSaverDef().getRestoreOpName())) {
          continue;
        }
        List<Integer> bound = function.getBoundInputsList();
        List<String> data = node.getInputList().stream().filter(i -> !i.startsWith("^")).toList();
        for (int i = 0; i < bound.size(); i++) {
          String key = keys.get(bound.get(i));
          if (key != null && restored.containsKey(key)) {
            assertEquals(data.get(data.size() - bound.size() + i), restored.get(key), model + " " + key);
            followed++;
          }
        }
      }
      assertTrue(followed > 0, model + ": no capture followed");
      assertEquals(List.of(), RestoredVariables.bind(mg).notes(), model.toString());
    }
  }
}
