package org.introdl.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/** {@code ./labs help [COMMAND...]}: the help of a command at any depth ({@code ./labs help xray cam}). */
@Command(name = "help", helpCommand = true,
    description = "Show the help of a command, e.g. ./labs help xray cam (same as ./labs xray cam --help).")
final class HelpCommand implements Runnable {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command, then its subcommands.")
  List<String> path = new ArrayList<>();

  @Override
  public void run() {
    CommandLine target = spec.parent().commandLine();
    for (String name : path) {
      CommandLine next = target.getSubcommands().get(name);
      if (next == null) {
        throw new UnmatchedArgumentException(target, List.of(name));
      }
      target = next;
    }
    target.usage(spec.commandLine().getOut());
  }
}
