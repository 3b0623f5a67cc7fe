package org.introdl.core.tf;

import org.tensorflow.proto.ConfigProto;

/**
 * Session thread settings for graphs of many small ops, where splitting one op across threads costs more than it
 * gives. TensorFlow sizes one process-wide intra-op pool from the first session unless
 * {@code TF_OVERRIDE_GLOBAL_THREADPOOL=true} (the {@code ./labs} launcher and the tests set it); without it these
 * settings still run, with the first session's intra-op threads.
 */
public final class SessionThreads {
  private SessionThreads() {}

  /** Each op on one thread, {@code concurrentOps} of them at a time, in an inter-op pool of the session's own. */
  public static ConfigProto oneThreadPerOp(int concurrentOps) {
    return ConfigProto.newBuilder().setIntraOpParallelismThreads(1).setInterOpParallelismThreads(concurrentOps)
        .setUsePerSessionThreads(true).build();
  }
}
