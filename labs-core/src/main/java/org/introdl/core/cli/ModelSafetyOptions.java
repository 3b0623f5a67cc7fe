package org.introdl.core.cli;

import org.introdl.core.safety.RunLimits;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of every command that runs a model from a file ({@code --allow-unsafe-ops}, {@code --max-memory},
 * {@code --timeout}), with the same words everywhere; a picocli mixin.
 */
public final class ModelSafetyOptions {
  @Mixin WorkerLimitOptions workerLimits;

  @Option(names = "--allow-unsafe-ops",
      description = "Run even if the scan finds ops that are not pure computation (files, network, processes) or"
          + " the model declares more memory than --max-memory. Only for models whose author you trust.")
  boolean allowUnsafeOps;

  /** The limits these options ask for; a bad value is a usage error. */
  public RunLimits limits() {
    RunLimits limits = workerLimits.limits();
    return new RunLimits(allowUnsafeOps, limits.memoryBudgetBytes(), limits.timeout());
  }
}
