package org.introdl.core.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that only groups subcommands ({@code ./labs music}, {@code ./labs savedmodel}, ...): run on its own, it
 * prints its usage, listing the subcommands, and exits 0.
 */
public abstract class CommandGroup implements Runnable {
  @Spec protected CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
