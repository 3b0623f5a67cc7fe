package org.introdl.savedmodels.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.introdl.core.cli.ModelSafetyOptions;
import org.introdl.core.cli.WorkerLimitOptions;
import org.introdl.core.worker.RunsInWorker;
import org.introdl.core.safety.Bytes;
import org.introdl.core.safety.RunLimits;
import org.introdl.savedmodels.safety.UnsafeOps;
import org.introdl.savedmodels.Comparison;
import org.introdl.savedmodels.ModelInputs;
import org.introdl.savedmodels.Outputs;
import org.introdl.savedmodels.SavedModelConvert;
import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.SavedModelShow;
import org.introdl.savedmodels.SignatureRunner;
import org.introdl.savedmodels.values.TensorValue;
import org.introdl.savedmodels.UnsafeOpsReport;
import org.introdl.savedmodels.checkpoint.TensorBundleIndex;
import org.introdl.core.cli.CommandGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `./labs savedmodel`: Show, scan, run and compare SavedModels written by Python or Java. */
@Command(name = "savedmodel", mixinStandardHelpOptions = true,
    description = "Show, scan, run and compare SavedModels written by Python or Java.",
    subcommands = {SavedModelCommand.Show.class, SavedModelCommand.Run.class, SavedModelCommand.Scan.class,
        SavedModelCommand.Compare.class, SavedModelCommand.Convert.class})
public final class SavedModelCommand extends CommandGroup {
  /** Exit code when a check ran and failed: unsafe ops found by scan, outputs off by compare. */
  public static final int EXIT_CHECK_FAILED = 3;

  /** A subcommand on a SavedModel folder: a stranger's model, so it runs in a worker. */
  abstract static class ModelCommand implements Callable<Integer>, RunsInWorker {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "The SavedModel folder (holding saved_model.pb).")
    Path dir;

    @Override
    public Path untrustedModel() {
      return dir;
    }
  }

  /** One that reads the model and runs none of it: the worker's limits ({@code --max-memory}, {@code --timeout}). */
  abstract static class ReadsModel extends ModelCommand {
    @Mixin WorkerLimitOptions limits;

    @Override
    public RunLimits workerLimits() {
      return limits.limits();
    }
  }

  /** One that runs the model: the worker's limits and {@code --allow-unsafe-ops}. */
  abstract static class RunsModel extends ModelCommand {
    @Mixin ModelSafetyOptions safety;

    @Override
    public RunLimits workerLimits() {
      return safety.limits();
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Tags, signatures (inputs and outputs with tensor name, dtype, shape), the TF version.")
  static final class Show extends ReadsModel {
    @Option(names = "--all", description = "Also hidden signatures, graph size, collections, assets, variables.")
    boolean all;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      out.print(SavedModelShow.format(SavedModelShow.describe(dir), all));
      out.flush();
      return 0;
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Run a signature: inputs are checked against it, and what loading and the signature run is"
          + " scanned first.")
  static final class Run extends RunsModel {
    @Option(names = "--tag", defaultValue = SavedModelDir.DEFAULT_TAG, paramLabel = "TAGS",
        description = "MetaGraph tag set, comma-separated (default: ${DEFAULT-VALUE}).")
    String tag;

    @Option(names = "--signature", defaultValue = SavedModelDir.DEFAULT_SIGNATURE, paramLabel = "KEY",
        description = "Signature key (default: ${DEFAULT-VALUE}).")
    String signature;

    @Option(names = "--input", paramLabel = "KEY=VALUE",
        description = "An input: KEY=JSON (e.g. x='[[1.0],[2.0]]'), KEY=@file.npy or KEY=@file.json. Repeat for "
            + "each input.")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--examples", paramLabel = "JSON",
        description = "For a signature whose one input is serialized tf.Example protos (regress, classify): the "
            + "examples as TF Serving's REST API takes them, e.g. '[{\"x\": 2.0}]'.")
    String examples;

    @Option(names = "--call", paramLabel = "SIG[:KEY=VALUE,...]",
        description = "Call signatures in order on one loaded model (repeat; for models with state), e.g. "
            + "--call get --call 'increment_by:n=5'. Replaces --signature, --input and --examples.")
    List<String> calls = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR",
        description = "Write each output as DIR/KEY.npy (or DIR/outputs.json with --format json); with several "
            + "--call, into DIR/1-SIG/, DIR/2-SIG/, ...")
    Path out;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json",
        description = "Console format: text or json.")
    String format;

    @Override
    public Integer call() {
      Outputs.Format fmt = Formats.parse(spec, format);
      List<SignatureRunner.Call> script = script();
      RunLimits limits = safety.limits();
      SignatureRunner.ScriptOutcome outcome = SignatureRunner.run(new SignatureRunner.Script(dir, tag, script,
          limits));
      PrintWriter console = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      outcome.notes().forEach(note -> err.println("note: " + note));
      if (limits.allowUnsafeOps() && !outcome.scan().isSafe()) {
        err.println("warning: ran with unsafe ops: " + String.join(", ", outcome.scan().unsafeOpTypes()));
      }
      err.flush();
      if (outcome.results().size() == 1) {
        Map<String, TensorValue> outputs = outcome.results().get(0).outputs();
        if (out != null) {
          Outputs.writeValues(outputs, out, fmt, console);
        } else {
          Outputs.printValues(outputs, fmt, console);
        }
        return 0;
      }
      for (int i = 0; i < outcome.results().size(); i++) {
        SignatureRunner.CallResult r = outcome.results().get(i);
        if (out != null) {
          Outputs.writeValues(r.outputs(), out.resolve(callFolder(i, r.signature().key())), fmt, console);
        } else if (fmt == Outputs.Format.JSON) {
          console.println("{\"call\":" + (i + 1) + ",\"signature\":" + quoted(r.signature().key())
              + ",\"outputs\":" + Outputs.jsonValues(r.outputs()) + "}");
        } else {
          console.println("[" + (i + 1) + "] " + r.signature().key());
          Outputs.printValues(r.outputs(), fmt, console);
        }
      }
      console.flush();
      return 0;
    }

    private List<SignatureRunner.Call> script() {
      if (calls.isEmpty()) {
        return List.of(new SignatureRunner.Call(signature, ModelInputs.parseOptions(inputs), examples));
      }
      if (!inputs.isEmpty() || examples != null
          || spec.commandLine().getParseResult().hasMatchedOption("--signature")) {
        throw org.introdl.core.cli.Cli.badValue(spec, "--call names the signature and its inputs itself; "
            + "leave out --signature, --input and --examples");
      }
      return calls.stream().map(ModelInputs::parseCall).toList();
    }

    /** "1-get": one folder per call under --out, in call order. */
    static String callFolder(int index, String signature) {
      return (index + 1) + "-" + signature.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static String quoted(String text) {
      return JsonNodeFactory.instance.textNode(text).toString();
    }
  }

  @Command(name = "scan", mixinStandardHelpOptions = true,
      description = "Judge what loading and each signature run against the allowlist of pure-computation ops, the "
          + "validated restore and the memory budget; exit 3 if anything is unsafe.")
  static final class Scan implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "The SavedModel folder.")
    Path dir;

    @Option(names = "--max-memory", paramLabel = "SIZE",
        description = "The memory budget to check the declared tensors against, e.g. 512m or 8g (default: half of"
            + " this machine's memory).")
    String maxMemory;

    @Override
    public Integer call() {
      long budget = RunLimits.DEFAULT_MEMORY_BUDGET;
      if (maxMemory != null) {
        try {
          budget = Bytes.parse(maxMemory);
        } catch (IllegalArgumentException e) {
          throw org.introdl.core.cli.Cli.badValue(spec, "--max-memory: " + e.getMessage());
        }
      }
      SavedModelDir model = SavedModelDir.open(dir);
      PrintWriter out = spec.commandLine().getOut();
      boolean pass = true;
      for (org.tensorflow.proto.MetaGraphDef mg : model.proto().getMetaGraphsList()) {
        Path index = dir.resolve("variables/variables.index");
        UnsafeOps.SavedModelScan scan = UnsafeOps.scanEachSignature(mg).withCheckpoint(index.toString(),
            TensorBundleIndex.declaredBytes(index));
        out.print(UnsafeOpsReport.format(dir + " [tags " + String.join(",", mg.getMetaInfoDef().getTagsList())
            + "]", mg, scan, budget));
        pass &= UnsafeOpsReport.passes(scan, budget);
      }
      out.flush();
      return pass ? 0 : EXIT_CHECK_FAILED;
    }
  }

  @Command(name = "compare", mixinStandardHelpOptions = true,
      description = "Run the inputs of a reference file (written by Python) and check each output; exit 3 if off.")
  static final class Compare extends RunsModel {
    @Option(names = "--reference", required = true, paramLabel = "FILE.json",
        description = "Reference file: inputs and expected outputs (schema in docs/saved-models.md).")
    Path reference;

    @Option(names = "--rtol", description = "Relative tolerance (default: the file's, else 1e-5).")
    Double rtol;

    @Option(names = "--atol", description = "Absolute tolerance (default: the file's, else 1e-8).")
    Double atol;

    @Override
    public Integer call() {
      if ((rtol != null && !(rtol >= 0)) || (atol != null && !(atol >= 0))) {
        throw org.introdl.core.cli.Cli.badValue(spec, "--rtol and --atol must be non-negative numbers");
      }
      Comparison.Outcome outcome = Comparison.compare(dir, reference, rtol, atol, safety.limits());
      outcome.notes().forEach(n -> spec.commandLine().getErr().println("note: " + n));
      spec.commandLine().getErr().flush();
      PrintWriter out = spec.commandLine().getOut();
      out.print(Comparison.format(outcome));
      out.flush();
      return outcome.pass() ? 0 : EXIT_CHECK_FAILED;
    }
  }

  @Command(name = "convert", mixinStandardHelpOptions = true,
      description = "Write a repaired copy that stock TensorFlow loads anywhere: cuDNN-only LSTM/GRU layers rewritten "
          + "for the CPU, signatures that disagree with the graph removed. Nothing of the model runs.")
  static final class Convert extends ReadsModel {
    @Option(names = "--to", required = true, paramLabel = "OUT", description = "The new SavedModel folder.")
    Path to;

    @Override
    public Integer call() {
      SavedModelConvert.Outcome outcome = SavedModelConvert.convert(dir, to);
      PrintWriter out = spec.commandLine().getOut();
      outcome.notes().forEach(n -> out.println("  " + n));
      out.println("wrote SavedModel " + outcome.out() + (outcome.notes().isEmpty() ? " (nothing needed repair; "
          + "an identical copy)" : " (" + outcome.notes().size() + (outcome.notes().size() == 1 ? " repair)"
          : " repairs)")));
      out.flush();
      return 0;
    }
  }

  /** Parses {@code --format} (also for {@code graph run} and {@code keras run}). */
  public static final class Formats {
    private Formats() {}

    public static Outputs.Format parse(CommandSpec spec, String format) {
      return switch (format) {
        case "text" -> Outputs.Format.TEXT;
        case "json" -> Outputs.Format.JSON;
        default -> throw org.introdl.core.cli.Cli.badValue(spec, "--format must be text or json, not '" + format
            + "'");
      };
    }
  }
}
