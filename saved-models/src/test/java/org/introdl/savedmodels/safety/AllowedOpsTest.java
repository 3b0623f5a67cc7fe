package org.introdl.savedmodels.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.NodeDef;

/** The allowlist itself: exact registered names, the ops real models need, none of the ops that reach outside. */
class AllowedOpsTest {

  @Test
  void everyAllowedOpIsExactlyARegisteredOp() {
    List<String> unknown = AllowedOps.all().stream().filter(op -> !OpRegistry.isRegistered(op)).toList();
    assertEquals(List.of(), unknown, "allowlist entries this runtime does not register (typos?)");
    assertTrue(AllowedOps.all().size() > 500, "the list did not load: " + AllowedOps.all().size());
  }

  @Test
  void ordinaryMathNnArrayAndControlFlowOpsAreAllowed() {
    for (String op : List.of("MatMul", "BiasAdd", "Conv2D", "DepthwiseConv2dNative", "MaxPool", "AvgPool",
        "FusedBatchNormV3", "While", "StatelessWhile", "If", "StatelessIf", "TensorListReserve",
        "TensorListSetItem", "TensorListStack", "Select", "SelectV2", "Softmax", "Relu", "Sigmoid", "Tanh",
        "ConcatV2", "StridedSlice", "Reshape", "Transpose", "ReadVariableOp", "VarHandleOp", "VariableV2",
        "StatefulPartitionedCall", "PartitionedCall", "Enter", "Exit", "Merge", "Switch", "NextIteration",
        "LoopCond", "ParseExampleV2", "StaticRegexFullMatch", "RandomUniform", "Einsum", "BatchMatMulV2")) {
      assertTrue(AllowedOps.isPureComputation(op), op);
    }
  }

  @Test
  void opsThatReachOutsideAreNot() {
    for (String op : List.of("ReadFile", "WriteFile", "MatchingFiles", "ImmutableConst", "SaveV2", "RestoreV2",
        "MergeV2Checkpoints", "DatasetFromGraph", "RecordInput", "SnapshotChunkDataset", "ListSnapshotChunksDataset",
        "DistributedSave", "CollectiveReduceV2", "XlaCallModule", "DebugIdentityV2", "EagerPyFunc",
        "InitializeTableFromTextFileV2", "TFRecordDataset", "CreateSummaryFileWriter", "WriteScalarSummary",
        "Abort", "readfile", "Readfile")) {
      assertFalse(AllowedOps.isPureComputation(op), op);
    }
  }

  @Test
  void printV2IsAllowedOnlyToStderrOrTheLog() {
    assertTrue(AllowedOps.attributeProblem(print("stderr")).isEmpty());
    assertTrue(AllowedOps.attributeProblem(print("log(warning)")).isEmpty());
    assertTrue(AllowedOps.attributeProblem(NodeDef.newBuilder().setOp("PrintV2").build()).isEmpty(), "default");
    assertTrue(AllowedOps.attributeProblem(print("file:///tmp/x")).isPresent());
    assertTrue(AllowedOps.attributeProblem(print("stdout")).isPresent(), "stdout carries the results");
  }

  @Test
  void protoOpsAreAllowedOnlyWithTheBuiltInDescriptors() {
    NodeDef local = NodeDef.newBuilder().setOp("DecodeProtoV2").build();
    assertTrue(AllowedOps.attributeProblem(local).isEmpty());
    NodeDef fromFile = local.toBuilder().putAttr("descriptor_source", s("/etc/passwd")).build();
    assertTrue(AllowedOps.attributeProblem(fromFile).orElseThrow().contains("/etc/passwd"));
    NodeDef encode = NodeDef.newBuilder().setOp("EncodeProto").putAttr("descriptor_source", s("bytes://x")).build();
    assertTrue(AllowedOps.attributeProblem(encode).isPresent());
  }

  @Test
  void cudnnRnnIsKnownButHasNoCpuKernelHere() {
    assertTrue(OpRegistry.isRegistered("CudnnRNNV3"));
    assertFalse(OpRegistry.hasKernelHere("CudnnRNNV3"), "the CPU natives have no kernel for it");
    assertTrue(OpRegistry.hasKernelHere("MatMul"));
    assertTrue(OpRegistry.hasKernelHere("NoOp"), "device-independent kernels count");
  }

  private static NodeDef print(String stream) {
    return NodeDef.newBuilder().setOp("PrintV2").putAttr("output_stream", s(stream)).build();
  }

  private static AttrValue s(String v) {
    return AttrValue.newBuilder().setS(com.google.protobuf.ByteString.copyFromUtf8(v)).build();
  }
}
