package org.introdl.cli;

import java.util.Arrays;
import org.introdl.basics.cli.BasicsCommand;
import org.introdl.core.cli.Cli;
import org.introdl.exercises.cli.ExercisesCommand;
import org.introdl.music.cli.MusicCommand;
import org.introdl.savedmodels.cli.CheckpointCommand;
import org.introdl.savedmodels.cli.GraphCommand;
import org.introdl.savedmodels.cli.SavedModelCommand;
import org.introdl.xray.cli.XrayCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code ./labs} command: one entry point, one subcommand per lab and per tool. */
@Command(
    name = "labs",
    mixinStandardHelpOptions = true,
    versionProvider = LabsMain.Version.class,
    description = "The MIT 6.S191 (2018) deep-learning labs in TensorFlow Java.",
    subcommands = {
      RunCommand.class,
      BasicsCommand.class,
      MusicCommand.class,
      XrayCommand.class,
      ExercisesCommand.class,
      SavedModelCommand.class,
      CheckpointCommand.class,
      GraphCommand.class,
      DataCommand.class,
      DoctorCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class LabsMain extends org.introdl.core.cli.CommandGroup {
  @Option(names = "--debug", description = "Print stack traces for errors.", scope = CommandLine.ScopeType.INHERIT)
  boolean debug;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns its exit code (tests call this instead of {@link #main}). */
  public static int execute(String... args) {
    boolean debug = Arrays.asList(args).contains("--debug");
    CommandLine cli = Cli.configure(new CommandLine(new LabsMain()), debug);
    return cli.execute(args);
  }

  /** {@code --version}: this project's version and the TensorFlow runtime's. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String own = LabsMain.class.getPackage().getImplementationVersion();
      return new String[] {"introdl-java " + (own == null ? "dev" : own), "TensorFlow Java 1.1.0 (runtime "
          + org.tensorflow.TensorFlow.version() + ")"};
    }
  }
}
