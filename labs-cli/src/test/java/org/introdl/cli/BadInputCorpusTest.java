package org.introdl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.introdl.core.testing.BadInputs;
import org.introdl.core.testing.SharedFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged inputs of every kind the labs read, each fed through the real command line ({@link LabsMain#execute}):
 * every case must end with a non-zero exit, exactly one line on stderr that names the file, no stack trace, and no
 * file left in the output folder. The corpus is generated here from the real fixtures and from random bytes.
 */
class BadInputCorpusTest {
  @TempDir Path tmp;

  /** One bad input: the command line to run and the file whose name the error must carry. */
  private record Case(String kind, Path file, List<String> args) {}

  @Test
  void everyBadInputIsOneLineNamingTheFileWithNothingLeftBehind() throws IOException {
    List<Case> cases = new ArrayList<>();
    addMidi(cases);
    addMatrices(cases);
    addH5(cases);
    addImages(cases);
    addSavedModels(cases);
    addCheckpointIndexes(cases);
    addReferenceJson(cases);
    addBenchRuns(cases);
    assertTrue(cases.size() >= 200, "corpus of " + cases.size());

    Map<String, Integer> perKind = new TreeMap<>();
    for (Case c : cases) {
      Path out = Files.createDirectories(tmp.resolve("out-" + perKind.values().stream().mapToInt(i -> i).sum()));
      List<String> args = new ArrayList<>(c.args());
      args.replaceAll(a -> a.replace("{OUT}", out.toString()));
      String[] stderr = new String[1];
      int code = run(stderr, args.toArray(String[]::new));
      String where = c.kind() + " " + c.file().getFileName() + ": ";
      assertNotEquals(0, code, where + "exit code 0");
      assertEquals(1, stderr[0].lines().count(), where + "stderr is not one line:\n" + stderr[0]);
      assertFalse(stderr[0].contains("\tat ") || stderr[0].contains("Exception in"), where + stderr[0]);
      assertTrue(stderr[0].contains(c.file().getFileName().toString()), where + "error does not name the file: " + stderr[0]);
      try (Stream<Path> left = Files.walk(out)) {
        assertEquals(List.of(out), left.toList(), where + "left files behind");
      }
      perKind.merge(c.kind(), 1, Integer::sum);
    }
    System.out.println("bad inputs per kind: " + perKind);
  }

  @Test
  void wrongCommandLineValuesAreUsageErrors() {
    String[][] wrong = {
      {"basics", "placeholders", "--a", "abc"}, {"basics", "perceptron", "--x", "1,2,3"},
      {"basics", "collatz", "--start", "0"}, {"music", "train", "--steps", "-5"}, {"music", "train", "--batch", "x"},
      {"music", "train", "--lr", "0"}, {"music", "generate", "--notes", "-1"}, {"xray", "train", "--batch", "0"},
      {"xray", "train", "--image-size", "100"}, {"xray", "train", "--lr", "nan"}, {"bench", "--runs", "zero"},
      {"bench", "--runs", "0"},
      {"savedmodel", "run"}, {"checkpoint", "list"}, {"data", "fetch", "mnist"}
    };
    for (String[] args : wrong) {
      String[] stderr = new String[1];
      int code = run(stderr, args);
      assertEquals(2, code, String.join(" ", args) + ": " + stderr[0]);
      assertEquals(1, stderr[0].lines().count(), String.join(" ", args) + ":\n" + stderr[0]);
    }
  }

  private void addMidi(List<Case> cases) throws IOException {
    Path song = SharedFixtures.require("music-midi-2018/data/Clocks - Verse.midi");
    byte[] valid = Files.readAllBytes(song);
    List<byte[]> bad = damaged(valid, 29, 30, 11, 4096);
    for (int i = 0; i < bad.size(); i++) {
      Path file = write("midi", "damaged-" + i + ".mid", bad.get(i));
      cases.add(new Case("MIDI", file, List.of("music", "encode", file.toString(), "--out", "{OUT}/m.npy")));
    }
  }

  private void addMatrices(List<Case> cases) throws IOException {
    byte[] valid = org.introdl.core.io.Npy.toBytes(org.introdl.core.io.Npy.Array.of(new float[78 * 4], 4, 78));
    List<byte[]> bad = damaged(valid, 19, 15, 12, 512);
    for (int i = 0; i < bad.size(); i++) {
      Path file = write("npy", "melody-" + i + ".npy", bad.get(i));
      cases.add(new Case("melody .npy", file, List.of("music", "decode", file.toString(), "--out", "{OUT}/f.mid")));
    }
  }

  private void addH5(List<Case> cases) throws IOException {
    byte[] valid = Files.readAllBytes(SharedFixtures.require("chest-xray-samples/nih_pneumothorax_samples_256.h5"));
    List<byte[]> bad = damaged(valid, 19, 10, 13, 2048);
    for (int i = 0; i < bad.size(); i++) {
      Path file = write("h5", "xrays-" + i + ".h5", bad.get(i));
      cases.add(new Case("x-ray .h5", file, List.of("xray", "data", "--data", file.toString())));
    }
  }

  private void addImages(List<Case> cases) throws IOException {
    byte[] valid = Files.readAllBytes(SharedFixtures.require("chest-xray-samples/png/00000129_000.png"));
    List<byte[]> bad = damaged(valid, 11, 8, 14, 1024);
    for (int i = 0; i < bad.size(); i++) {
      Path folder = Files.createDirectories(tmp.resolve("images-" + i));
      Path file = Files.write(folder.resolve("x" + i + ".png"), bad.get(i));
      Files.writeString(folder.resolve("labels.csv"), "Image Index,Finding Labels\nx" + i + ".png,Pneumothorax\n");
      cases.add(new Case("x-ray image", file, List.of("xray", "data", "--data", folder.toString())));
    }
  }

  private void addSavedModels(List<Case> cases) throws IOException {
    Path model = SharedFixtures.require("python-savedmodels/half_plus_two_tf1_cpu");
    byte[] valid = Files.readAllBytes(model.resolve("saved_model.pb"));
    List<byte[]> bad = damaged(valid, 15, 12, 15, 2048);
    bad.remove(0); // an empty saved_model.pb is reported as missing content, named by its folder
    for (int i = 0; i < bad.size(); i++) {
      Path dir = Files.createDirectories(tmp.resolve("savedmodel-" + i));
      Path file = Files.write(dir.resolve("saved_model.pb"), bad.get(i));
      cases.add(new Case("saved_model.pb", file, List.of("savedmodel", "show", dir.toString())));
    }
  }

  private void addCheckpointIndexes(List<Case> cases) throws IOException {
    Path index = SharedFixtures.require("xray-2018-checkpoint-meta/model.ckpt.index");
    byte[] valid = Files.readAllBytes(index);
    List<byte[]> bad = damaged(valid, 15, 12, 16, 2048);
    for (int i = 0; i < bad.size(); i++) {
      Path file = write("ckpt", "model-" + i + ".index", bad.get(i));
      String prefix = file.toString().substring(0, file.toString().length() - ".index".length());
      cases.add(new Case("checkpoint .index", file, List.of("checkpoint", "list", prefix)));
    }
  }

  private void addReferenceJson(List<Case> cases) throws IOException {
    Path model = SharedFixtures.require("python-savedmodels/half_plus_two_tf1_cpu");
    byte[] valid = ("{\"signature\": \"serving_default\", \"inputs\": {\"x\": {\"dtype\": \"float32\", \"shape\": [2, 1],"
        + " \"data\": [1.0, 2.0]}}, \"outputs\": {\"y\": {\"dtype\": \"float32\", \"shape\": [2, 1], \"data\": [2.5, 3.0]}}}")
        .getBytes(StandardCharsets.UTF_8);
    List<byte[]> bad = damaged(valid, 11, 8, 17, 256);
    for (int i = 0; i < bad.size(); i++) {
      Path file = write("json", "reference-" + i + ".json", bad.get(i));
      cases.add(new Case("reference .json", file,
          List.of("savedmodel", "compare", model.toString(), "--reference", file.toString())));
    }
  }

  private void addBenchRuns(List<Case> cases) throws IOException {
    byte[] valid = ("{\"machine\": \"a CPU\", \"peak_gflops\": 204.5, \"workloads\": [{\"name\": \"W1 music train step\","
        + " \"medianMs\": 51.4, \"minMs\": 50.1, \"maxMs\": 60.2, \"runs\": 20, \"flopsPerRun\": 1.0E10,"
        + " \"baseline\": null}]}").getBytes(StandardCharsets.UTF_8);
    Path good = write("bench", "good.json", valid);
    List<byte[]> bad = damaged(valid, 11, 8, 18, 256);
    for (int i = 0; i < bad.size(); i++) {
      Path file = write("bench", "run-" + i + ".json", bad.get(i));
      // Each damaged run on either side of the comparison; --from means no benchmark runs.
      List<String> args = i % 2 == 0 ? List.of("bench", "--from", good.toString(), "--compare", file.toString())
          : List.of("bench", "--from", file.toString(), "--compare", good.toString());
      cases.add(new Case("bench run .json", file, args));
    }
  }

  /** Damaged variants of a valid file: {@code cuts} truncations (the whole file excluded) and {@code randoms} noise files. */
  private static List<byte[]> damaged(byte[] valid, int cuts, int randoms, long seed, int maxRandomLength) {
    List<byte[]> bad = new ArrayList<>(BadInputs.truncations(valid, cuts + 1).subList(0, cuts));
    bad.addAll(BadInputs.randomBytes(seed, randoms, maxRandomLength));
    return bad;
  }

  private Path write(String folder, String name, byte[] bytes) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(folder));
    return Files.write(dir.resolve(name), bytes);
  }

  private static int run(String[] stderr, String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      return LabsMain.execute(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
      stderr[0] = err.toString(StandardCharsets.UTF_8);
    }
  }
}
