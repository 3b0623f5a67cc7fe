package org.introdl.savedmodels.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.introdl.core.UserError;
import org.introdl.core.safety.RunLimits;
import org.introdl.savedmodels.safety.UnsafeOps.Kind;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.FunctionDefLibrary;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NameAttrList;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.SaverDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * The scanner on graphs written as protos: what is reachable, functions and their many ways in, embedded graphs,
 * names a model chooses, the validated restore, declared memory. Each check is shown to fail on a bad input and to
 * pass on the good one beside it.
 */
class UnsafeOpsTest {

  // ---- reachability: what runs, not what is stored ----

  @Test
  void cleanGraphIsSafe() {
    GraphDef g = graph(node("x", "Placeholder"), node("y", "Relu", "x"));
    UnsafeOps.Report r = UnsafeOps.scan(g, null);
    assertTrue(r.isSafe(), r.findings().toString());
    assertEquals(1, r.opCounts().get("Relu"));
  }

  @Test
  void anUnusedSignatureDoesNotBlockTheOneThatIsCalled() {
    MetaGraphDef mg = meta(graph(node("x", "Placeholder"), node("y", "Relu", "x"), node("path", "Const"),
        node("leak", "WriteFile", "path", "x")), "infer", "y:0").toBuilder()
        .putSignatureDef("steal", signature("leak")).build();
    assertTrue(UnsafeOps.scanSignature(mg, "infer").isSafe());
    UnsafeOps.Report steal = UnsafeOps.scanSignature(mg, "steal");
    assertEquals(List.of("WriteFile"), steal.unsafeOpTypes());
    assertEquals("leak", steal.findings().get(0).path());
    UnsafeOps.SavedModelScan each = UnsafeOps.scanEachSignature(mg);
    assertTrue(each.signatures().get("infer").isSafe());
    assertFalse(each.isSafe(), "scan as a whole fails: a signature can write a file");
  }

  @Test
  void aStatelessUnsafeOpIsUnsafeAnywhereBecauseImportMayEvaluateIt() {
    // ReadFile is stateless: TensorFlow's shape inference reads the file while importing, if its content shapes
    // a Reshape, whether or not a signature reaches it.
    GraphDef g = graph(node("x", "Placeholder"), node("y", "Relu", "x"), node("path", "Const"),
        node("read", "ReadFile", "path"), node("n", "StringToNumber", "read"), node("r", "Reshape", "x", "n"));
    UnsafeOps.Report infer = UnsafeOps.scanSignature(meta(g, "infer", "y:0"), "infer");
    assertEquals(List.of("ReadFile"), infer.unsafeOpTypes());
    assertTrue(infer.findings().get(0).why().contains("while importing the graph"), infer.findings().toString());
    assertEquals(List.of("ReadFile"), UnsafeOps.scanFetches(g, List.of("y"), null).unsafeOpTypes());
    assertTrue(UnsafeOps.scanFetches(graph(node("x", "Placeholder"), node("y", "Relu", "x"), node("path", "Const"),
        node("w", "WriteFile", "path", "path")), List.of("y"), null).isSafe(), "a stateful op runs only if reached");
  }

  @Test
  void initOpsAreScannedWithEverySignature() {
    GraphDef g = graph(node("x", "Placeholder"), node("y", "Relu", "x"), node("path", "Const"),
        node("w", "WriteFile", "path", "path"), node("main_op", "NoOp", "^w"));
    MetaGraphDef viaCollection = meta(g, "infer", "y:0").toBuilder().putCollectionDef("saved_model_main_op",
        CollectionDef.newBuilder().setNodeList(CollectionDef.NodeList.newBuilder().addValue("main_op")).build())
        .build();
    assertEquals(List.of("WriteFile"), UnsafeOps.scanSignature(viaCollection, "infer").unsafeOpTypes());
    MetaGraphDef viaSignature = meta(g, "infer", "y:0").toBuilder()
        .putSignatureDef(UnsafeOps.INIT_SIGNATURE, signature("main_op")).build();
    assertEquals(List.of("WriteFile"), UnsafeOps.scanSignature(viaSignature, "infer").unsafeOpTypes());
    assertTrue(UnsafeOps.scanSignature(meta(g, "infer", "y:0"), "infer").isSafe(), "the control: no init op");
  }

  // ---- functions ----

  @Test
  void findsOpsInFunctionsCalledThroughAttributesAndNestedCalls() {
    GraphDef g = graph(List.of(call("call", "body")), function("inner", node("read", "ReadFile")),
        function("body", call("c", "inner")));
    UnsafeOps.Report r = UnsafeOps.scan(g, null);
    assertEquals(1, r.findings().size());
    assertEquals("call [f] > body/c [f] > inner/read", r.findings().get(0).path());
    assertEquals(2, r.functions());
  }

  @Test
  void whileBodiesAndFunctionsCalledByOpTypeAreWalked() {
    NodeDef loop = node("loop", "While", "x").toBuilder().putAttr("cond", func("cond"))
        .putAttr("body", func("body")).build();
    GraphDef g = graph(List.of(node("x", "Placeholder"), loop), function("cond", node("t", "Const")),
        function("body", node("n", "my_fn")), function("my_fn", node("p", "PrintV2").toBuilder()
            .putAttr("output_stream", str("file:///tmp/leak")).build()));
    UnsafeOps.Report r = UnsafeOps.scan(g, null);
    assertEquals(List.of("PrintV2"), r.unsafeOpTypes());
    assertEquals(Kind.UNSAFE_ATTRIBUTE, r.findings().get(0).kind());
    assertEquals(1, r.opCounts().get("(call) my_fn"));
  }

  @Test
  void aLongChainOfCallsIsWalkedToItsEnd() {
    FunctionDef[] chain = new FunctionDef[20_000];
    for (int i = 0; i < chain.length - 1; i++) {
      chain[i] = function("f" + i, call("next", "f" + (i + 1)));
    }
    chain[chain.length - 1] = function("f" + (chain.length - 1), node("read", "ReadFile"));
    UnsafeOps.Report r = UnsafeOps.scan(graph(List.of(call("call", "f0")), chain), null);
    assertEquals(List.of("ReadFile"), r.unsafeOpTypes());
    assertTrue(r.findings().get(0).path().length() < 600, "paths stay readable");
  }

  @Test
  void anOpNamedInAFunctionAttributeIsJudgedAsAnOp() {
    // TensorFlow instantiates an op type named where a function is expected as a one-op function.
    NodeDef branch = node("if", "If", "c", "path").toBuilder().putAttr("then_branch", func("ReadFile"))
        .putAttr("else_branch", func("ReadFile")).build();
    UnsafeOps.Report r = UnsafeOps.scan(graph(node("c", "Placeholder"), node("path", "Const"), branch), null);
    assertEquals(List.of("ReadFile"), r.unsafeOpTypes());
  }

  @Test
  void anAlternativeImplementationIsScannedToo() {
    // Grappler may swap a function for another with the same api_implements: both are what may run.
    FunctionDef cpu = function("lstm_cpu", node("m", "MatMul")).toBuilder().putAttr("api_implements", str("lstm"))
        .build();
    FunctionDef other = function("lstm_other", node("r", "ReadFile")).toBuilder()
        .putAttr("api_implements", str("lstm")).build();
    UnsafeOps.Report r = UnsafeOps.scan(graph(List.of(call("call", "lstm_cpu")), cpu, other), null);
    assertEquals(List.of("ReadFile"), r.unsafeOpTypes());
  }

  @Test
  void duplicateFunctionNamesAndFunctionsNamedLikeOpsAreUnsafe() {
    GraphDef dup = graph(List.of(call("call", "f")), function("f", node("a", "Relu")),
        function("f", node("b", "Relu")));
    assertEquals(Kind.DUPLICATE_NAME, UnsafeOps.scan(dup, null).findings().get(0).kind());
    GraphDef namedLikeOp = graph(List.of(node("path", "Const"), node("n", "ReadFile", "path")),
        function("ReadFile", node("a", "Identity")));
    UnsafeOps.Report r = UnsafeOps.scan(namedLikeOp, null);
    assertEquals(List.of(Kind.FUNCTION_NAMED_LIKE_OP), r.findings().stream().map(UnsafeOps.Finding::kind).toList());
    assertTrue(UnsafeOps.scan(graph(List.of(call("call", "f")), function("f", node("a", "Relu"))), null).isSafe());
  }

  @Test
  void duplicateNodeNamesAreUnsafeInTheGraphAndInFunctions() {
    GraphDef twice = graph(node("y", "Relu", "x"), node("x", "Placeholder"), node("y", "Identity", "x"));
    assertEquals(Kind.DUPLICATE_NAME, UnsafeOps.scan(twice, null).findings().get(0).kind());
    GraphDef inFunction = graph(List.of(call("call", "f")), function("f", node("p", "Identity"), node("p", "Const")));
    assertEquals(Kind.DUPLICATE_NAME, UnsafeOps.scan(inFunction, null).findings().get(0).kind());
  }

  @Test
  void opNamesMustMatchARegisteredOpExactly() {
    UnsafeOps.Report r = UnsafeOps.scan(graph(node("r", "readFile"), node("s", "My_Custom_Op")), null);
    assertEquals(List.of(Kind.UNKNOWN_OP, Kind.UNKNOWN_OP), r.findings().stream().map(UnsafeOps.Finding::kind)
        .toList());
  }

  // ---- embedded graphs ----

  @Test
  void graphsHeldInStringConstantsAreWalkedRawOrBase64() {
    GraphDef inner = graph(node("p", "Const"), node("r", "ReadFile", "p"));
    for (ByteString held : List.of(inner.toByteString(),
        ByteString.copyFromUtf8(Base64.getEncoder().encodeToString(inner.toByteArray())),
        ByteString.copyFromUtf8(Base64.getUrlEncoder().encodeToString(inner.toByteArray())))) {
      GraphDef outer = graph(stringConst("g", held), node("d", "Identity", "g"));
      UnsafeOps.Report r = UnsafeOps.scan(outer, null);
      assertTrue(r.unsafeOpTypes().contains("ReadFile"), r.findings().toString());
      assertTrue(r.findings().get(0).path().startsWith("g (embedded GraphDef) > "), r.findings().toString());
    }
    GraphDef plainText = graph(stringConst("g", ByteString.copyFromUtf8("hello, world")));
    assertTrue(UnsafeOps.scan(plainText, null).isSafe(), "an ordinary string is not a graph");
  }

  @Test
  void anOpThatRunsAGraphFromATensorIsUnsafe() {
    UnsafeOps.Report r = UnsafeOps.scan(graph(node("g", "Placeholder"), node("ds", "DatasetFromGraph", "g")), null);
    assertEquals("runs a graph held in a tensor", r.findings().get(0).why());
  }

  // ---- the validated restore ----

  private static final SaverDef SAVER = SaverDef.newBuilder().setFilenameTensorName("save/Const:0")
      .setSaveTensorName("save/control_dependency:0").setRestoreOpName("save/restore_all").build();

  /** A TF1 saver: save path (SaveV2) and restore path (RestoreV2 fed from save/Const, Assign). */
  private static GraphDef.Builder tf1Saver() {
    return GraphDef.newBuilder().addNode(node("v", "VariableV2")).addNode(node("save/Const", "Const"))
        .addNode(node("save/names", "Const")).addNode(node("save/slices", "Const"))
        .addNode(node("save/SaveV2", "SaveV2", "save/Const", "save/names", "save/slices", "v"))
        .addNode(node("save/control_dependency", "Identity", "save/Const", "^save/SaveV2"))
        .addNode(node("save/RestoreV2", "RestoreV2", "save/Const", "save/names", "save/slices"))
        .addNode(node("save/Assign", "Assign", "v", "save/RestoreV2"))
        .addNode(node("save/restore_all", "NoOp", "^save/Assign"));
  }

  @Test
  void theModelsOwnRestoreIsAccepted() {
    UnsafeOps.Report r = UnsafeOps.scan(tf1Saver().build(), SAVER);
    assertTrue(r.isSafe(), r.findings().toString());
    assertEquals(1, r.saverCheckpointOps());
    assertFalse(UnsafeOps.scan(tf1Saver().addNode(node("y", "Identity", "save/RestoreV2")).build(), SAVER).isSafe(),
        "a checkpoint read that a model node uses is file I/O");
  }

  @Test
  void aRestoreThatAlsoSavesIsRefused() {
    GraphDef hijack = tf1Saver().addNode(node("evil_path", "Const"))
        .addNode(node("evil_save", "Save", "evil_path", "save/names", "v"))
        .setNode(8, node("save/restore_all", "NoOp", "^save/Assign", "^evil_save")).build();
    UnsafeOps.Report r = UnsafeOps.scan(hijack, SAVER);
    assertEquals(List.of("Save"), r.unsafeOpTypes());
    assertEquals(Kind.INVALID_RESTORE, r.findings().get(0).kind());
  }

  @Test
  void aRestoreFromAConstantPathIsRefused() {
    GraphDef foreign = tf1Saver().addNode(node("foreign", "Const"))
        .setNode(6, node("save/RestoreV2", "RestoreV2", "foreign", "save/names", "save/slices")).build();
    UnsafeOps.Report r = UnsafeOps.scan(foreign, SAVER);
    assertEquals(List.of("RestoreV2"), r.unsafeOpTypes());
    assertTrue(r.findings().get(0).why().contains("does not come from the SaverDef's file name"));
  }

  @Test
  void mergingCheckpointsOnTheRestorePathIsRefused() {
    GraphDef merge = tf1Saver().addNode(node("merge", "MergeV2Checkpoints", "save/Const", "save/Const")
            .toBuilder().putAttr("delete_old_dirs", AttrValue.newBuilder().setB(true).build()).build())
        .setNode(8, node("save/restore_all", "NoOp", "^save/Assign", "^merge")).build();
    assertEquals(List.of("MergeV2Checkpoints"), UnsafeOps.scan(merge, SAVER).unsafeOpTypes());
  }

  @Test
  void shardNamesMayNotClimbOutOfTheVariablesFolder() {
    GraphDef.Builder g = tf1Saver().addNode(stringConst("suffix", ByteString.copyFromUtf8("/../../stolen")))
        .addNode(node("joined", "StringJoin", "save/Const", "suffix"))
        .setNode(6, node("save/RestoreV2", "RestoreV2", "joined", "save/names", "save/slices"));
    assertEquals(Kind.INVALID_RESTORE, UnsafeOps.scan(g.build(), SAVER).findings().get(0).kind());
    g.setNode(9, stringConst("suffix", ByteString.copyFromUtf8("_temp")));
    assertTrue(UnsafeOps.scan(g.build(), SAVER).isSafe(), "a plain suffix is a shard name");
    g.setNode(10, node("joined", "StringJoin", "save/Const", "suffix").toBuilder()
        .putAttr("separator", str("/../../")).build());
    assertEquals(Kind.INVALID_RESTORE, UnsafeOps.scan(g.build(), SAVER).findings().get(0).kind(), "separator");
  }

  @Test
  void aTf2RestoreFunctionIsFollowedThroughItsArguments() {
    SaverDef saver = SaverDef.newBuilder().setFilenameTensorName("saver_filename:0")
        .setSaveTensorName("save_call:0").setRestoreOpName("restore_call").build();
    FunctionDef restore = FunctionDef.newBuilder().setSignature(OpDef.newBuilder().setName("traced_restore")
            .addInputArg(OpDef.ArgDef.newBuilder().setName("file_prefix"))
            .addInputArg(OpDef.ArgDef.newBuilder().setName("var")))
        .addNodeDef(node("names", "Const")).addNodeDef(node("slices", "Const"))
        .addNodeDef(node("RestoreV2", "RestoreV2", "file_prefix", "names:output:0", "slices:output:0"))
        .addNodeDef(node("Identity", "Identity", "RestoreV2:tensors:0"))
        .addNodeDef(node("assign", "AssignVariableOp", "var", "Identity:output:0")).build();
    GraphDef g = graph(List.of(node("saver_filename", "Placeholder"), node("v", "VarHandleOp"),
        call("restore_call", "traced_restore", "saver_filename", "v")), restore);
    UnsafeOps.Report ok = UnsafeOps.scan(g, saver);
    assertTrue(ok.isSafe(), ok.findings().toString());
    assertEquals(1, ok.saverCheckpointOps());

    GraphDef swapped = graph(List.of(node("saver_filename", "Placeholder"), node("v", "VarHandleOp"),
        node("foreign", "Const"), call("restore_call", "traced_restore", "foreign", "v")), restore);
    assertEquals(Kind.INVALID_RESTORE, UnsafeOps.scan(swapped, saver).findings().get(0).kind());
  }

  @Test
  void aRestorePathOfNestedCallsCannotMakeTheCheckExplode() {
    // Each level calls the next 40 times: 40^6 nodes if walked naively.
    SaverDef saver = SAVER.toBuilder().setRestoreOpName("restore_call").build();
    FunctionDef[] levels = new FunctionDef[6];
    for (int level = 0; level < levels.length; level++) {
      NodeDef[] calls = new NodeDef[40];
      for (int i = 0; i < calls.length; i++) {
        calls[i] = level + 1 < levels.length ? call("c" + i, "level" + (level + 1)) : node("n" + i, "NoOp");
      }
      levels[level] = function("level" + level, calls);
    }
    long start = System.nanoTime();
    UnsafeOps.Report r = UnsafeOps.scan(graph(List.of(call("restore_call", "level0")), levels), saver);
    assertTrue(r.findings().stream().anyMatch(f -> f.why().contains("larger than any real one")), r.toString());
    assertTrue((System.nanoTime() - start) / 1e9 < 30, "the check stops early");
  }

  @Test
  void aSaverThatNamesNoRestoreOpIsInvalid() {
    SaverDef missing = SAVER.toBuilder().setRestoreOpName("nowhere").build();
    assertTrue(UnsafeOps.scan(tf1Saver().build(), missing).findings().stream()
        .anyMatch(f -> f.kind() == Kind.INVALID_RESTORE));
  }

  // ---- kernels and memory ----

  @Test
  void anOpWithOnlyAGpuKernelIsReportedAndRefusedToRun() {
    UnsafeOps.Report r = UnsafeOps.scan(graph(node("x", "Placeholder"), node("rnn", "CudnnRNNV3", "x")), null);
    assertTrue(r.isSafe(), "pure computation");
    assertEquals("CudnnRNNV3", r.needsGpuKernel().get(0).opType());
    UserError e = assertThrows(UserError.class, () -> UnsafeOps.requireRunnable(r, "m", RunLimits.of(true)));
    assertTrue(e.getMessage().contains("needs a GPU kernel"), e.getMessage());
  }

  @Test
  void declaredMemoryCountsConstantsFillsAndVariables() {
    NodeDef bigConst = NodeDef.newBuilder().setName("big").setOp("Const").putAttr("value", AttrValue.newBuilder()
        .setTensor(TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(shape(2_700_000_000L))
            .addFloatVal(1f)).build()).build();
    DeclaredMemory m = DeclaredMemory.of(graph(bigConst));
    assertEquals(10_800_000_000L, m.totalBytes());
    assertEquals("big", m.largestNode());

    NodeDef dims = NodeDef.newBuilder().setName("dims").setOp("Const").putAttr("value", AttrValue.newBuilder()
        .setTensor(TensorProto.newBuilder().setDtype(DataType.DT_INT64).setTensorShape(shape(2))
            .addInt64Val(1L << 20).addInt64Val(1L << 10)).build()).build();
    NodeDef fill = node("fill", "Fill", "dims", "one").toBuilder()
        .putAttr("T", AttrValue.newBuilder().setType(DataType.DT_DOUBLE).build()).build();
    assertEquals(8L << 30, DeclaredMemory.of(graph(dims, fill)).largestBytes());

    NodeDef scalar = NodeDef.newBuilder().setName("n").setOp("Const").putAttr("value", AttrValue.newBuilder()
        .setTensor(TensorProto.newBuilder().setDtype(DataType.DT_INT32).addIntVal(1 << 15)).build()).build();
    NodeDef hidden = node("fill", "Fill", "cast", "one").toBuilder()
        .putAttr("T", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build()).build();
    GraphDef behindOps = graph(scalar, node("packed", "Pack", "n", "n"), node("same", "Identity", "packed"),
        node("cast", "Cast", "same"), hidden);
    assertEquals(4L << 30, DeclaredMemory.of(behindOps).largestBytes(), "a constant shape behind Pack/Identity/Cast");
    assertFalse(AllowedOps.isPureComputation("ParseTensor"), "it would expand a serialised tensor of any size");

    NodeDef variable = node("v", "VarHandleOp").toBuilder()
        .putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build())
        .putAttr("shape", AttrValue.newBuilder().setShape(TensorShapeProto.newBuilder()
            .addDim(TensorShapeProto.Dim.newBuilder().setSize(1000))).build()).build();
    assertEquals(4000, DeclaredMemory.of(graph(variable)).totalBytes());
  }

  @Test
  void aModelOverTheMemoryBudgetIsRefusedWithTheOpAndTheSize() {
    NodeDef big = NodeDef.newBuilder().setName("big").setOp("Const").putAttr("value", AttrValue.newBuilder()
        .setTensor(TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(shape(1 << 20))
            .addFloatVal(0f)).build()).build();
    UnsafeOps.Report r = UnsafeOps.scan(graph(big), null);
    RunLimits small = new RunLimits(false, 1L << 20, Duration.ZERO);
    UserError e = assertThrows(UserError.class, () -> UnsafeOps.requireRunnable(r, "model", small));
    assertTrue(e.getMessage().contains("4.0 MiB") && e.getMessage().contains("Const 'big'")
        && e.getMessage().contains("--max-memory"), e.getMessage());
    UnsafeOps.requireRunnable(r, "model", new RunLimits(false, 8L << 20, Duration.ZERO));
    UnsafeOps.requireRunnable(r, "model", new RunLimits(true, 1L << 20, Duration.ZERO));
  }

  @Test
  void refusalsAreOneLineNamingTheModelAndTheOps() {
    GraphDef g = graph(node("f", "ReadFile"), node("w", "WriteFile"), node("p", "EagerPyFunc"),
        node("m", "ImmutableConst"), node("d", "DebugIdentityV2"), node("r", "RecordInput"));
    UserError e = assertThrows(UserError.class,
        () -> UnsafeOps.requireRunnable(UnsafeOps.scan(g, null), "model", RunLimits.of(false)));
    assertTrue(e.getMessage().startsWith("model: refusing to run a model with unsafe ops: "), e.getMessage());
    assertTrue(e.getMessage().contains("and 1 more"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    UnsafeOps.requireRunnable(UnsafeOps.scan(g, null), "model", RunLimits.of(true));
  }

  // ---- helpers ----

  static NodeDef node(String name, String op, String... inputs) {
    return NodeDef.newBuilder().setName(name).setOp(op).addAllInput(List.of(inputs)).build();
  }

  static NodeDef call(String name, String function, String... inputs) {
    return node(name, "StatefulPartitionedCall", inputs).toBuilder().putAttr("f", func(function)).build();
  }

  static AttrValue func(String name) {
    return AttrValue.newBuilder().setFunc(NameAttrList.newBuilder().setName(name)).build();
  }

  static AttrValue str(String s) {
    return AttrValue.newBuilder().setS(ByteString.copyFromUtf8(s)).build();
  }

  static NodeDef stringConst(String name, ByteString value) {
    return NodeDef.newBuilder().setName(name).setOp("Const").putAttr("value", AttrValue.newBuilder().setTensor(
        TensorProto.newBuilder().setDtype(DataType.DT_STRING).addStringVal(value)).build()).build();
  }

  static FunctionDef function(String name, NodeDef... nodes) {
    return FunctionDef.newBuilder().setSignature(OpDef.newBuilder().setName(name)).addAllNodeDef(List.of(nodes))
        .build();
  }

  static GraphDef graph(NodeDef... nodes) {
    return GraphDef.newBuilder().addAllNode(List.of(nodes)).build();
  }

  static GraphDef graph(List<NodeDef> nodes, FunctionDef... functions) {
    return GraphDef.newBuilder().addAllNode(nodes)
        .setLibrary(FunctionDefLibrary.newBuilder().addAllFunction(List.of(functions))).build();
  }

  static SignatureDef signature(String output) {
    return SignatureDef.newBuilder().putOutputs("out", TensorInfo.newBuilder().setName(output).build()).build();
  }

  static MetaGraphDef meta(GraphDef g, String key, String output) {
    return MetaGraphDef.newBuilder().setGraphDef(g).putSignatureDef(key, signature(output)).build();
  }

  static TensorShapeProto shape(long... dims) {
    TensorShapeProto.Builder b = TensorShapeProto.newBuilder();
    for (long d : dims) {
      b.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    return b.build();
  }
}
