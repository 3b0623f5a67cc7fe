package org.introdl.savedmodels.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.introdl.core.cli.Cli;
import org.introdl.savedmodels.ModelInputs;
import org.introdl.savedmodels.checkpoint.convert.CheckpointConverter;
import org.introdl.savedmodels.checkpoint.CheckpointList;
import org.introdl.savedmodels.checkpoint.convert.ModelPreset;
import org.introdl.core.cli.CommandGroup;
import org.introdl.core.safety.RunLimits;
import org.introdl.core.worker.RunsInWorker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `./labs checkpoint`: List the variables of a TensorFlow checkpoint; convert lab checkpoints. */
@Command(name = "checkpoint", mixinStandardHelpOptions = true,
    description = "List the variables of a TensorFlow checkpoint; convert lab checkpoints.",
    subcommands = {CheckpointCommand.ListVariables.class, CheckpointCommand.Convert.class})
public final class CheckpointCommand extends CommandGroup {

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Names, dtypes and shapes of the saved tensors, from the .index alone (data file not needed).")
  static final class ListVariables implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "PREFIX",
        description = "Checkpoint prefix (model.ckpt), its .index file, or a folder with one checkpoint.")
    Path prefix;

    @Option(names = "--values", description = "Also read small tensors (up to 6 values) from the data file, "
        + "checking their CRC32C.")
    boolean values;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      out.print(CheckpointList.format(CheckpointList.list(prefix), values));
      out.flush();
      return 0;
    }
  }

  @Command(name = "convert", mixinStandardHelpOptions = true,
      description = "Turn a TF1 checkpoint and its graph (PREFIX.meta) into a SavedModel with a serving signature.")
  static final class Convert implements Callable<Integer>, RunsInWorker {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "PREFIX", description = "Checkpoint prefix (model.ckpt) or its .index file.")
    Path prefix;

    @Option(names = "--to", required = true, paramLabel = "SAVEDMODEL", description = "New SavedModel folder.")
    Path to;

    @Option(names = "--model", paramLabel = "music|xray", description = "Use the lab model's signature.")
    String model;

    @Option(names = "--meta", paramLabel = "FILE.meta", description = "The graph (default: PREFIX.meta).")
    Path meta;

    @Option(names = "--input", paramLabel = "KEY=TENSOR", description = "A signature input, e.g. x=Placeholder:0.")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--output", paramLabel = "KEY=TENSOR", description = "A signature output, e.g. y=pred:0.")
    List<String> outputs = new ArrayList<>();

    @Mixin org.introdl.core.cli.ModelSafetyOptions safety;

    @Override
    public Path untrustedModel() {
      return prefix;
    }

    @Override
    public RunLimits workerLimits() {
      return safety.limits();
    }

    @Override
    public Integer call() {
      ModelPreset preset = null;
      if (model != null) {
        try {
          preset = ModelPreset.valueOf(model.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw Cli.badValue(spec, "--model must be music or xray, not '" + model + "'");
        }
      }
      CheckpointConverter.Outcome o = CheckpointConverter.convert(new CheckpointConverter.Request(prefix, meta, to,
          preset, keyValues("--input", inputs), keyValues("--output", outputs), safety.limits()));
      PrintWriter out = spec.commandLine().getOut();
      out.println("wrote SavedModel " + o.out() + " (tag serve, signature serving_default, "
          + o.variablesRestored() + " variables restored)");
      o.inputs().values().forEach(t -> out.println("  input  " + t));
      o.outputs().values().forEach(t -> out.println("  output " + t));
      out.flush();
      return 0;
    }

    private java.util.Map<String, String> keyValues(String option, List<String> values) {
      try {
        return ModelInputs.parseOptions(values);
      } catch (org.introdl.core.UserError e) {
        throw Cli.badValue(spec, option + ": expected KEY=TENSOR (" + e.getMessage() + ")");
      }
    }
  }
}
