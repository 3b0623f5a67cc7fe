/**
 * Running models from strangers. A TensorFlow model is a program; before any command hands one to the runtime it
 * passes through {@link org.introdl.savedmodels.safety.UnsafeOps}, which judges, in Java and from the protos alone,
 * what the run will execute:
 *
 * <ul>
 *   <li>{@link org.introdl.savedmodels.safety.UnsafeOps#scanSignature(org.tensorflow.proto.MetaGraphDef, String)}:
 *       a SavedModel MetaGraph as {@code savedmodel run --signature KEY} runs it (loading: init ops, the nodes a
 *       session runs on its own, the validated restore and the asset tensors it is fed; then that signature);</li>
 *   <li>{@link org.introdl.savedmodels.safety.UnsafeOps#scan(org.tensorflow.proto.GraphDef,
 *       org.tensorflow.proto.SaverDef)}: a GraphDef and its function library, every node, with each saver it holds
 *       judged by the saver rules (a validated restore, a save path judged node by node);
 *       {@link org.introdl.savedmodels.safety.UnsafeOps#scanFetches} for the ancestors of some tensors and the nodes
 *       the session runs on its own;</li>
 *   <li>{@link org.introdl.savedmodels.safety.UnsafeOps#requireRunnable}: the one gate, refusing with one line
 *       (unsafe ops, over the memory budget, or ops with no CPU kernel here) under the
 *       {@link org.introdl.core.safety.RunLimits} of the command line;</li>
 *   <li>{@link org.introdl.savedmodels.safety.ModelFolder}: no file in a SavedModel folder that TensorFlow would load
 *       unscanned (a chunked {@code saved_model.cpb}, a symbolic link).</li>
 * </ul>
 *
 * The limits themselves, the byte sizes and the time limit of a run in this JVM
 * ({@link org.introdl.core.safety.Watchdog}) are labs-core's, shared with the worker process that runs a model
 * from a file under limits the operating system enforces ({@link org.introdl.core.worker}).
 *
 * <p>The allowlist is {@code pure-ops.txt} beside these classes ({@link org.introdl.savedmodels.safety.AllowedOps}).
 * A scan lowers the risk; a sandbox (a container, a separate user) removes it.
 */
package org.introdl.savedmodels.safety;
