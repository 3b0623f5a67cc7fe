package org.introdl.core.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.introdl.core.UserError;
import org.junit.jupiter.api.Test;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.FunctionDefLibrary;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NameAttrList;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.SaverDef;

/** The scanner on graphs written as protos: graph nodes, functions, calls through attributes, the saver rule. */
class UnsafeOpsTest {

  private static NodeDef node(String name, String op, String... inputs) {
    return NodeDef.newBuilder().setName(name).setOp(op).addAllInput(List.of(inputs)).build();
  }

  private static FunctionDef function(String name, NodeDef... nodes) {
    return FunctionDef.newBuilder().setSignature(OpDef.newBuilder().setName(name)).addAllNodeDef(List.of(nodes))
        .build();
  }

  private static NodeDef call(String name, String function, String... inputs) {
    return NodeDef.newBuilder(node(name, "StatefulPartitionedCall", inputs))
        .putAttr("f", AttrValue.newBuilder().setFunc(NameAttrList.newBuilder().setName(function)).build()).build();
  }

  @Test
  void cleanGraphIsSafe() {
    GraphDef g = GraphDef.newBuilder().addNode(node("x", "Placeholder")).addNode(node("y", "Relu", "x")).build();
    UnsafeOps.Report r = UnsafeOps.scan(g, null);
    assertTrue(r.isSafe());
    assertEquals(1, r.opCounts().get("Relu"));
  }

  @Test
  void flagsEachRiskInTheGraph() {
    GraphDef g = GraphDef.newBuilder().addNode(node("f", "ReadFile")).addNode(node("w", "WriteFile"))
        .addNode(node("p", "PrintV2")).addNode(node("py", "EagerPyFunc")).addNode(node("m", "ImmutableConst"))
        .addNode(node("rpc", "RpcCall")).build();
    UnsafeOps.Report r = UnsafeOps.scan(g, null);
    assertEquals(List.of("EagerPyFunc", "ImmutableConst", "PrintV2", "ReadFile", "RpcCall", "WriteFile"),
        r.unsafeOpTypes());
    UserError e = assertThrows(UserError.class, () -> UnsafeOps.requireSafe(g, "model", false));
    assertTrue(e.getMessage().startsWith("model: refusing to run a model with unsafe ops: "), e.getMessage());
    assertTrue(e.getMessage().contains("and 1 more"), e.getMessage());
    UnsafeOps.requireSafe(g, "model", true);
  }

  @Test
  void findsOpsHiddenInFunctionsCalledThroughAttributes() {
    FunctionDef inner = function("inner", node("read", "ReadFile"));
    FunctionDef body = function("body", call("c", "inner"));
    GraphDef g = GraphDef.newBuilder().addNode(call("call", "body"))
        .setLibrary(FunctionDefLibrary.newBuilder().addFunction(inner).addFunction(body)).build();
    UnsafeOps.Report r = UnsafeOps.scan(g, null);
    assertEquals(1, r.findings().size());
    assertEquals("function inner", r.findings().get(0).where());
    assertEquals(2, r.functions());
  }

  @Test
  void functionCalledByOpTypeIsACallNotAnUnknownOp() {
    GraphDef g = GraphDef.newBuilder().addNode(node("n", "my_fn"))
        .setLibrary(FunctionDefLibrary.newBuilder().addFunction(function("my_fn", node("print", "Print")))).build();
    UnsafeOps.Report r = UnsafeOps.scan(g, null);
    assertEquals(1, r.opCounts().get("(call) my_fn"));
    assertEquals(List.of("Print"), r.unsafeOpTypes());
  }

  @Test
  void checkpointOpsAreAcceptedOnlyInsideTheSaver() {
    SaverDef saver = SaverDef.newBuilder().setFilenameTensorName("save/Const:0")
        .setSaveTensorName("save/control_dependency:0").setRestoreOpName("save/restore_all").build();
    GraphDef.Builder g = GraphDef.newBuilder().addNode(node("v", "VariableV2")).addNode(node("save/Const", "Const"))
        .addNode(node("save/SaveV2", "SaveV2", "save/Const", "v"))
        .addNode(node("save/control_dependency", "Identity", "save/Const", "^save/SaveV2"))
        .addNode(node("save/RestoreV2", "RestoreV2", "save/Const"))
        .addNode(node("save/Assign", "Assign", "v", "save/RestoreV2"))
        .addNode(node("save/restore_all", "NoOp", "^save/Assign"));
    UnsafeOps.Report clean = UnsafeOps.scan(g.build(), saver);
    assertTrue(clean.isSafe(), clean.findings().toString());
    assertEquals(2, clean.saverCheckpointOps());
    assertFalse(UnsafeOps.scan(g.build(), null).isSafe(), "no saver: checkpoint ops are file access");

    // A second RestoreV2 feeding a served output is not the saver's: flagged.
    g.addNode(node("Const", "Const")).addNode(node("sneaky", "RestoreV2", "Const"));
    UnsafeOps.Report sneaky = UnsafeOps.scan(g.build(), saver);
    assertEquals(1, sneaky.findings().size());
    assertEquals("sneaky", sneaky.findings().get(0).node());
  }

  @Test
  void aFunctionSharedByTheSaverAndTheModelIsNotTrusted() {
    SaverDef saver = SaverDef.newBuilder().setFilenameTensorName("f:0").setSaveTensorName("save:0")
        .setRestoreOpName("restore").build();
    FunctionDef restoreFn = function("restore_fn", node("r", "RestoreV2"));
    GraphDef onlySaver = GraphDef.newBuilder().addNode(node("f", "Placeholder")).addNode(call("restore", "restore_fn",
        "f")).addNode(node("save", "Identity", "f"))
        .setLibrary(FunctionDefLibrary.newBuilder().addFunction(restoreFn)).build();
    assertTrue(UnsafeOps.scan(onlySaver, saver).isSafe());
    GraphDef shared = onlySaver.toBuilder().addNode(call("serving", "restore_fn")).build();
    assertEquals(List.of("RestoreV2"), UnsafeOps.scan(shared, saver).unsafeOpTypes());
  }

  @Test
  void savedModelFolderIsCheckedBeforeLoading(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    UserError missing = assertThrows(UserError.class, () -> UnsafeOps.requireSafeSavedModel(dir, false));
    assertTrue(missing.getMessage().contains("no saved_model.pb"), missing.getMessage());
    GraphDef g = GraphDef.newBuilder().addNode(node("f", "ReadFile")).build();
    org.tensorflow.proto.SavedModel model = org.tensorflow.proto.SavedModel.newBuilder()
        .addMetaGraphs(org.tensorflow.proto.MetaGraphDef.newBuilder().setGraphDef(g)).build();
    java.nio.file.Files.write(dir.resolve("saved_model.pb"), model.toByteArray());
    UserError refused = assertThrows(UserError.class, () -> UnsafeOps.requireSafeSavedModel(dir, false));
    assertTrue(refused.getMessage().contains("ReadFile"), refused.getMessage());
    UnsafeOps.requireSafeSavedModel(dir, true);
    java.nio.file.Files.write(dir.resolve("saved_model.pb"), new byte[] {(byte) 0xff, 1, 2});
    UserError garbage = assertThrows(UserError.class, () -> UnsafeOps.requireSafeSavedModel(dir, false));
    assertTrue(garbage.getMessage().contains("not a valid SavedModel"), garbage.getMessage());
  }

  @Test
  void everyDeniedOpIsAnOpThisRuntimeKnowsOrAKnownExternalOne() {
    java.util.Set<String> registered = new java.util.HashSet<>();
    TensorFlow.registeredOpList().getOpList().forEach(op -> registered.add(op.getName()));
    // Ops from contrib or other builds that a stranger's model may still name.
    java.util.Set<String> external = java.util.Set.of("DeleteFile", "Rpc", "TryRpc", "RpcClient", "RpcCall",
        "RpcServer", "RpcServerStart", "RpcServerRegister", "BigQueryReader", "GenerateBigQueryReaderPartitions",
        "PyFunc", "PyFuncStateless", "EagerPyFunc", "DataServiceDatasetV4", "RegisterDatasetV2",
        "ExperimentalLoadDataset", "CollectiveAllToAllV2", "DebugIdentityV3", "Send", "Recv",
        "FileSystemSetConfiguration", "SnapshotNestedDatasetReader",
        "SnapshotDatasetReader", "CollectiveReduceV3", "CollectiveAllToAllV3", "DataServiceDatasetV3");
    List<String> unknown = UnsafeOps.DENYLIST.keySet().stream()
        .filter(op -> !registered.contains(op) && !external.contains(op)).toList();
    assertEquals(List.of(), unknown, "denylist entries that are neither registered nor known external ops");
  }
}
