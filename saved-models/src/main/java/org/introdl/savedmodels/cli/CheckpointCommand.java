package org.introdl.savedmodels.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.introdl.core.cli.Cli;
import org.introdl.savedmodels.ModelInputs;
import org.introdl.savedmodels.checkpoint.convert.CheckpointConverter;
import org.introdl.savedmodels.checkpoint.CheckpointList;
import org.introdl.core.cli.CommandGroup;
import org.introdl.core.safety.RunLimits;
import org.introdl.core.worker.RunsInWorker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `./labs checkpoint`: List the variables of a TensorFlow checkpoint; convert a checkpoint to a SavedModel. */
@Command(name = "checkpoint", mixinStandardHelpOptions = true,
    description = "List the variables of a TensorFlow checkpoint; convert a checkpoint and its graph to a SavedModel.",
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
    /** What replaced {@code --model xray|music}: each lab's own export knows its model's signatures. */
    static final String MODEL_OPTION_GONE = "--model is gone: a lab's model is exported by its lab, with its"
        + " signatures (./labs xray export --checkpoint PREFIX --out DIR, also for the 2018 lab's model.ckpt;"
        + " ./labs music export --checkpoint RUN --out DIR); for any other graph name the tensors with"
        + " --input KEY=TENSOR --output KEY=TENSOR";

    @Spec CommandSpec spec;

    @Parameters(paramLabel = "PREFIX", description = "Checkpoint prefix (model.ckpt) or its .index file.")
    Path prefix;

    @Option(names = "--to", required = true, paramLabel = "SAVEDMODEL", description = "New SavedModel folder.")
    Path to;

    /** Kept only to say what to use instead (hidden from the help). */
    @Option(names = "--model", hidden = true)
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
      if (model != null) {
        throw Cli.badValue(spec, MODEL_OPTION_GONE);
      }
      CheckpointConverter.Outcome o = CheckpointConverter.convert(new CheckpointConverter.Request(prefix, meta, to,
          keyValues("--input", inputs), keyValues("--output", outputs), safety.limits()));
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
