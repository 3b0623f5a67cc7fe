package org.introdl.savedmodels.safety;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.HashSet;
import java.util.Set;
import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TF_Buffer;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.proto.KernelDef;
import org.tensorflow.proto.KernelList;
import org.tensorflow.proto.OpDef;

/**
 * What this TensorFlow runtime knows, asked of the runtime itself: the op types it registers (names are exact and
 * case-sensitive) and the op types that have a kernel here (CPU, device-independent, or GPU in a GPU build).
 */
public final class OpRegistry {
  private static final class Loaded {
    static final Set<String> REGISTERED = registered();
    static final Set<String> STATEFUL = stateful();
    static final Set<String> WITH_KERNEL_HERE = kernels("CPU", "DEFAULT", "GPU");
  }

  private OpRegistry() {}

  /** Whether {@code op} is exactly the name of a registered op type. */
  public static boolean isRegistered(String op) {
    return Loaded.REGISTERED.contains(op);
  }

  /**
   * Whether a registered op can run in this runtime: on the CPU, or on a GPU when the runtime was built with GPU
   * kernels (the {@code gpu} profile's natives). Ops such as {@code CudnnRNNV3} have no CPU kernel at all.
   */
  public static boolean hasKernelHere(String op) {
    return Loaded.WITH_KERNEL_HERE.contains(op);
  }

  /**
   * Whether a registered op is marked stateful. TensorFlow evaluates stateless ops while it imports a graph (shape
   * inference folds constant subgraphs), so a stateless op runs even where no signature reaches it.
   */
  public static boolean isStateful(String op) {
    return Loaded.STATEFUL.contains(op);
  }

  private static Set<String> stateful() {
    Set<String> names = new HashSet<>();
    for (OpDef op : TensorFlow.registeredOpList().getOpList()) {
      if (op.getIsStateful()) {
        names.add(op.getName());
      }
    }
    return Set.copyOf(names);
  }

  private static Set<String> registered() {
    Set<String> names = new HashSet<>();
    for (OpDef op : TensorFlow.registeredOpList().getOpList()) {
      names.add(op.getName());
    }
    return Set.copyOf(names);
  }

  private static Set<String> kernels(String... deviceTypes) {
    Set<String> wanted = Set.of(deviceTypes);
    TensorFlow.version(); // loads the native library
    try (TF_Status status = TF_Status.newStatus()) {
      TF_Buffer buffer = tensorflow.TF_GetAllRegisteredKernels(status);
      status.throwExceptionIfNotOK();
      try {
        KernelList kernels = KernelList.parseFrom(buffer.copyData());
        Set<String> ops = new HashSet<>();
        for (KernelDef k : kernels.getKernelList()) {
          if (wanted.contains(k.getDeviceType())) {
            ops.add(k.getOp());
          }
        }
        return Set.copyOf(ops);
      } finally {
        tensorflow.TF_DeleteBuffer(buffer);
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("TensorFlow's kernel registry did not parse", e);
    }
  }
}
