package org.introdl.xray.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** `./labs xray`: Lab 3: pneumothorax detection in chest x-rays and Class Activation Maps. */
@Command(name = "xray", mixinStandardHelpOptions = true, description = "Lab 3: pneumothorax detection in chest x-rays and Class Activation Maps.")
public final class XrayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }
}
