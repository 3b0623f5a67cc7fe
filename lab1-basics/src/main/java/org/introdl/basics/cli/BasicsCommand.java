package org.introdl.basics.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** `./labs basics`: placeholder until the lab lands. */
@Command(name = "basics", mixinStandardHelpOptions = true, description = "Lab 1: TensorFlow basics.")
public final class BasicsCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 0;
  }
}
