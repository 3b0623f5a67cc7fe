package org.introdl.savedmodels.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.introdl.savedmodels.ModelInputs;
import org.introdl.savedmodels.Outputs;
import org.introdl.savedmodels.graph.GraphRunner;
import org.introdl.savedmodels.graph.GraphShow;
import org.introdl.core.cli.CommandGroup;
import org.introdl.core.cli.WorkerLimitOptions;
import org.introdl.core.safety.RunLimits;
import org.introdl.core.worker.RunsInWorker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `./labs graph`: Show and run frozen GraphDefs and MetaGraphDefs. */
@Command(name = "graph", mixinStandardHelpOptions = true,
    description = "Show and run frozen GraphDefs and MetaGraphDefs.",
    subcommands = {GraphCommand.Show.class, GraphCommand.Run.class})
public final class GraphCommand extends CommandGroup {

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Placeholders, variables (name, dtype, shape), op counts and outputs of a .pb or .meta graph.")
  static final class Show implements Callable<Integer>, RunsInWorker {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A frozen GraphDef (.pb) or a MetaGraphDef (.meta).")
    Path file;

    @Option(names = "--all", description = "Every op type and every output.")
    boolean all;

    @Mixin WorkerLimitOptions limits;

    @Override
    public Path untrustedModel() {
      return file;
    }

    @Override
    public RunLimits workerLimits() {
      return limits.limits();
    }

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      out.print(GraphShow.format(GraphShow.show(file), all));
      out.flush();
      return 0;
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Feed placeholders (as in 'savedmodel run') and fetch outputs; the graph is scanned first.")
  static final class Run implements Callable<Integer>, RunsInWorker {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A frozen GraphDef (.pb) or a MetaGraphDef (.meta).")
    Path file;

    @Option(names = "--input", paramLabel = "NAME=VALUE",
        description = "Feed placeholder NAME with JSON or @file.npy. Repeat for each placeholder.")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--output", paramLabel = "NAME", description = "A node or tensor to fetch (default: the only "
        + "output). Repeatable.")
    List<String> outputs = new ArrayList<>();

    @Option(names = "--checkpoint", paramLabel = "PREFIX", description = "Restore variables (a .meta graph's saver).")
    Path checkpoint;

    @Option(names = "--out", paramLabel = "DIR",
        description = "Write each output as DIR/NAME.npy (or DIR/outputs.json with --format json).")
    Path out;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json",
        description = "Console format: text or json.")
    String format;

    @Mixin org.introdl.core.cli.ModelSafetyOptions safety;

    @Override
    public Path untrustedModel() {
      return file;
    }

    @Override
    public RunLimits workerLimits() {
      return safety.limits();
    }

    @Override
    public Integer call() {
      Outputs.Format fmt = SavedModelCommand.Formats.parse(spec, format);
      GraphRunner.Outcome o = GraphRunner.run(new GraphRunner.Request(file, outputs,
          ModelInputs.parseOptions(inputs), checkpoint, safety.limits()));
      PrintWriter console = spec.commandLine().getOut();
      if (out != null) {
        Outputs.write(o.outputs(), out, fmt, console);
      } else {
        Outputs.print(o.outputs(), fmt, console);
      }
      return 0;
    }
  }
}
