package org.introdl.core.cli;

import java.time.Duration;
import org.introdl.core.safety.Bytes;
import org.introdl.core.safety.RunLimits;
import org.introdl.core.worker.WorkerProcess;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --max-memory} and {@code --timeout}: the hard limits of the worker process that runs a model from a file
 * (and the budget the scan checks the model's declared tensors against); a picocli mixin.
 */
public final class WorkerLimitOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--max-memory", paramLabel = "SIZE",
      description = "The most memory the model may use, e.g. 512m or 8g: the worker running it is stopped there, and"
          + " a model declaring more is refused (default: half of this machine's memory).")
  String maxMemory;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
      description = "Stop a model that takes longer, loading included (0: no limit; default: ${DEFAULT-VALUE}).")
  double timeoutSeconds;

  /**
   * The limits these options ask for; a bad value is a usage error. Inside the worker the time limit is zero: the
   * parent kills the worker at the deadline, nothing inside it has to stop the run.
   */
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
    Duration timeout = WorkerProcess.inWorker() ? Duration.ZERO : Duration.ofMillis(Math.round(timeoutSeconds * 1000));
    return new RunLimits(false, budget, timeout);
  }
}
