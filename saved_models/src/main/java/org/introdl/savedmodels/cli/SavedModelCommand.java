package org.introdl.savedmodels.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** `./labs savedmodel`: Show, scan, run and compare SavedModels written by Python or Java. */
@Command(name = "savedmodel", mixinStandardHelpOptions = true, description = "Show, scan, run and compare SavedModels written by Python or Java.")
public final class SavedModelCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }
}
