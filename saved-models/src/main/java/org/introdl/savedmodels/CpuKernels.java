package org.introdl.savedmodels;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.HashSet;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.introdl.savedmodels.repair.CudnnRnnRewrite;
import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TF_Buffer;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.KernelDef;
import org.tensorflow.proto.KernelList;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;

/**
 * Which op types this runtime can run on a CPU, from TensorFlow's own kernel registry, so that {@code show} can say
 * before loading that a model holds an op registered here but only with GPU kernels.
 */
final class CpuKernels {
  private static Set<String> cpuOps;
  private static Set<String> registeredOps;

  private CpuKernels() {}

  /** Op types of {@code graph} and its functions that are registered here but have no CPU kernel. */
  static SortedSet<String> missing(GraphDef graph) {
    load();
    Set<String> functions = new HashSet<>();
    graph.getLibrary().getFunctionList().forEach(f -> functions.add(f.getSignature().getName()));
    SortedSet<String> missing = new TreeSet<>();
    for (NodeDef n : graph.getNodeList()) {
      check(n.getOp(), functions, missing);
    }
    for (FunctionDef f : graph.getLibrary().getFunctionList()) {
      for (NodeDef n : f.getNodeDefList()) {
        check(n.getOp(), functions, missing);
      }
    }
    return missing;
  }

  private static void check(String op, Set<String> functions, Set<String> missing) {
    if (!functions.contains(op) && registeredOps.contains(op) && !cpuOps.contains(op)
        && !CudnnRnnRewrite.OPS.contains(op)) {
      missing.add(op);
    }
  }

  private static synchronized void load() {
    if (cpuOps != null) {
      return;
    }
    registeredOps = new HashSet<>();
    for (OpDef op : TensorFlow.registeredOpList().getOpList()) {
      registeredOps.add(op.getName());
    }
    Set<String> cpu = new HashSet<>();
    TF_Status status = TF_Status.newStatus();
    TF_Buffer buffer = tensorflow.TF_GetAllRegisteredKernels(status);
    try {
      status.throwExceptionIfNotOK();
      for (KernelDef k : KernelList.parseFrom(buffer.copyData()).getKernelList()) {
        // DEFAULT kernels (NoOp, ...) run on every device.
        if (k.getDeviceType().equals("CPU") || k.getDeviceType().equals("DEFAULT")) {
          cpu.add(k.getOp());
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("TensorFlow's kernel list does not parse", e);
    } finally {
      buffer.delete();
      status.delete();
    }
    cpuOps = cpu;
  }
}
