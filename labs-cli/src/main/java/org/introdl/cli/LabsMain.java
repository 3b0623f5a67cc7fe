package org.introdl.cli;

import java.util.Arrays;
import org.introdl.basics.cli.BasicsCommand;
import org.introdl.core.cli.Cli;
import org.introdl.core.worker.WorkerBroker;
import org.introdl.exercises.cli.ExercisesCommand;
import org.introdl.keras.cli.KerasCommand;
import org.introdl.music.cli.MusicCommand;
import org.introdl.notebooks.cli.NotebookCommand;
import org.introdl.savedmodels.cli.CheckpointCommand;
import org.introdl.savedmodels.cli.GraphCommand;
import org.introdl.savedmodels.cli.SavedModelCommand;
import org.introdl.serving.cli.ServeCommand;
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
      NotebookCommand.class,
      SavedModelCommand.class,
      CheckpointCommand.class,
      GraphCommand.class,
      KerasCommand.class,
      DataCommand.class,
      DoctorCommand.class,
      BenchCommand.class,
      HelpCommand.class
    },
    footer = {
      "",
      "Start with ./labs run: every lab end to end, offline, in a few minutes.",
      "Then one lab at a time, for example:",
      "  ./labs basics perceptron --x 0.25,0.15   Lab 1: a perceptron's output",
      "  ./labs music train --steps 50            Lab 2: train the LSTM, then generate",
      "  ./labs xray train --steps 40             Lab 3: train the CNN, then eval, cam",
      "  ./labs notebook lab2                     a lab cell by cell in jshell (--run: all cells)",
      "  ./labs savedmodel show DIR               run in Java what Python trained",
      "Help on any command: ./labs help xray cam (or ./labs xray cam --help)."
    })
public final class LabsMain extends org.introdl.core.cli.CommandGroup {
  @Option(names = "--debug", description = "Print stack traces for errors.", scope = CommandLine.ScopeType.INHERIT)
  boolean debug;

  @Option(names = "--verbose", description = "Show TensorFlow's own log (hidden by default).",
      scope = CommandLine.ScopeType.INHERIT)
  boolean verbose;

  public static void main(String[] args) {
    QuietConsole.adoptStderr();
    System.exit(execute(true, args));
  }

  /** Runs the CLI in this JVM, models from files included, and returns its exit code (tests call this). */
  public static int execute(String... args) {
    return execute(false, args);
  }

  /**
   * Runs the CLI and returns its exit code; with {@code isolated}, as {@code ./labs} does, every model from a file
   * runs in a worker process with hard limits ({@link WorkerBroker}).
   */
  public static int execute(boolean isolated, String... args) {
    boolean debug = Arrays.asList(args).contains("--debug");
    if (!debug && !Arrays.asList(args).contains("--verbose")) {
      QuietConsole.hideJdkInfoLog();
    }
    CommandLine labs = new CommandLine(new LabsMain());
    // `savedmodel serve` lives in model-serving, which depends on saved-models: it joins the group here.
    labs.getSubcommands().get("savedmodel").addSubcommand("serve", new ServeCommand());
    CommandLine cli = Cli.configure(labs, debug);
    if (isolated) {
      WorkerBroker.install(cli, LabsMain.class);
    }
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
