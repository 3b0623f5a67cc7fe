package org.introdl.serving.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.introdl.core.LabPaths;
import org.introdl.core.bench.BenchWorkload;
import org.introdl.core.io.Npy;
import org.introdl.core.safety.RunLimits;
import org.introdl.keras.KerasConvert;
import org.introdl.keras.KerasSource;
import org.introdl.music.data.BuiltinMelodies;
import org.introdl.music.data.Melody;
import org.introdl.music.data.SongDataset;
import org.introdl.music.io.MusicExport;
import org.introdl.music.train.MusicSettings;
import org.introdl.music.train.MusicTrainer;
import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.values.TensorValue;
import org.introdl.serving.Batching;
import org.introdl.serving.InProcessLoader;
import org.introdl.serving.ModelConfig;
import org.introdl.serving.ModelLoader;
import org.introdl.serving.ModelServer;
import org.introdl.serving.ServableModel;
import org.introdl.serving.WorkerLoader;

/**
 * {@code ./labs bench --only serve}: TF Serving's half_plus_two answered through {@code savedmodel serve} by 1, 8
 * and 64 concurrent clients (the JDK's HTTP client, one request each per run), and by 64 with server-side batching,
 * beside the same call made in process on the loaded model (the baseline): what the HTTP path costs per request;
 * then Lab 2's music model and a Keras ResNet-8, by 64 clients with and without batching; rows marked "worker" serve
 * the model from a worker process, as {@code savedmodel serve} does by default. half_plus_two and ResNet-8
 * need the shared fixtures (without them their rows are left out); the music model is trained and exported here.
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
      all.add(() -> new InProcess(IN_PROCESS, () -> model,
          () -> Map.of("x", new TensorValue.Numbers(Npy.Array.of(new float[] {1, 2, 5}, 3)))));
      for (int clients : quick ? new int[] {1, 8} : new int[] {1, 8, 64}) {
        all.add(() -> new OverHttp(served, clients, null, false));
      }
      all.add(() -> new OverHttp(served, quick ? 8 : 64, BATCHING, false));
      // The server's share of the HTTP path: the same call from a bare keep-alive socket instead of the JDK client.
      all.add(() -> new OverSocket(served));
      // The default: the model in a worker process of its own (what isolation costs per request).
      all.add(() -> new OverHttp(served, 1, null, true));
      all.add(() -> new OverHttp(served, quick ? 8 : 64, null, true));
    });
    // The lab's own model, as `./labs music export` writes it: one [1, 64, 78] window per request, as generation sends.
    Supplier<Path> musicModel = memoized(ServeBench::exportedMusicModel);
    Served music = new Served("S3 serve music (Lab 2)", musicModel, musicRequest());
    // What the model itself costs, without HTTP: one window, and the 32 windows of one full batch.
    all.add(() -> new InProcess(music.name() + ": in process, 1 window", musicModel, () -> musicWindows(1)));
    all.add(() -> new InProcess(music.name() + ": in process, 32 windows", musicModel, () -> musicWindows(32)));
    all.add(() -> new OverHttp(music, quick ? 8 : 64, null, false));
    all.add(() -> new OverHttp(music, quick ? 8 : 64, BATCHING, false));
    all.add(() -> new OverHttp(music, quick ? 8 : 64, null, true));
    all.add(() -> new OverHttp(music, quick ? 8 : 64, BATCHING, true));
    resnet.ifPresent(h5 -> {
      // A model whose runs cost more than their HTTP: one 32x32x3 image per request, ResNet-8 (the Keras file,
      // imported by the server as it loads it).
      Served served = new Served("S2 serve resnet8 (Keras)", () -> h5, imageRequest());
      all.add(() -> new OverHttp(served, quick ? 8 : 64, null, false));
      all.add(() -> new OverHttp(served, quick ? 8 : 64, BATCHING, false));
    });
    return all;
  }

  /** A model to serve: a name for the table, where its SavedModel comes from, one request body. */
  private record Served(String name, Supplier<Path> model, String body) {}

  /**
   * A music model of the lab's size (hidden 128, 64 timesteps) trained for one step on the built-in songs and
   * exported as {@code ./labs music export} does, in a temporary folder: serving cost does not depend on the weights.
   */
  private static Path exportedMusicModel() {
    try {
      Path dir = Files.createTempDirectory("serve-bench");
      MusicSettings oneStep = new MusicSettings(1, 8, MusicSettings.LEARNING_RATE_DEFAULT, MusicSettings.HIDDEN_DEFAULT,
          MusicSettings.TIMESTEPS_DEFAULT, MusicSettings.SEED_DEFAULT, MusicSettings.Graph.fast, 1);
      Path run = dir.resolve("run");
      MusicTrainer.train(SongDataset.of(SongDataset.BUILT_IN, BuiltinMelodies.songs()),
          new MusicTrainer.Options(oneStep, run, false, 1, 1, 0), new PrintStream(OutputStream.nullOutputStream()));
      Path out = MusicExport.export(run, dir.resolve("music"));
      deleteOnExit(dir);
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot export the music model: " + e.getMessage(), e);
    }
  }

  /** {@code count} copies of the request's window, as the signature's input. */
  private static Map<String, TensorValue> musicWindows(int count) {
    float[] window = musicWindow();
    float[] all = new float[count * window.length];
    for (int i = 0; i < count; i++) {
      System.arraycopy(window, 0, all, i * window.length, window.length);
    }
    return Map.of(MusicExport.INPUT_KEY, new TensorValue.Numbers(
        Npy.Array.of(all, count, MusicSettings.TIMESTEPS_DEFAULT, Melody.NOTE_COUNT)));
  }

  private static float[] musicWindow() {
    return BuiltinMelodies.songs().get(0).melody().slice(0, MusicSettings.TIMESTEPS_DEFAULT).oneHot();
  }

  /** The model exported once, on the first workload that asks, for every workload of the table. */
  private static Supplier<Path> memoized(Supplier<Path> export) {
    Path[] made = new Path[1];
    return () -> {
      synchronized (made) {
        if (made[0] == null) {
          made[0] = export.get();
        }
        return made[0];
      }
    };
  }

  /** The first 64 notes of a built-in song as one-hot rows, one window in the row format. */
  private static String musicRequest() {
    float[] oneHot = musicWindow();
    StringBuilder b = new StringBuilder("{\"instances\": [[");
    for (int t = 0; t < MusicSettings.TIMESTEPS_DEFAULT; t++) {
      b.append(t > 0 ? "," : "").append('[');
      for (int n = 0; n < Melody.NOTE_COUNT; n++) {
        b.append(n > 0 ? "," : "").append(oneHot[t * Melody.NOTE_COUNT + n] > 0 ? '1' : '0');
      }
      b.append(']');
    }
    return b.append("]]}").toString();
  }

  private static void deleteOnExit(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().deleteOnExit());
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

  /** The loaded model called directly: parse nothing, one run of serving_default on fixed inputs. */
  private static final class InProcess implements BenchWorkload {
    private final String name;
    private final Supplier<Path> model;
    private final Supplier<Map<String, TensorValue>> inputs;
    private ServableModel loaded;
    private SavedModelDir.Signature signature;
    private Map<String, TensorValue> fed;

    InProcess(String name, Supplier<Path> model, Supplier<Map<String, TensorValue>> inputs) {
      this.name = name;
      this.model = model;
      this.inputs = inputs;
    }

    @Override
    public String name() {
      return name;
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
        Path dir = model.get();
        loaded = new InProcessLoader().load(dir, config(dir));
        signature = loaded.signature(SavedModelDir.DEFAULT_SIGNATURE);
        fed = inputs.get();
        for (int i = 0; i < WARM_REQUESTS; i++) {
          loaded.run(signature, fed, Duration.ofSeconds(30));
        }
      }
      loaded.run(signature, fed, Duration.ofSeconds(30));
    }

    @Override
    public void close() {
      if (loaded != null) {
        loaded.close();
      }
    }
  }

  /**
   * One client that writes the request's bytes on a kept-alive socket and reads the answer by its
   * {@code Content-Length}: the least a client can do, so that the row is the server's own cost of the HTTP path.
   */
  private static final class OverSocket implements BenchWorkload {
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)content-length: *(\\d+)");
    private final Served served;
    private ModelServer server;
    private Socket socket;
    private byte[] request;
    private final byte[] buffer = new byte[1 << 16];

    OverSocket(Served served) {
      this.served = served;
    }

    @Override
    public String name() {
      return served.name() + ": HTTP, 1 client on a bare socket";
    }

    @Override
    public double flopsPerRun() {
      return 0;
    }

    @Override
    public String baseline() {
      return IN_PROCESS;
    }

    @Override
    public void run() {
      try {
        if (server == null) {
          server = ModelServer.start(List.of(config(served.model().get())), new InProcessLoader(),
              new ModelServer.Options("127.0.0.1", 0, Duration.ofSeconds(30), 1 << 20, Duration.ofSeconds(60), false),
              line -> { });
          socket = new Socket("127.0.0.1", server.port());
          socket.setTcpNoDelay(true);
          byte[] body = served.body().getBytes(StandardCharsets.UTF_8);
          byte[] head = ("POST /v1/models/m:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
          request = Arrays.copyOf(head, head.length + body.length);
          System.arraycopy(body, 0, request, head.length, body.length);
          for (int i = 0; i < WARM_REQUESTS; i++) {
            exchange();
          }
        }
        exchange();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Sends the request and reads the answer's head and its Content-Length bytes of body. */
    private void exchange() throws IOException {
      socket.getOutputStream().write(request);
      InputStream in = socket.getInputStream();
      int read = 0;
      int headEnd = -1;
      int length = -1;
      while (headEnd < 0 || read < headEnd + length) {
        int n = in.read(buffer, read, buffer.length - read);
        if (n < 0) {
          throw new IOException("the server closed the connection");
        }
        read += n;
        if (headEnd < 0) {
          String text = new String(buffer, 0, read, StandardCharsets.US_ASCII);
          int end = text.indexOf("\r\n\r\n");
          if (end >= 0) {
            if (!text.startsWith("HTTP/1.1 200")) {
              throw new IllegalStateException("the server answered " + text.lines().findFirst().orElse(""));
            }
            headEnd = end + 4;
            Matcher m = CONTENT_LENGTH.matcher(text);
            length = m.find() ? Integer.parseInt(m.group(1)) : 0;
          }
        }
      }
    }

    @Override
    public void close() {
      if (server != null) {
        try {
          socket.close();
        } catch (IOException e) {
          // closing anyway
        }
        server.close();
      }
    }
  }

  /**
   * {@code clients} requests at once, each from its own thread (one client: the bench's own), through a server on a
   * loopback port, its models in process or in a worker each. The client speaks HTTP/1.1 at once (the JDK's client
   * otherwise asks every new connection to upgrade to HTTP/2, which this server does not speak) and handles answers
   * on the thread that reads them: a client as lean as the server, so that the rows measure the server.
   */
  private static final class OverHttp implements BenchWorkload {
    private final Served served;
    private final int clients;
    private final Batching batching;
    private final boolean inWorker;
    private ModelServer server;
    private HttpClient http;
    private ExecutorService threads;
    private HttpRequest request;

    OverHttp(Served served, int clients, Batching batching, boolean inWorker) {
      this.served = served;
      this.clients = clients;
      this.batching = batching;
      this.inWorker = inWorker;
    }

    @Override
    public String name() {
      return served.name() + ": HTTP, " + clients + (clients == 1 ? " client" : " clients")
          + (batching == null ? "" : ", batched") + (inWorker ? ", worker" : "");
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
        ModelLoader loader = inWorker ? new WorkerLoader(line -> { }) : new InProcessLoader();
        server = ModelServer.start(List.of(config(served.model().get())), loader, new ModelServer.Options(
            "127.0.0.1", 0, Duration.ofSeconds(30), 1 << 20, Duration.ofSeconds(60), false, batching), line -> { });
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(Runnable::run).build();
        threads = Executors.newFixedThreadPool(clients);
        request = HttpRequest.newBuilder(URI.create(server.uri() + "/v1/models/m:predict"))
            .POST(HttpRequest.BodyPublishers.ofString(served.body())).build();
        // A server runs warm: the JIT has compiled the request path long before the timed runs of a bench do.
        for (int i = 0; i < WARM_REQUESTS / clients; i++) {
          run();
        }
      }
      if (clients == 1) {
        check(send());
        return;
      }
      List<CompletableFuture<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        answers.add(CompletableFuture.supplyAsync(this::send, threads));
      }
      answers.forEach(a -> check(a.join()));
    }

    private static void check(int status) {
      if (status != 200) {
        throw new IllegalStateException("the server answered " + status);
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
