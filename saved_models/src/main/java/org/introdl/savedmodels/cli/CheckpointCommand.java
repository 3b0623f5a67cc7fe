package org.introdl.savedmodels.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** `./labs checkpoint`: List the variables of a TensorFlow checkpoint; convert lab checkpoints. */
@Command(name = "checkpoint", mixinStandardHelpOptions = true, description = "List the variables of a TensorFlow checkpoint; convert lab checkpoints.")
public final class CheckpointCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }
}
