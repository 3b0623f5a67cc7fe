package org.introdl.serving.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.introdl.core.LabPaths;
import org.introdl.core.bench.BenchWorkload;
import org.introdl.core.io.Npy;
import org.introdl.core.safety.RunLimits;
import org.introdl.savedmodels.SavedModelDir;
import org.introdl.savedmodels.TensorValue;
import org.introdl.serving.InProcessLoader;
import org.introdl.serving.ModelConfig;
import org.introdl.serving.ModelServer;
import org.introdl.serving.ServableModel;

/**
 * {@code ./labs bench --only serve}: TF Serving's half_plus_two answered through {@code savedmodel serve} by 1, 8
 * and 64 concurrent clients (the JDK's HTTP client, one request each per run), beside the same call made in
 * process on the loaded model (the baseline): what the HTTP path costs per request. Needs the shared fixture;
 * without it there are no serve workloads.
 */
public final class ServeBench {
  public static final String IN_PROCESS = "S1 serve half_plus_two predict, in process";
  private static final String BODY = "{\"instances\": [1.0, 2.0, 5.0]}";
  /** Calls made before timing, in process and over HTTP alike. */
  private static final int WARM_REQUESTS = 2000;

  private ServeBench() {}

  public static List<Supplier<BenchWorkload>> suppliers(boolean quick) {
    Optional<Path> model = LabPaths.sharedData().map(d -> d.resolve("python-savedmodels/half_plus_two_tf1_cpu"))
        .filter(p -> java.nio.file.Files.isDirectory(p));
    if (model.isEmpty()) {
      return List.of();
    }
    List<Supplier<BenchWorkload>> all = new ArrayList<>();
    all.add(() -> new InProcess(model.get()));
    for (int clients : quick ? new int[] {1, 8} : new int[] {1, 8, 64}) {
      all.add(() -> new OverHttp(model.get(), clients));
    }
    return all;
  }

  private static ModelConfig config(Path model) {
    return new ModelConfig("half_plus_two", model, new ModelConfig.VersionPolicy.Latest(1), Map.of(),
        RunLimits.of(false));
  }

  /** The loaded model called directly: parse nothing, one run of serving_default on x = [1, 2, 5]. */
  private static final class InProcess implements BenchWorkload {
    private final Path model;
    private ServableModel loaded;
    private SavedModelDir.Signature signature;
    private Map<String, TensorValue> inputs;

    InProcess(Path model) {
      this.model = model;
    }

    @Override
    public String name() {
      return IN_PROCESS;
    }

    @Override
    public double flopsPerRun() {
      return 0;
    }

    @Override
    public String baseline() {
      return null;
    }

    @Override
    public void run() {
      if (loaded == null) {
        loaded = new InProcessLoader().load(model, config(model));
        signature = loaded.signature(SavedModelDir.DEFAULT_SIGNATURE);
        inputs = Map.of("x", new TensorValue.Numbers(Npy.Array.of(new float[] {1, 2, 5}, 3)));
        for (int i = 0; i < WARM_REQUESTS; i++) {
          loaded.run(signature, inputs, Duration.ofSeconds(30));
        }
      }
      loaded.run(signature, inputs, Duration.ofSeconds(30));
    }

    @Override
    public void close() {
      if (loaded != null) {
        loaded.close();
      }
    }
  }

  /** {@code clients} requests at once, each from its own thread, through a server on a loopback port. */
  private static final class OverHttp implements BenchWorkload {
    private final Path model;
    private final int clients;
    private ModelServer server;
    private HttpClient http;
    private ExecutorService threads;
    private HttpRequest request;

    OverHttp(Path model, int clients) {
      this.model = model;
      this.clients = clients;
    }

    @Override
    public String name() {
      return "S1 serve half_plus_two predict over HTTP, " + clients + (clients == 1 ? " client" : " clients at once");
    }

    @Override
    public double flopsPerRun() {
      return 0;
    }

    @Override
    public String baseline() {
      return clients == 1 ? IN_PROCESS : null;
    }

    @Override
    public void run() {
      if (server == null) {
        server = ModelServer.start(List.of(config(model)), new InProcessLoader(), new ModelServer.Options(
            "127.0.0.1", 0, Duration.ofSeconds(30), 1 << 20, Duration.ofSeconds(60), false), line -> { });
        http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
        threads = Executors.newFixedThreadPool(clients);
        request = HttpRequest.newBuilder(URI.create(server.uri() + "/v1/models/half_plus_two:predict"))
            .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
        // A server runs warm: the JIT has compiled the request path long before the timed runs of a bench do.
        for (int i = 0; i < WARM_REQUESTS; i++) {
          send();
        }
      }
      List<CompletableFuture<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        answers.add(CompletableFuture.supplyAsync(this::send, threads));
      }
      for (CompletableFuture<Integer> a : answers) {
        if (a.join() != 200) {
          throw new IllegalStateException("the server answered " + a.join());
        }
      }
    }

    private int send() {
      try {
        return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() {
      if (server != null) {
        threads.shutdownNow();
        server.close();
      }
    }
  }
}
