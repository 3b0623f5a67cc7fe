package org.introdl.serving;

import org.introdl.core.cli.Cli;
import org.introdl.serving.cli.ServeCommand;
import picocli.CommandLine;

/** {@code ./labs savedmodel serve ARGS} as a process of its own, on the test's class path (no launcher, no build). */
public final class ServeProcessMain {
  private ServeProcessMain() {}

  public static void main(String[] args) {
    System.exit(Cli.configure(new CommandLine(new ServeCommand()), false).execute(args));
  }
}
