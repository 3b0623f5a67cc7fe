package org.introdl.serving.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.introdl.core.cli.Cli;
import org.introdl.core.cli.ModelSafetyOptions;
import org.introdl.core.safety.Bytes;
import org.introdl.core.safety.RunLimits;
import org.introdl.serving.Batching;
import org.introdl.serving.InProcessLoader;
import org.introdl.serving.ModelConfig;
import org.introdl.serving.ModelLoader;
import org.introdl.serving.ModelServer;
import org.introdl.serving.ServeConfig;
import org.introdl.serving.WorkerLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./labs savedmodel serve}: TensorFlow Serving's REST API over SavedModels, until SIGTERM or Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve SavedModels over TensorFlow Serving's REST API (every version scanned, then run in a worker "
        + "process of its own under --max-memory).")
public final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", paramLabel = "NAME=PATH",
      description = "A model: PATH holds numeric version folders (PATH/1, PATH/2, ...; the newest is served) or is "
          + "one SavedModel folder or a .keras or .h5 file (served as version 1). Repeat for several models.")
  List<String> models = new ArrayList<>();

  @Option(names = "--config", paramLabel = "FILE.json",
      description = "The models as TF Serving's model config in JSON (policies, labels, allow_unsafe_ops per "
          + "model; see docs/serving.md).")
  Path config;

  @Option(names = "--host", defaultValue = "127.0.0.1",
      description = "The address to listen on (default: ${DEFAULT-VALUE}, this machine only).")
  String host;

  @Option(names = "--port", defaultValue = "8501", description = "The port (default: ${DEFAULT-VALUE}; 0: any free).")
  int port;

  @Option(names = "--request-timeout", paramLabel = "SECONDS", defaultValue = "30",
      description = "A request's deadline; past it the answer is 504 (default: ${DEFAULT-VALUE}; 0: none).")
  double requestTimeoutSeconds;

  @Option(names = "--max-body", paramLabel = "SIZE", defaultValue = "32m",
      description = "The largest request body taken; a larger one is answered 413 (default: ${DEFAULT-VALUE}).")
  String maxBody;

  @Option(names = "--poll-seconds", paramLabel = "SECONDS", defaultValue = "1",
      description = "How often version folders are looked at for new or removed versions (default: "
          + "${DEFAULT-VALUE}).")
  double pollSeconds;

  @Option(names = "--batching", paramLabel = "max_batch_size=N,batch_timeout_micros=N",
      description = "Merge concurrent calls of a signature along the batch dimension into one run of at most "
          + "max_batch_size rows, waiting at most batch_timeout_micros for a batch to fill (TF Serving's batching "
          + "parameters; default: no batching).")
  String batching;

  @Option(names = "--in-process",
      description = "Load the models into the server's own process instead of one worker process per version: "
          + "slightly faster, but a model that crashes TensorFlow takes the whole server down. Only for models you "
          + "trust.")
  boolean inProcess;

  @Mixin ModelSafetyOptions safety;

  @Override
  public Integer call() throws InterruptedException {
    ModelServer.Options options = options();
    List<ModelConfig> configs = configs();
    PrintWriter out = spec.commandLine().getOut();
    // Taken over before loading starts, so that a SIGTERM while models load still ends in a clean stop.
    CountDownLatch stop = new CountDownLatch(1);
    onSignal("TERM", stop);
    onSignal("INT", stop);
    Consumer<String> log = line -> print(out, line);
    ModelLoader loader = inProcess ? new InProcessLoader() : new WorkerLoader(log);
    ModelServer server = ModelServer.start(configs, loader, options, log);
    for (ModelConfig c : configs) {
      print(out, "serving " + c.name() + " at " + server.uri() + "/v1/models/" + c.name());
    }
    print(out, "metrics at " + server.uri() + ModelServer.METRICS_PATH + ", health at " + server.uri()
        + ModelServer.HEALTH_PATH + "; stop with Ctrl-C or SIGTERM");
    stop.await();
    print(out, "stopping: finishing the requests in flight");
    server.close();
    print(out, "stopped");
    return 0;
  }

  private List<ModelConfig> configs() {
    RunLimits limits = safety.limits();
    if ((config == null) == models.isEmpty()) {
      throw Cli.badValue(spec, "give the models with --model NAME=PATH or with --config FILE.json (one of them)");
    }
    return config != null ? ServeConfig.fromFile(config, limits) : ServeConfig.fromOptions(models, limits);
  }

  private ModelServer.Options options() {
    if (port < 0 || port > 65535) {
      throw Cli.badValue(spec, "--port must be 0..65535, not " + port);
    }
    if (!(requestTimeoutSeconds >= 0) || requestTimeoutSeconds > 1e6) {
      throw Cli.badValue(spec, "--request-timeout must be a number of seconds, 0 or more");
    }
    if (!(pollSeconds > 0) || pollSeconds > 1e6) {
      throw Cli.badValue(spec, "--poll-seconds must be a positive number of seconds");
    }
    long body;
    try {
      body = Bytes.parse(maxBody);
    } catch (IllegalArgumentException e) {
      throw Cli.badValue(spec, "--max-body: " + e.getMessage());
    }
    return new ModelServer.Options(host, port, Duration.ofMillis(Math.round(requestTimeoutSeconds * 1000)), body,
        Duration.ofMillis(Math.round(pollSeconds * 1000)), verbose(),
        batching == null ? null : Batching.parse(batching));
  }

  /** {@code --verbose} (the launcher's option, inherited by every command): one log line per request. */
  private boolean verbose() {
    for (CommandLine.ParseResult r = root().getParseResult(); r != null; r = r.subcommand()) {
      if (r.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  private CommandLine root() {
    CommandLine c = spec.commandLine();
    while (c.getParent() != null) {
      c = c.getParent();
    }
    return c;
  }

  private static synchronized void print(PrintWriter out, String line) {
    out.println(line);
    out.flush();
  }

  /**
   * The signal ends the wait of {@link #call}, which stops the server gracefully and exits 0. A shutdown hook could
   * stop the server too, but the JVM would then exit 143 (as labs-core's training interruption, this takes the
   * signal instead).
   */
  private static void onSignal(String name, CountDownLatch stop) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> stop.countDown());
    } catch (IllegalArgumentException e) {
      // This platform has no such signal; the other one (or killing the process) still stops the server.
    }
  }
}
