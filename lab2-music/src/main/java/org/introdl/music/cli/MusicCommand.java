package org.introdl.music.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** `./labs music`: Lab 2: encode MIDI songs, train the LSTM, generate and listen to new songs. */
@Command(name = "music", mixinStandardHelpOptions = true, description = "Lab 2: encode MIDI songs, train the LSTM, generate and listen to new songs.")
public final class MusicCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }
}
