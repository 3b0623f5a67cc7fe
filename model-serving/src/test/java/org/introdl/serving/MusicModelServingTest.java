package org.introdl.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.introdl.core.io.Npy;
import org.introdl.core.safety.RunLimits;
import org.introdl.music.data.BuiltinMelodies;
import org.introdl.music.data.Melody;
import org.introdl.music.data.SongDataset;
import org.introdl.music.io.MusicExport;
import org.introdl.music.train.MusicSettings;
import org.introdl.music.train.MusicTrainer;
import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.SignatureRunner;
import org.introdl.savedmodels.values.TensorValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab's own music model behind the server: a tiny model trained here for a few steps, exported as Lab 2 exports
 * it (inputs float [N, 64, 78] one-hot windows, probabilities float [N, 78]), served on a loopback port. Predict in
 * both formats must give the numbers {@code savedmodel run} gives in process for the same windows, and each row
 * must be a probability distribution (summing to 1, a property of the softmax that needs no reference); with
 * server-side batching, concurrent single-window calls each get their own window's numbers.
 */
class MusicModelServingTest {
  private static final int TIMESTEPS = 64;
  private static final int NOTES = Melody.NOTE_COUNT;
  private static final double TOLERANCE = 1e-6;
  @TempDir static Path tmp;
  static ModelServer server;
  static ModelServer batchingServer;
  /** The number of windows of each run the model made, in order. */
  static final List<Long> windowsPerRun = new java.util.concurrent.CopyOnWriteArrayList<>();
  static Path exported;
  static float[][][] windows;
  static float[][] inProcess;

  @BeforeAll
  static void trainExportAndServe() throws IOException {
    SongDataset songs = SongDataset.of("three tunes", BuiltinMelodies.songs().subList(0, 3));
    MusicSettings tiny = new MusicSettings(20, 8, 0.01f, 16, TIMESTEPS, 5, MusicSettings.Graph.fast, 1);
    Path run = tmp.resolve("run");
    MusicTrainer.train(songs, new MusicTrainer.Options(tiny, run, false, 20, 1, 0),
        new PrintStream(OutputStream.nullOutputStream()));
    Path base = Files.createDirectories(tmp.resolve("music"));
    exported = MusicExport.export(run, base.resolve("1"));
    windows = new float[][][] {window(songs, 0, 0), window(songs, 1, 40), window(songs, 2, 100)};
    inProcess = savedModelRun(windows);
    server = serve(base, null);
    // A long batch timeout, so that the concurrent calls below are merged into one run.
    batchingServer = serve(base, Batching.parse("max_batch_size=32,batch_timeout_micros=200000"));
  }

  private static ModelServer serve(Path base, Batching batching) {
    return ModelServer.start(
        List.of(new ModelConfig("music", base, new ModelConfig.VersionPolicy.Latest(1), Map.of(),
            RunLimits.of(false))),
        MusicModelServingTest::loadCountingWindows,
        new ModelServer.Options("127.0.0.1", 0, Duration.ofSeconds(30), 32L << 20, Duration.ofSeconds(5), false,
            batching),
        line -> { });
  }

  /** The model as the server loads it, recording how many windows each run gets. */
  private static ServableModel loadCountingWindows(Path versionDir, ModelConfig config) {
    ServableModel model = new InProcessLoader().load(versionDir, config);
    return new ServableModel() {
      @Override
      public org.tensorflow.proto.MetaGraphDef metaGraph() {
        return model.metaGraph();
      }

      @Override
      public SavedModelDir.Signature signature(String key) {
        return model.signature(key);
      }

      @Override
      public Map<String, TensorValue> run(SavedModelDir.Signature signature, Map<String, TensorValue> inputs,
          Duration timeout) {
        windowsPerRun.add(((TensorValue.Numbers) inputs.get(MusicExport.INPUT_KEY)).array().shape()[0]);
        return model.run(signature, inputs, timeout);
      }

      @Override
      public void close() {
        model.close();
      }
    };
  }

  @AfterAll
  static void stopServer() {
    for (ModelServer s : new ModelServer[] {server, batchingServer}) {
      if (s != null) {
        s.close();
      }
    }
  }

  @Test
  void rowFormatGivesTheNumbersOfSavedModelRun() {
    float[][] served = predictions(predict(rowRequest(windows)).get("predictions"));
    assertEquals(windows.length, served.length);
    assertTrue(maxAbsDifference(inProcess, served) <= TOLERANCE,
        "HTTP vs in process: " + maxAbsDifference(inProcess, served));
  }

  @Test
  void columnarFormatGivesTheNumbersOfSavedModelRun() {
    ObjectNode request = Http.JSON.createObjectNode();
    request.putObject("inputs").set(MusicExport.INPUT_KEY, tensor(windows));
    float[][] served = predictions(predict(request).get("outputs"));
    assertTrue(maxAbsDifference(inProcess, served) <= TOLERANCE,
        "HTTP vs in process: " + maxAbsDifference(inProcess, served));
  }

  @Test
  void batchedConcurrentCallsEachGetTheNumbersOfSavedModelRun() {
    int runsBefore = windowsPerRun.size();
    List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
    for (float[][] window : windows) {
      calls.add(CompletableFuture.supplyAsync(() -> predict(batchingServer, rowRequest(new float[][][] {window}))));
    }
    for (int i = 0; i < windows.length; i++) {
      float[][] served = predictions(calls.get(i).join().get("predictions"));
      double difference = maxAbsDifference(new float[][] {inProcess[i]}, served);
      assertTrue(difference <= TOLERANCE, "window " + i + " batched over HTTP vs in process: " + difference);
    }
    List<Long> runs = windowsPerRun.subList(runsBefore, windowsPerRun.size());
    assertTrue(runs.stream().anyMatch(n -> n > 1), "the calls were merged into a run of several windows: " + runs);
  }

  @Test
  void everyServedRowIsAProbabilityDistribution() {
    for (float[] row : predictions(predict(rowRequest(windows)).get("predictions"))) {
      double sum = 0;
      for (float p : row) {
        assertTrue(p >= 0 && p <= 1, "a probability: " + p);
        sum += p;
      }
      assertEquals(1.0, sum, 1e-5, "softmax rows sum to 1");
    }
  }

  /** The control: the comparison above tells windows apart, so it would catch a server that mixed up rows. */
  @Test
  void theComparisonFailsForADifferentWindow() {
    float[][][] swapped = {windows[0], windows[2], windows[1]};
    float[][] served = predictions(predict(rowRequest(swapped)).get("predictions"));
    double difference = maxAbsDifference(inProcess, served);
    assertTrue(difference > 1000 * TOLERANCE, "other windows must give other numbers, the largest difference is "
        + difference);
  }

  /** {@code savedmodel run}'s path in process (scan, load, run), the windows given as an {@code .npy} file. */
  private static float[][] savedModelRun(float[][][] batch) {
    Path npy = tmp.resolve("windows.npy");
    Npy.write(npy, Npy.Array.of(flatten(batch), batch.length, TIMESTEPS, NOTES));
    SignatureRunner.Outcome outcome = SignatureRunner.run(new SignatureRunner.Request(exported, "serve",
        "serving_default", Map.of(MusicExport.INPUT_KEY, "@" + npy.toAbsolutePath()), false));
    float[] flat = outcome.outputs().get(MusicExport.OUTPUT_KEY).toFloats();
    float[][] rows = new float[batch.length][NOTES];
    for (int i = 0; i < batch.length; i++) {
      System.arraycopy(flat, i * NOTES, rows[i], 0, NOTES);
    }
    return rows;
  }

  /** One-hot rows [64, 78] of {@code TIMESTEPS} notes of a song, from row {@code from}. */
  private static float[][] window(SongDataset songs, int song, int from) {
    float[] oneHot = songs.songs().get(song).melody().slice(from, from + TIMESTEPS).oneHot();
    float[][] rows = new float[TIMESTEPS][NOTES];
    for (int t = 0; t < TIMESTEPS; t++) {
      System.arraycopy(oneHot, t * NOTES, rows[t], 0, NOTES);
    }
    return rows;
  }

  private static ObjectNode rowRequest(float[][][] batch) {
    ObjectNode request = Http.JSON.createObjectNode();
    request.set("instances", tensor(batch));
    return request;
  }

  private static JsonNode predict(ObjectNode request) {
    return predict(server, request);
  }

  private static JsonNode predict(ModelServer to, ObjectNode request) {
    Http.Reply reply = Http.post(to.uri().resolve("/v1/models/music:predict"), request.toString());
    assertEquals(200, reply.status(), reply.body());
    return reply.json();
  }

  private static ArrayNode tensor(float[][][] batch) {
    ArrayNode list = Http.JSON.createArrayNode();
    for (float[][] window : batch) {
      ArrayNode rows = list.addArray();
      for (float[] row : window) {
        ArrayNode values = rows.addArray();
        for (float v : row) {
          values.add(v);
        }
      }
    }
    return list;
  }

  private static float[][] predictions(JsonNode rows) {
    float[][] out = new float[rows.size()][];
    for (int i = 0; i < rows.size(); i++) {
      assertEquals(NOTES, rows.get(i).size(), "one probability per note");
      out[i] = new float[NOTES];
      for (int n = 0; n < NOTES; n++) {
        out[i][n] = (float) rows.get(i).get(n).asDouble();
      }
    }
    return out;
  }

  private static double maxAbsDifference(float[][] expected, float[][] actual) {
    assertEquals(expected.length, actual.length, "rows");
    double max = 0;
    for (int i = 0; i < expected.length; i++) {
      for (int n = 0; n < NOTES; n++) {
        max = Math.max(max, Math.abs((double) expected[i][n] - actual[i][n]));
      }
    }
    return max;
  }

  private static float[] flatten(float[][][] batch) {
    float[] flat = new float[batch.length * TIMESTEPS * NOTES];
    int i = 0;
    for (float[][] window : batch) {
      for (float[] row : window) {
        System.arraycopy(row, 0, flat, i, NOTES);
        i += NOTES;
      }
    }
    return flat;
  }
}
