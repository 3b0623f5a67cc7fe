package org.introdl.savedmodels.safety;

import static org.introdl.savedmodels.safety.UnsafeOpsTest.call;
import static org.introdl.savedmodels.safety.UnsafeOpsTest.function;
import static org.introdl.savedmodels.safety.UnsafeOpsTest.graph;
import static org.introdl.savedmodels.safety.UnsafeOpsTest.meta;
import static org.introdl.savedmodels.safety.UnsafeOpsTest.node;
import static org.introdl.savedmodels.safety.UnsafeOpsTest.str;
import static org.introdl.savedmodels.safety.UnsafeOpsTest.stringConst;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import java.util.List;
import org.introdl.savedmodels.safety.UnsafeOps.Kind;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.AssetFileDef;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SaverDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorProto;

/**
 * What TensorFlow runs without being asked, judged as what it is: the nodes a session runs on its own, the save path
 * and other savers, the tensors the loader feeds with asset paths, strings however they are stored, constants of
 * opaque types, and the implementation alternatives the selector may (or, for gradient functions, may not) swap in.
 * Each refusal has its control beside it: the model the old rule passed, or the clean one the new rule still passes.
 */
class WhatRunsOnItsOwnTest {
  private static final SaverDef SAVER = SaverDef.newBuilder().setFilenameTensorName("save/Const:0")
      .setSaveTensorName("save/control_dependency:0").setRestoreOpName("save/restore_all").build();

  /** A TF1 saver under {@code scope}: save path (SaveV2) and restore path (RestoreV2, Assign) on variable v. */
  private static List<NodeDef> saver(String scope) {
    return List.of(node(scope + "/Const", "Const"), node(scope + "/names", "Const"), node(scope + "/slices", "Const"),
        node(scope + "/SaveV2", "SaveV2", scope + "/Const", scope + "/names", scope + "/slices", "v"),
        node(scope + "/control_dependency", "Identity", scope + "/Const", "^" + scope + "/SaveV2"),
        node(scope + "/RestoreV2", "RestoreV2", scope + "/Const", scope + "/names", scope + "/slices"),
        node(scope + "/Assign", "Assign", "v", scope + "/RestoreV2"),
        node(scope + "/restore_all", "NoOp", "^" + scope + "/Assign"));
  }

  private static GraphDef.Builder model(String... saverScopes) {
    GraphDef.Builder g = GraphDef.newBuilder().addNode(node("v", "VariableV2")).addNode(node("x", "Placeholder"))
        .addNode(node("y", "Add", "x", "v"));
    for (String scope : saverScopes) {
      g.addAllNode(saver(scope));
    }
    return g;
  }

  private static NodeDef writeFile(String name) {
    return node(name, "WriteFile", "x", "x");
  }

  // ---- the nodes a session runs on its own ----

  @Test
  void nodesNamedInitAreRunByTheSessionAndJudged() {
    GraphDef planted = model("save").addNode(writeFile("Init_pwn")).build();
    assertEquals(List.of("WriteFile"), UnsafeOps.scanFetches(planted, List.of("y"), SAVER).unsafeOpTypes());
    assertEquals(List.of("WriteFile"), UnsafeOps.scanSignature(meta(planted, "serving_default", "y:0"),
        "serving_default").unsafeOpTypes(), "a repair imports the SavedModel's graph too");
    assertEquals(List.of("WriteFile"), UnsafeOps.scan(planted, SAVER).unsafeOpTypes());
    // The control: the same node under another name runs only when something fetches it.
    GraphDef named = model("save").addNode(writeFile("pwn")).build();
    assertTrue(UnsafeOps.scanFetches(named, List.of("y"), SAVER).isSafe());
    assertEquals(List.of("Init_pwn"), UnsafeOps.sessionInitializers(planted));
  }

  @Test
  void anInitNodeOnASaverPathIsStillJudgedAsWhatTheSessionRuns() {
    // A saver's restore read from its own constant file name is fine when nobody runs it; an Init node that
    // depends on it makes the session run it from the path the model chose.
    GraphDef g = model("save", "other").addNode(node("Init_restore", "NoOp", "^other/restore_all")).build();
    assertEquals(List.of("RestoreV2"), UnsafeOps.scan(g, SAVER).unsafeOpTypes());
    assertTrue(UnsafeOps.scan(model("save", "other").build(), SAVER).isSafe(), "the control: nothing runs it");
  }

  // ---- savers ----

  @Test
  void theSavePathIsJudgedNodeByNode() {
    GraphDef.Builder g = model("save").addNode(writeFile("evil"));
    g.setNode(7, node("save/control_dependency", "Identity", "save/Const", "^save/SaveV2", "^evil"));
    UnsafeOps.Report r = UnsafeOps.scan(g.build(), SAVER);
    assertEquals(List.of("WriteFile"), r.unsafeOpTypes());
    // The control: a check of the restore path alone (what the save path was once exempted for) passes it.
    assertTrue(UnsafeOps.scanFetches(g.build(), List.of("y"), SAVER).isSafe());
    assertTrue(UnsafeOps.scan(model("save").build(), SAVER).isSafe(), "the clean saver");
  }

  @Test
  void aSaveThatWritesElsewhereIsInvalid() {
    GraphDef.Builder g = model("save").addNode(stringConst("elsewhere", ByteString.copyFromUtf8("/tmp/x")));
    g.setNode(6, node("save/SaveV2", "SaveV2", "elsewhere", "save/names", "save/slices", "v"));
    UnsafeOps.Report r = UnsafeOps.scan(g.build(), SAVER);
    assertEquals(Kind.INVALID_SAVE, r.findings().get(0).kind(), r.findings().toString());
  }

  @Test
  void aTf1GraphWithTwoSaversIsFineWhenEachIsValidated() {
    // tf.train.Saver() called twice: save/ and save_1/, the SaverDef names one.
    GraphDef two = model("save", "save_1").build();
    SaverDef second = SaverDef.newBuilder().setFilenameTensorName("save_1/Const:0")
        .setSaveTensorName("save_1/control_dependency:0").setRestoreOpName("save_1/restore_all").build();
    for (SaverDef named : List.of(SAVER, second)) {
      UnsafeOps.Report r = UnsafeOps.scan(two, named);
      assertTrue(r.isSafe(), r.findings().toString());
      assertEquals(2, r.saverCheckpointOps(), "both restore paths validated");
    }
    assertEquals(16, UnsafeOps.saverOnlyNodes(two, second).size(), "both savers, not the variable");
    // The control: the other saver is judged; its save may not write where it likes.
    GraphDef.Builder bad = model("save", "save_1").addNode(stringConst("elsewhere",
        ByteString.copyFromUtf8("/tmp/x")));
    bad.setNode(14, node("save_1/SaveV2", "SaveV2", "elsewhere", "save_1/names", "save_1/slices", "v"));
    assertFalse(UnsafeOps.scan(bad.build(), SAVER).isSafe());
  }

  // ---- assets ----

  private static MetaGraphDef withAsset(GraphDef g, String tensor, String file) {
    return meta(g, "serving_default", "y:0").toBuilder().setSaverDef(SAVER).addAssetFileDef(AssetFileDef.newBuilder()
        .setTensorInfo(TensorInfo.newBuilder().setName(tensor)).setFilename(file)).build();
  }

  @Test
  void anAssetMayNotFeedTheRestorePrefix() {
    GraphDef.Builder g = model("save").addNode(node("save/prefix", "Identity", "save/Const"));
    g.setNode(8, node("save/RestoreV2", "RestoreV2", "save/prefix", "save/names", "save/slices"));
    MetaGraphDef attack = withAsset(g.build(), "save/prefix:0", "../../stranger/variables");
    UnsafeOps.Report r = UnsafeOps.scanEachSignature(attack).loading();
    assertEquals(List.of(Kind.UNSAFE_ASSET, Kind.UNSAFE_ASSET), r.findings().stream().map(UnsafeOps.Finding::kind)
        .toList(), r.findings().toString());
    // The control: without the asset, the same restore is the model's own (the loader feeds save/Const).
    MetaGraphDef without = attack.toBuilder().clearAssetFileDef().build();
    assertTrue(UnsafeOps.scanEachSignature(without).loading().isSafe());
    // TF1 SavedModels keep their assets in a collection, which the loader reads when the field is empty.
    MetaGraphDef inCollection = without.toBuilder().putCollectionDef("saved_model_assets", CollectionDef.newBuilder()
        .setAnyList(CollectionDef.AnyList.newBuilder().addValue(Any.pack(attack.getAssetFileDef(0)))).build()).build();
    assertEquals(Kind.UNSAFE_ASSET, UnsafeOps.scanEachSignature(inCollection).loading().findings().get(0).kind());
    // A plain asset on its own tensor is what real models hold.
    GraphDef withPath = model("save").addNode(stringConst("asset_path", ByteString.copyFromUtf8("foo.txt"))).build();
    assertTrue(UnsafeOps.scanEachSignature(withAsset(withPath, "asset_path:0", "foo.txt")).loading().isSafe());
    assertFalse(UnsafeOps.scanEachSignature(withAsset(withPath, "asset_path:0", "/etc/passwd")).loading().isSafe());
  }

  // ---- strings and constants ----

  /** A string tensor held the way TensorFlow also accepts: varint lengths, then the bytes, in tensor_content. */
  static NodeDef contentStringConst(String name, String... values) {
    ByteString.Output lengths = ByteString.newOutput();
    ByteString.Output bytes = ByteString.newOutput();
    for (String v : values) {
      byte[] b = v.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      int n = b.length;
      while ((n & ~0x7f) != 0) {
        lengths.write((n & 0x7f) | 0x80);
        n >>>= 7;
      }
      lengths.write(n);
      bytes.write(b, 0, b.length);
    }
    return NodeDef.newBuilder().setName(name).setOp("Const").putAttr("value", AttrValue.newBuilder().setTensor(
        TensorProto.newBuilder().setDtype(DataType.DT_STRING).setTensorShape(UnsafeOpsTest.shape(values.length))
            .setTensorContent(lengths.toByteString().concat(bytes.toByteString()))).build()).build();
  }

  @Test
  void stringsInTensorContentAreReadLikeStringVal() {
    GraphDef.Builder g = model("save").addNode(contentStringConst("suffix", "/../../stolen"))
        .addNode(node("joined", "StringJoin", "save/Const", "suffix"));
    g.setNode(8, node("save/RestoreV2", "RestoreV2", "joined", "save/names", "save/slices"));
    UnsafeOps.Report r = UnsafeOps.scan(g.build(), SAVER);
    assertEquals(Kind.INVALID_RESTORE, r.findings().get(0).kind(), r.findings().toString());
    // The control: string_val, all that was read before, is empty; a plain suffix held the same way passes.
    assertEquals(0, g.getNode(11).getAttrMap().get("value").getTensor().getStringValCount());
    g.setNode(11, contentStringConst("suffix", "_temp"));
    assertTrue(UnsafeOps.scan(g.build(), SAVER).isSafe());
    // A graph hidden in tensor_content is walked too.
    GraphDef inner = graph(node("p", "Const"), node("r", "ReadFile", "p"));
    NodeDef held = contentStringConst("g", "x").toBuilder().putAttr("value", AttrValue.newBuilder().setTensor(
        contentStringConst("g", "x").getAttrMap().get("value").getTensor().toBuilder().setTensorContent(
            ByteString.copyFrom(new byte[] {(byte) (inner.getSerializedSize() & 0x7f | 0x80),
                (byte) (inner.getSerializedSize() >>> 7)}).concat(inner.toByteString()))).build()).build();
    assertTrue(UnsafeOps.scan(graph(held), null).unsafeOpTypes().contains("ReadFile"));
  }

  @Test
  void variantAndResourceConstantsAreRefusedReachedOrNot() {
    for (DataType opaque : List.of(DataType.DT_VARIANT, DataType.DT_RESOURCE)) {
      NodeDef c = NodeDef.newBuilder().setName("c").setOp("Const").putAttr("dtype", AttrValue.newBuilder()
          .setType(opaque).build()).putAttr("value", AttrValue.newBuilder().setTensor(TensorProto.newBuilder()
              .setDtype(opaque)).build()).build();
      UnsafeOps.Report reached = UnsafeOps.scan(graph(c, node("y", "Identity", "c")), null);
      assertEquals(Kind.UNSAFE_ATTRIBUTE, reached.findings().get(0).kind(), opaque.name());
      UnsafeOps.Report unreached = UnsafeOps.scanSignature(meta(graph(node("x", "Placeholder"), c), "s", "x:0"),
          "s");
      assertEquals(List.of("Const"), unreached.unsafeOpTypes(), opaque.name());
    }
    // The control: the same constant as a float is data.
    NodeDef f = NodeDef.newBuilder().setName("c").setOp("Const").putAttr("dtype", AttrValue.newBuilder()
        .setType(DataType.DT_FLOAT).build()).build();
    assertTrue(UnsafeOps.scan(graph(f, node("y", "Identity", "c")), null).isSafe());
  }

  // ---- implementation alternatives ----

  private static FunctionDef implementation(String name, String device, NodeDef body, String... extra) {
    FunctionDef.Builder f = function(name, body).toBuilder().putAttr("api_implements", str("gru_1"))
        .putAttr("api_preferred_device", str(device));
    for (int i = 0; i < extra.length; i += 2) {
      f.putAttr(extra[i], str(extra[i + 1]));
    }
    return f.build();
  }

  @Test
  void theCudnnAlternativeIsANoteAndItsGradientIsNotWhatRuns() {
    // Keras 2 saves a GRU as a CPU function and a cuDNN one with the same api_implements, each with a gradient.
    FunctionDef cpu = implementation("standard_gru", "CPU", node("m", "MatMul"));
    FunctionDef gpu = implementation("gpu_gru_with_fallback", "GPU", node("rnn", "CudnnRNN"));
    FunctionDef gradient = implementation("backward_gpu_gru", "GPU", node("grad", "CudnnRNNBackprop"),
        "forward_function_name", "forward_gpu_gru");
    UnsafeOps.Report r = UnsafeOps.scan(graph(List.of(call("call", "standard_gru")), cpu, gpu, gradient), null);
    assertTrue(r.isSafe(), r.findings().toString());
    assertTrue(r.needsGpuKernel().isEmpty(), r.needsGpuKernel().toString());
    assertEquals(1, r.notes().size(), r.notes().toString());
    assertTrue(r.notes().get(0).startsWith("cuDNN alternative: needs a GPU; the CPU alternative runs"));
    // Called through the cuDNN one, the selector still runs the CPU one here.
    assertTrue(UnsafeOps.scan(graph(List.of(call("call", "gpu_gru_with_fallback")), cpu, gpu, gradient), null)
        .needsGpuKernel().isEmpty());
    // The controls: a function of the group that is not a gradient is an alternative, and judged as one; without a
    // CPU alternative, the cuDNN op cannot run here.
    FunctionDef notAGradient = implementation("backward_gpu_gru", "GPU", node("grad", "CudnnRNNBackprop"));
    assertEquals(List.of("CudnnRNNBackprop"), UnsafeOps.scan(graph(List.of(call("call", "standard_gru")), cpu, gpu,
        notAGradient), null).unsafeOpTypes());
    assertEquals(List.of("CudnnRNN"), UnsafeOps.scan(graph(List.of(call("call", "gpu_gru_with_fallback")), gpu),
        null).needsGpuKernel().stream().map(UnsafeOps.Finding::opType).toList());
  }
}
