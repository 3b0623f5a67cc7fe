package org.introdl.serving;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.introdl.core.UserError;

/**
 * {@code savedmodel serve}: the served models behind TensorFlow Serving's REST API on a Jetty server, plus
 * {@code /monitoring/prometheus/metrics} and {@code /healthz}. Version folders are polled in the background;
 * {@link #close} stops taking requests, lets those in flight finish, then unloads the models.
 */
public final class ModelServer implements AutoCloseable {
  public static final String METRICS_PATH = "/monitoring/prometheus/metrics";
  public static final String HEALTH_PATH = "/healthz";

  /**
   * @param host the address to bind (127.0.0.1 unless told otherwise)
   * @param port the port (0: any free one)
   * @param requestTimeout a request's deadline (zero: none)
   * @param maxBodyBytes the largest request body taken
   * @param pollInterval how often the version folders are looked at
   * @param logRequests one log line per request ({@code --verbose})
   * @param batching server-side batching of concurrent calls, or null for none
   */
  public record Options(String host, int port, Duration requestTimeout, long maxBodyBytes, Duration pollInterval,
      boolean logRequests, Batching batching) {
    /** Without batching. */
    public Options(String host, int port, Duration requestTimeout, long maxBodyBytes, Duration pollInterval,
        boolean logRequests) {
      this(host, port, requestTimeout, maxBodyBytes, pollInterval, logRequests, null);
    }
  }

  private final Map<String, ServedModel> models;
  private final Server jetty;
  private final ServerConnector connector;
  private final ScheduledExecutorService poller;
  private final ExecutorService runs;
  private final Consumer<String> log;

  private ModelServer(Map<String, ServedModel> models, Options options, Consumer<String> log) {
    this.models = models;
    this.log = log;
    this.runs = Executors.newCachedThreadPool(daemonThreads("model-run"));
    this.poller = Executors.newSingleThreadScheduledExecutor(daemonThreads("version-poll"));
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("http");
    threads.setDaemon(true);
    this.jetty = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    this.connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
    connector.setHost(options.host());
    connector.setPort(options.port());
    jetty.addConnector(connector);
    DeadlineRuns deadlineRuns = new DeadlineRuns(runs, options.requestTimeout());
    RestApi api = new RestApi(models, deadlineRuns);
    OpenInferenceApi v2 = new OpenInferenceApi(models, deadlineRuns);
    jetty.setHandler(new GracefulHandler(new Endpoints(api, v2, new Metrics(), options, log)));
    jetty.setStopTimeout(Math.max(options.requestTimeout().toMillis(), 1000) + 5000);
  }

  /**
   * Loads every model's versions (each scanned first), starts polling their folders and starts answering. Each
   * loaded or refused version is one line on {@code log}. A base path that does not exist is a {@link UserError}.
   */
  public static ModelServer start(List<ModelConfig> configs, ModelLoader loader, Options options,
      Consumer<String> log) {
    Map<String, ServedModel> models = new LinkedHashMap<>();
    ModelLoader versions = options.batching() == null ? loader : BatchingModel.loader(loader, options.batching());
    for (ModelConfig config : configs) {
      if (!Files.isDirectory(config.basePath()) && !KerasFiles.isKerasFile(config.basePath())) {
        throw UserError.inFile(config.basePath(), "model " + config.name() + ": no such folder (a base path holds "
            + "numeric version folders, or is one SavedModel folder or a .keras or .h5 file)");
      }
      if (models.put(config.name(), new ServedModel(config, versions)) != null) {
        throw new UserError("model " + config.name() + " is given twice");
      }
    }
    ModelServer server = new ModelServer(models, options, log);
    models.values().forEach(m -> m.poll().forEach(log));
    try {
      server.jetty.start();
    } catch (Exception e) {
      server.close();
      throw new UserError("cannot listen on " + options.host() + ":" + options.port() + " (" + e.getMessage() + ")");
    }
    long every = Math.max(options.pollInterval().toMillis(), 50);
    server.poller.scheduleWithFixedDelay(server::pollAll, every, every, TimeUnit.MILLISECONDS);
    return server;
  }

  private void pollAll() {
    for (ServedModel model : models.values()) {
      try {
        model.poll().forEach(log);
      } catch (RuntimeException e) {
        log.accept("model " + model.config().name() + ": cannot look at its versions (" + e + ")");
      }
    }
  }

  public int port() {
    return connector.getLocalPort();
  }

  /** {@code http://host:port}. */
  public URI uri() {
    String host = connector.getHost().contains(":") ? "[" + connector.getHost() + "]" : connector.getHost();
    return URI.create("http://" + host + ":" + port());
  }

  /** Stops taking requests, waits for those in flight, stops polling and unloads every model. */
  @Override
  public void close() {
    try {
      jetty.stop();
    } catch (Exception e) {
      log.accept("stopping the HTTP server: " + e.getMessage());
    }
    poller.shutdownNow();
    try {
      poller.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    models.values().forEach(ServedModel::unloadAll);
    runs.shutdown();
  }

  private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The HTTP side: routes a request, reads its body within the limit, writes the answer, counts and logs it. */
  private static final class Endpoints extends Handler.Abstract {
    private final RestApi api;
    private final OpenInferenceApi v2;
    private final Metrics metrics;
    private final Options options;
    private final Consumer<String> log;

    Endpoints(RestApi api, OpenInferenceApi v2, Metrics metrics, Options options, Consumer<String> log) {
      this.api = api;
      this.v2 = v2;
      this.metrics = metrics;
      this.options = options;
      this.log = log;
    }

    private record Reply(int status, String contentType, String body) {}

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      long start = System.nanoTime();
      String method = request.getMethod();
      String path = request.getHttpURI().getPath();
      Reply reply;
      try {
        reply = answer(request, method, path, start);
      } catch (RuntimeException e) {
        reply = json(500, "internal error: " + e);
      }
      byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
      response.setStatus(reply.status());
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
      response.write(true, ByteBuffer.wrap(bytes), callback);
      if (options.logRequests()) {
        log.accept(String.format(java.util.Locale.ROOT, "%s %s %s %d %.2f ms %d B", Request.getRemoteAddr(request),
            method, path, reply.status(), (System.nanoTime() - start) / 1e6, bytes.length));
      }
      return true;
    }

    private Reply answer(Request request, String method, String path, long start) {
      if (path.equals(METRICS_PATH)) {
        return new Reply(200, "text/plain; version=0.0.4", metrics.scrape());
      }
      if (path.equals(HEALTH_PATH)) {
        return health();
      }
      boolean openInference = path.startsWith("/v2/");
      if (!openInference && !path.regionMatches(true, 0, "/v1/", 0, 4) && !path.equalsIgnoreCase("/v1")) {
        return json(404, "Not found: " + path + " (the API is under /v1/models/, and /v2/ for KServe clients)");
      }
      byte[] body;
      try {
        body = readBody(request);
      } catch (BodyTooLarge e) {
        return json(413, e.getMessage());
      } catch (IOException e) {
        return json(400, "cannot read the request body (" + e.getMessage() + ")");
      }
      RestApi.Response r = openInference ? v2.handle(method, path, body) : api.handle(method, path, body);
      if (r.model() != null) {
        metrics.record(r.model(), r.api(), r.version(), r.code(), (System.nanoTime() - start) / 1000);
      }
      return new Reply(r.status(), "application/json", r.body());
    }

    /** 200 when every model has a version to serve, else 503 naming those that have none. */
    private Reply health() {
      List<String> waiting = new ArrayList<>();
      api.models().forEach((name, model) -> {
        if (!model.states().containsValue(ServedModel.State.AVAILABLE)) {
          waiting.add(name);
        }
      });
      return waiting.isEmpty() ? new Reply(200, "application/json", "{\"status\":\"ok\"}")
          : json(503, "no version available yet for model " + String.join(", ", waiting));
    }

    private byte[] readBody(Request request) throws IOException {
      long declared = request.getLength();
      if (declared > options.maxBodyBytes()) {
        throw new BodyTooLarge(declared, options.maxBodyBytes());
      }
      try (InputStream in = Content.Source.asInputStream(request)) {
        byte[] body = in.readNBytes((int) Math.min(options.maxBodyBytes() + 1, Integer.MAX_VALUE - 8));
        if (body.length > options.maxBodyBytes()) {
          throw new BodyTooLarge(-1, options.maxBodyBytes());
        }
        return body;
      }
    }

    private static Reply json(int status, String message) {
      String body = RestApi.write(out -> {
        out.writeStartObject();
        out.writeStringField("error", message);
        out.writeEndObject();
      });
      return new Reply(status, "application/json", body);
    }
  }

  private static final class BodyTooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    BodyTooLarge(long declared, long limit) {
      super("the request body" + (declared >= 0 ? " of " + declared + " bytes" : "") + " is over the limit of "
          + limit + " bytes (--max-body)");
    }
  }
}
