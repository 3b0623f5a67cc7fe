package org.introdl.core.worker;

import java.nio.file.Path;
import org.introdl.core.safety.RunLimits;

/**
 * A command that hands a model from a file to TensorFlow: under {@link WorkerBroker} it runs in a worker process
 * with hard limits. Its output folders are its options named {@code --out} and {@code --to} (of type {@link Path});
 * the broker stages them and moves them into place when the worker succeeds.
 */
public interface RunsInWorker {
  /** The model file or folder this invocation runs, or null when it runs none from a file (a lab's own model). */
  Path untrustedModel();

  /** The memory budget and time limit of this invocation ({@code --max-memory}, {@code --timeout}). */
  RunLimits workerLimits();
}
