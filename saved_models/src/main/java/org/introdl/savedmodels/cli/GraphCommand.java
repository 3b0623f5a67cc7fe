package org.introdl.savedmodels.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** `./labs graph`: Show and run frozen GraphDefs and MetaGraphDefs. */
@Command(name = "graph", mixinStandardHelpOptions = true, description = "Show and run frozen GraphDefs and MetaGraphDefs.")
public final class GraphCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }
}
