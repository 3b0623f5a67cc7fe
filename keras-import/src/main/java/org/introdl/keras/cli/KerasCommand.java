package org.introdl.keras.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.introdl.core.cli.CommandGroup;
import org.introdl.core.cli.ModelSafetyOptions;
import org.introdl.core.safety.RunLimits;
import org.introdl.core.worker.RunsInWorker;
import org.introdl.keras.KerasConvert;
import org.introdl.keras.KerasRun;
import org.introdl.keras.KerasShow;
import org.introdl.keras.KerasSource;
import org.introdl.savedmodels.Outputs;
import org.introdl.savedmodels.cli.SavedModelCommand;
import org.introdl.savedmodels.values.TensorSpec;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `./labs keras`: Show, run and convert Keras models (.keras, .h5, JSON config + weights) without Python. */
@Command(name = "keras", mixinStandardHelpOptions = true,
    description = "Show, run and convert Keras models (.keras, .h5, or a JSON config with its weights) without"
        + " Python.",
    subcommands = {KerasCommand.Show.class, KerasCommand.Run.class, KerasCommand.Convert.class})
public final class KerasCommand extends CommandGroup {

  /** FILE, or --config JSON --weights H5. */
  static final class Source {
    @Parameters(paramLabel = "FILE", arity = "0..1",
        description = "The Keras model: a .keras archive, or a full-model .h5 (also a .keras-named one).")
    Path file;

    @Option(names = "--config", paramLabel = "MODEL.json", description = "A JSON config (model.to_json()) ...")
    Path config;

    @Option(names = "--weights", paramLabel = "WEIGHTS.h5", description = "... with its weights (save_weights).")
    Path weights;

    KerasSource source(CommandSpec spec) {
      if (file != null && config == null && weights == null) {
        return KerasSource.of(file);
      }
      if (file == null && config != null && weights != null) {
        return KerasSource.of(config, weights);
      }
      throw org.introdl.core.cli.Cli.badValue(spec, "give FILE, or --config MODEL.json with --weights WEIGHTS.h5");
    }
  }

  /** What every keras subcommand takes: the model (run in a worker: it is a stranger's file) and its limits. */
  abstract static class ModelCommand implements Callable<Integer>, RunsInWorker {
    @Spec CommandSpec spec;
    @ArgGroup(exclusive = false, multiplicity = "1") Source source;
    @Mixin ModelSafetyOptions safety;

    @Override
    public Path untrustedModel() {
      return source.file != null ? source.file : source.config;
    }

    @Override
    public RunLimits workerLimits() {
      return safety.limits();
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Format, Keras version, backend, the layers with output shapes and parameter counts, inputs,"
          + " outputs, and what cannot be imported.")
  static final class Show extends ModelCommand {
    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      out.print(KerasShow.format(KerasShow.describe(source.source(spec), safety.limits())));
      out.flush();
      return 0;
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Run the model on inputs and print each output (name, dtype, shape, values).")
  static final class Run extends ModelCommand {
    @Option(names = "--input", paramLabel = "NAME=VALUE",
        description = "An input: NAME=JSON (e.g. x='[[0.1, 0.2]]'), NAME=@file.npy or NAME=@file.json; the NAME= "
            + "may be left out when the model has one input. Repeat for each input.")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR",
        description = "Write each output as DIR/NAME.npy (or DIR/outputs.json with --format json).")
    Path out;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json",
        description = "Console format: text or json.")
    String format;

    @Override
    public Integer call() {
      Outputs.Format fmt = SavedModelCommand.Formats.parse(spec, format);
      KerasRun.Outcome outcome = KerasRun.run(new KerasRun.Request(source.source(spec), inputs, safety.limits()));
      PrintWriter console = spec.commandLine().getOut();
      if (out != null) {
        Outputs.write(outcome.outputs(), out, fmt, console);
      } else {
        Outputs.print(outcome.outputs(), fmt, console);
      }
      return 0;
    }
  }

  @Command(name = "convert", mixinStandardHelpOptions = true,
      description = "Write the model as a SavedModel (signature serving_default, variables named after the Keras "
          + "layers) that TensorFlow and ./labs savedmodel run load.")
  static final class Convert extends ModelCommand {
    @Option(names = "--to", required = true, paramLabel = "DIR", description = "The new SavedModel folder.")
    Path to;

    @Override
    public Integer call() {
      KerasConvert.Outcome o = KerasConvert.convert(new KerasConvert.Request(source.source(spec), to,
          safety.limits()));
      PrintWriter out = spec.commandLine().getOut();
      out.println("wrote " + o.out() + " (signature serving_default, " + o.variables().size() + " variables, "
          + String.format(Locale.ROOT, "%,d", o.parameters()) + " parameters)");
      o.inputs().values().forEach(s -> out.println("  input  " + describe(s)));
      o.outputs().values().forEach(s -> out.println("  output " + describe(s)));
      out.flush();
      return 0;
    }

    private static String describe(TensorSpec s) {
      return s.key() + " " + s.dtypeName() + " " + s.shapeText();
    }
  }
}
