package org.introdl.core.cli;

import java.time.Duration;
import org.introdl.core.safety.Bytes;
import org.introdl.core.safety.RunLimits;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options of every command that runs a model from a file ({@code --allow-unsafe-ops}, {@code --max-memory},
 * {@code --timeout}), with the same words everywhere; a picocli mixin.
 */
public final class ModelSafetyOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--allow-unsafe-ops",
      description = "Run even if the scan finds ops that are not pure computation (files, network, processes) or"
          + " the model declares more memory than --max-memory. Only for models whose author you trust.")
  boolean allowUnsafeOps;

  @Option(names = "--max-memory", paramLabel = "SIZE",
      description = "The most memory the model's tensors may declare, e.g. 512m or 8g (default: half of this"
          + " machine's memory).")
  String maxMemory;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
      description = "Give up on a run that takes longer, loading included (0: no limit; default: ${DEFAULT-VALUE}).")
  double timeoutSeconds;

  /** The limits these options ask for; a bad value is a usage error. */
  public RunLimits limits() {
    long budget = RunLimits.DEFAULT_MEMORY_BUDGET;
    if (maxMemory != null) {
      try {
        budget = Bytes.parse(maxMemory);
      } catch (IllegalArgumentException e) {
        throw Cli.badValue(spec, "--max-memory: " + e.getMessage());
      }
    }
    if (!(timeoutSeconds >= 0) || timeoutSeconds > 1e7) {
      throw Cli.badValue(spec, "--timeout must be a number of seconds, 0 or more, not '" + timeoutSeconds + "'");
    }
    return new RunLimits(allowUnsafeOps, budget, Duration.ofMillis(Math.round(timeoutSeconds * 1000)));
  }
}
