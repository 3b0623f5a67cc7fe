package org.introdl.core.worker;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.introdl.core.UserError;
import org.introdl.core.safety.Bytes;
import org.introdl.core.safety.RunLimits;
import picocli.CommandLine;
import picocli.CommandLine.ExecutionException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The command line's side of the worker: the broker. It owns the user's files; a command that runs a model from a
 * file ({@link RunsInWorker}) is run again, the same command with the same options, in a {@link WorkerProcess} whose
 * working directory is a temporary folder. The broker hands it a narrow request:
 *
 * <ul>
 *   <li>every path made absolute (options and parameters of type {@link Path}, {@code @file} in {@code --input} and
 *       {@code --call}), since the worker's working directory is not the user's;</li>
 *   <li>output folders ({@code --out}, {@code --to}) replaced by {@link StagedOutputs staging folders}, published
 *       only when the worker exits 0;</li>
 *   <li>its stdout and stderr passed on with the staging paths written back as the user's.</li>
 * </ul>
 *
 * A crash, a memory overrun or a hang of the worker is one line and exit 1; the worker's own errors are its own
 * lines and exit codes. Inside the worker the same strategy runs the command in process.
 */
public final class WorkerBroker {
  /** Options that name an output folder (of type Path). */
  static final Set<String> OUTPUT_OPTIONS = Set.of("--out", "--to");
  /** A {@code KEY=@file} (or bare {@code @file}) reference in {@code --input}: the file is the rest of the value. */
  private static final Pattern INPUT_FILE = Pattern.compile("^([^=\\[{\"]*=)?@(.+)$");
  /** A {@code KEY=@file} reference in {@code --call SIG:KEY=VALUE,...}: the file name ends at the next comma. */
  private static final Pattern CALL_FILE = Pattern.compile("([:,][^=:,\\[{\"]+=)@([^,]+)");

  private final Class<?> mainClass;

  private WorkerBroker(Class<?> mainClass) {
    this.mainClass = mainClass;
  }

  /** Makes {@code root} run its {@link RunsInWorker} commands in a worker started as {@code java mainClass ARGS}. */
  public static CommandLine install(CommandLine root, Class<?> mainClass) {
    WorkerBroker broker = new WorkerBroker(mainClass);
    return root.setExecutionStrategy(broker::execute);
  }

  private int execute(ParseResult parsed) {
    ParseResult leaf = leaf(parsed);
    if (helpRequested(parsed) || !(leaf.commandSpec().userObject() instanceof RunsInWorker command)) {
      return new CommandLine.RunLast().execute(parsed);
    }
    if (WorkerProcess.inWorker()) {
      return runHere(parsed, leaf, command);
    }
    Path model = command.untrustedModel();
    return model == null ? new CommandLine.RunLast().execute(parsed) : runInWorker(parsed, leaf, command, model);
  }

  /** In the worker: load TensorFlow (the parent's clock starts), then run the command; running out of memory is the
   *  budget's one line. */
  private static int runHere(ParseResult parsed, ParseResult leaf, RunsInWorker command) {
    WorkerProcess.announceReady();
    try {
      return new CommandLine.RunLast().execute(parsed);
    } catch (ExecutionException e) {
      if (outOfMemory(e)) {
        throw failure(leaf, command.untrustedModel(), overBudget(command.workerLimits()));
      }
      throw e;
    } catch (OutOfMemoryError e) {
      throw failure(leaf, command.untrustedModel(), overBudget(command.workerLimits()));
    }
  }

  private int runInWorker(ParseResult parsed, ParseResult leaf, RunsInWorker command, Path model) {
    RunLimits limits = command.workerLimits();
    CommandLine cli = leaf.commandSpec().commandLine();
    PrintWriter err = cli.getErr();
    StagedOutputs outputs = StagedOutputs.prepare(outputTargets(leaf));
    try {
      List<String> args = childArgs(parsed, outputs);
      boolean verbose = parsed.originalArgs().contains("--verbose") || parsed.originalArgs().contains("--debug");
      WorkerProcess.Exit exit = WorkerProcess.run(new WorkerProcess.Launch(mainClass.getName(), args,
          limits.memoryBudgetBytes(), limits.timeout(), verbose), line -> {
            err.println(outputs.translate(line));
            err.flush();
          });
      if (parsed.originalArgs().contains("--debug")) {
        err.println(describe(exit, limits));
        err.flush();
      }
      return switch (exit.ending()) {
        case EXITED -> {
          cli.getOut().print(outputs.translate(exit.stdout()));
          cli.getOut().flush();
          if (exit.exitCode() == 0) {
            outputs.publish();
          }
          yield exit.exitCode();
        }
        case CRASHED -> throw failure(leaf, model, "the model crashed TensorFlow: " + exit.crashReason());
        case OVER_MEMORY -> throw failure(leaf, model, exit.startup().isZero() ? tooSmall(limits) : overBudget(limits));
        case TIMED_OUT -> throw failure(leaf, model, "the model did not finish in " + seconds(limits.timeout())
            + " and was stopped (--timeout SECONDS to change, 0 for no limit)");
      };
    } finally {
      outputs.discard();
    }
  }

  /** The worker's command line: the chain of commands, each matched option and parameter, paths rewritten. */
  static List<String> childArgs(ParseResult parsed, StagedOutputs outputs) {
    List<String> args = new ArrayList<>();
    ParseResult leaf = leaf(parsed);
    for (ParseResult pr = parsed; pr != null; pr = pr.subcommand()) {
      if (pr != parsed) {
        args.add(pr.commandSpec().name());
      }
      // An option given twice is listed twice, each time with all its values.
      for (OptionSpec option : new LinkedHashSet<>(pr.matchedOptions())) {
        if (option.arity().max() == 0) {
          args.add(option.longestName());
          continue;
        }
        for (String value : option.originalStringValues()) {
          args.add(option.longestName());
          args.add(rewrite(option, value, option.longestName(), outputs));
        }
      }
      if (pr == leaf) {
        addDefaultOutputs(leaf, outputs, args);
      }
      for (ArgSpec positional : pr.matchedPositionals()) {
        for (String value : positional.originalStringValues()) {
          args.add(rewrite(positional, value, "", outputs));
        }
      }
    }
    return args;
  }

  /** An output folder the user did not name (its default, e.g. {@code out/music}) is staged too. */
  private static void addDefaultOutputs(ParseResult leaf, StagedOutputs outputs, List<String> args) {
    for (String name : OUTPUT_OPTIONS.stream().sorted().toList()) {
      Path target = outputTarget(leaf, name);
      if (target != null && !leaf.hasMatchedOption(name)) {
        args.add(name);
        args.add(outputs.stagingFor(target).toString());
      }
    }
  }

  private static String rewrite(ArgSpec arg, String value, String optionName, StagedOutputs outputs) {
    if (isPath(arg)) {
      Path absolute = Path.of(value).toAbsolutePath().normalize();
      return OUTPUT_OPTIONS.contains(optionName) ? outputs.stagingFor(absolute).toString() : absolute.toString();
    }
    return switch (optionName) {
      case "--input" -> absoluteFileReferences(value, INPUT_FILE);
      case "--call" -> absoluteFileReferences(value, CALL_FILE);
      default -> value;
    };
  }

  /** {@code x=@in.npy} as {@code x=@/home/me/in.npy}. */
  static String absoluteFileReferences(String value, Pattern reference) {
    Matcher m = reference.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String prefix = m.group(1) == null ? "" : m.group(1);
      m.appendReplacement(out, Matcher.quoteReplacement(prefix + "@"
          + Path.of(m.group(2)).toAbsolutePath().normalize()));
    }
    return m.appendTail(out).toString();
  }

  /** The absolute output folders of this invocation: values of {@link #OUTPUT_OPTIONS}, given or by default. */
  private static List<Path> outputTargets(ParseResult leaf) {
    return OUTPUT_OPTIONS.stream().sorted().map(name -> outputTarget(leaf, name)).filter(t -> t != null).toList();
  }

  private static Path outputTarget(ParseResult leaf, String name) {
    OptionSpec option = leaf.commandSpec().findOption(name);
    return option != null && isPath(option) && option.getValue() instanceof Path p
        ? p.toAbsolutePath().normalize() : null;
  }

  private static boolean isPath(ArgSpec arg) {
    return arg.type() == Path.class;
  }

  private static ParseResult leaf(ParseResult parsed) {
    ParseResult leaf = parsed;
    while (leaf.subcommand() != null) {
      leaf = leaf.subcommand();
    }
    return leaf;
  }

  private static boolean helpRequested(ParseResult parsed) {
    for (ParseResult pr = parsed; pr != null; pr = pr.subcommand()) {
      if (pr.isUsageHelpRequested() || pr.isVersionHelpRequested()) {
        return true;
      }
    }
    return false;
  }

  private static boolean outOfMemory(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (t instanceof OutOfMemoryError || t instanceof org.tensorflow.exceptions.TFResourceExhaustedException
          || message.contains("OOM when allocating") || CrashReports.isMemory(message)) {
        return true;
      }
    }
    return false;
  }

  private static ExecutionException failure(ParseResult leaf, Path model, String message) {
    String line = model + ": " + message;
    return new ExecutionException(leaf.commandSpec().commandLine(), line, new UserError(line));
  }

  private static String overBudget(RunLimits limits) {
    return "the model exceeded its memory budget of " + Bytes.format(limits.memoryBudgetBytes())
        + " and was stopped (--max-memory SIZE to change)";
  }

  /** The budget did not even hold the JVM and TensorFlow's library, before the model was read. */
  private static String tooSmall(RunLimits limits) {
    return "a memory budget of " + Bytes.format(limits.memoryBudgetBytes()) + " does not hold TensorFlow itself"
        + " (about 400 MiB, before the model); give --max-memory more";
  }

  /** {@code --debug}: what the isolation cost and how close the worker came to its budget. */
  private static String describe(WorkerProcess.Exit exit, RunLimits limits) {
    return String.format(Locale.ROOT, "worker: %s, peak resident memory %s of %s, started in %.2f s, %.2f s in all",
        exit.ending().name().toLowerCase(Locale.ROOT).replace('_', ' '), Bytes.format(exit.peakResidentBytes()),
        Bytes.format(limits.memoryBudgetBytes()), exit.startup().toMillis() / 1e3, exit.wall().toMillis() / 1e3);
  }

  private static String seconds(Duration d) {
    long s = d.toSeconds();
    return s > 0 && d.toMillis() % 1000 == 0 ? s + " s" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1e3);
  }
}
