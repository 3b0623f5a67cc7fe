package org.introdl.serving.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
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
import org.introdl.savedmodels.keras.KerasConvert;
import org.introdl.savedmodels.keras.KerasSource;
import org.introdl.serving.Batching;
import org.introdl.serving.InProcessLoader;
import org.introdl.serving.ModelConfig;
import org.introdl.serving.ModelServer;
import org.introdl.serving.ServableModel;

/**
 * {@code ./labs bench --only serve}: TF Serving's half_plus_two answered through {@code savedmodel serve} by 1, 8
 * and 64 concurrent clients (the JDK's HTTP client, one request each per run), and by 64 with server-side batching,
 * beside the same call made in process on the loaded model (the baseline): what the HTTP path costs per request. Needs the shared fixture;
 * without it there are no serve workloads.
 */
public final class ServeBench {
  public static final String IN_PROCESS = "S1 serve half_plus_two: in process";
  private static final String BODY = "{\"instances\": [1.0, 2.0, 5.0]}";
  private static final Batching BATCHING = Batching.parse("max_batch_size=32,batch_timeout_micros=2000");
  /** Calls made before timing, in process and over HTTP alike. */
  private static final int WARM_REQUESTS = 2000;

  private ServeBench() {}

  public static List<Supplier<BenchWorkload>> suppliers(boolean quick) {
    Optional<Path> data = LabPaths.sharedData();
    Optional<Path> half = data.map(d -> d.resolve("python-savedmodels/half_plus_two_tf1_cpu"))
        .filter(Files::isDirectory);
    Optional<Path> resnet = data.map(d -> d.resolve("keras-models/h5-mlperf-resnet8/pretrainedResnet.h5"))
        .filter(Files::isRegularFile);
    List<Supplier<BenchWorkload>> all = new ArrayList<>();
    half.ifPresent(model -> {
      Served served = new Served("S1 serve half_plus_two", () -> model, BODY);
      all.add(() -> new InProcess(model));
      for (int clients : quick ? new int[] {1, 8} : new int[] {1, 8, 64}) {
        all.add(() -> new OverHttp(served, clients, null));
      }
      all.add(() -> new OverHttp(served, quick ? 8 : 64, BATCHING));
    });
    resnet.ifPresent(h5 -> {
      // A model whose runs cost more than their HTTP: one 32x32x3 image per request, ResNet-8 (Keras, converted).
      Served served = new Served("S2 serve resnet8 (Keras)", () -> converted(h5), imageRequest());
      all.add(() -> new OverHttp(served, quick ? 8 : 64, null));
      all.add(() -> new OverHttp(served, quick ? 8 : 64, BATCHING));
    });
    return all;
  }

  /** A model to serve: a name for the table, where its SavedModel comes from, one request body. */
  private record Served(String name, Supplier<Path> model, String body) {}

  /** The Keras file as a SavedModel in a temporary folder (removed when the JVM exits). */
  private static Path converted(Path h5) {
    try {
      Path dir = Files.createTempDirectory("serve-bench");
      Path out = dir.resolve("resnet8");
      KerasConvert.convert(new KerasConvert.Request(KerasSource.of(h5), out));
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().deleteOnExit());
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot convert " + h5 + ": " + e.getMessage(), e);
    }
  }

  /** One image of 32 x 32 x 3 values in [0, 1), fixed. */
  private static String imageRequest() {
    java.util.Random random = new java.util.Random(7);
    StringBuilder b = new StringBuilder("{\"instances\": [[");
    for (int y = 0; y < 32; y++) {
      b.append(y > 0 ? "," : "").append('[');
      for (int x = 0; x < 32; x++) {
        b.append(x > 0 ? "," : "").append(String.format(java.util.Locale.ROOT, "[%.3f,%.3f,%.3f]",
            random.nextFloat(), random.nextFloat(), random.nextFloat()));
      }
      b.append(']');
    }
    return b.append("]]}").toString();
  }

  private static ModelConfig config(Path model) {
    return new ModelConfig("m", model, new ModelConfig.VersionPolicy.Latest(1), Map.of(),
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
    private final Served served;
    private final int clients;
    private final Batching batching;
    private ModelServer server;
    private HttpClient http;
    private ExecutorService threads;
    private HttpRequest request;

    OverHttp(Served served, int clients, Batching batching) {
      this.served = served;
      this.clients = clients;
      this.batching = batching;
    }

    @Override
    public String name() {
      return served.name() + ": HTTP, " + clients + (clients == 1 ? " client" : " clients")
          + (batching == null ? "" : ", batched");
    }

    @Override
    public double flopsPerRun() {
      return 0;
    }

    @Override
    public String baseline() {
      return clients == 1 && served.name().startsWith("S1") ? IN_PROCESS : null;
    }

    @Override
    public void run() {
      if (server == null) {
        server = ModelServer.start(List.of(config(served.model().get())), new InProcessLoader(), new ModelServer.Options(
            "127.0.0.1", 0, Duration.ofSeconds(30), 1 << 20, Duration.ofSeconds(60), false, batching), line -> { });
        http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
        threads = Executors.newFixedThreadPool(clients);
        request = HttpRequest.newBuilder(URI.create(server.uri() + "/v1/models/m:predict"))
            .POST(HttpRequest.BodyPublishers.ofString(served.body())).build();
        // A server runs warm: the JIT has compiled the request path long before the timed runs of a bench do.
        for (int i = 0; i < WARM_REQUESTS / clients; i++) {
          run();
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
