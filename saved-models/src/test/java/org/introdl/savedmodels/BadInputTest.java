package org.introdl.savedmodels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.introdl.core.io.Npy;
import org.introdl.core.testing.BadInputs;
import org.introdl.savedmodels.cli.CheckpointCommand;
import org.introdl.savedmodels.cli.GraphCommand;
import org.introdl.savedmodels.cli.SavedModelCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way the issue lists for a SavedModel, checkpoint, graph, {@code .npy} or JSON input to be wrong: each is one
 * line on stderr naming the file and the problem, a non-zero exit, no stack trace, no JVM crash, no output file.
 */
class BadInputTest {
  @TempDir Path tmp;

  private static CliRun savedmodel(String... args) {
    return CliRun.run(new SavedModelCommand(), args);
  }

  @Test
  void missingOrWrongFolders() throws Exception {
    savedmodel("show", tmp.resolve("nope").toString()).assertOneLineError(1, "nope: no such directory");
    savedmodel("show", Files.createDirectory(tmp.resolve("empty")).toString())
        .assertOneLineError(1, "empty: no saved_model.pb in this folder");
    savedmodel("run", Files.writeString(tmp.resolve("file.txt"), "x").toString())
        .assertOneLineError(1, "file.txt: not a directory");
    savedmodel("scan", tmp.resolve("nope").toString()).assertOneLineError(1, "no such directory");
  }

  @Test
  void wrongTagListsTheTagsPresent() {
    savedmodel("run", Fixtures.halfPlusTwoTf1().toString(), "--tag", "gpu", "--input", "x=[[1]]")
        .assertOneLineError(1, "no MetaGraph with tags 'gpu'", "tag sets present: serve");
  }

  @Test
  void unknownSignatureListsTheSignaturesPresent() {
    savedmodel("run", Fixtures.halfPlusTwoTf1().toString(), "--signature", "predict", "--input", "x=[[1]]")
        .assertOneLineError(1, "no signature 'predict'", "signatures present: classify_x_to_y, regress_x2_to_y3, "
            + "regress_x_to_y, regress_x_to_y2, serving_default");
  }

  /** A copy of a fixture SavedModel whose saved_model.pb is replaced by {@code pb}. */
  private Path modelWith(Path original, byte[] pb, int i) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("m" + i));
    Files.write(dir.resolve("saved_model.pb"), pb);
    Path vars = Files.createDirectories(dir.resolve("variables"));
    for (String f : List.of("variables.index", "variables.data-00000-of-00001")) {
      Files.copy(original.resolve("variables").resolve(f), vars.resolve(f));
    }
    return dir;
  }

  @Test
  void garbageAndTruncatedSavedModelPb() throws Exception {
    List<byte[]> bad = new ArrayList<>();
    byte[] tf1 = Files.readAllBytes(Fixtures.halfPlusTwoTf1().resolve("saved_model.pb"));
    bad.addAll(BadInputs.truncations(tf1, 25));
    bad.addAll(BadInputs.randomBytes(5, 20, 2048));
    bad.add(new byte[0]);
    int i = 0;
    for (byte[] pb : bad) {
      Path dir = modelWith(Fixtures.halfPlusTwoTf1(), pb, i++);
      CliRun r = savedmodel("run", dir.toString(), "--input", "x=[[1]]");
      r.assertOneLineError(1, dir.toString());
      CliRun s = savedmodel("show", dir.toString());
      s.assertOneLineError(1, "saved_model.pb");
    }
    // Corrupted bytes can leave a parseable proto: then the error comes from checking or loading, never a crash.
    byte[] tf2 = Files.readAllBytes(Fixtures.halfPlusTwoTf2().resolve("saved_model.pb"));
    for (byte[] pb : BadInputs.corruptions(tf2, 17, 20)) {
      Path dir = modelWith(Fixtures.halfPlusTwoTf2(), pb, i++);
      CliRun r = savedmodel("run", dir.toString(), "--input", "x=[2.0]");
      assertTrue(r.exitCode() == 0 || r.exitCode() == 1, r.err());
      if (r.exitCode() == 1) {
        r.assertOneLineError(1, dir.toString());
      }
    }
  }

  @Test
  void wellFormedButWrongSavedModels() throws Exception {
    org.tensorflow.proto.SavedModel original = org.tensorflow.proto.SavedModel.parseFrom(
        Files.readAllBytes(Fixtures.halfPlusTwoTf1().resolve("saved_model.pb")));
    // A signature naming a tensor the graph does not have.
    org.tensorflow.proto.SavedModel.Builder dangling = original.toBuilder();
    org.tensorflow.proto.MetaGraphDef.Builder mg = dangling.getMetaGraphsBuilder(0);
    org.tensorflow.proto.SignatureDef sig = mg.getSignatureDefOrThrow("serving_default");
    mg.putSignatureDef("serving_default", sig.toBuilder().putInputs("x",
        sig.getInputsOrThrow("x").toBuilder().setName("nope:0").build()).build());
    Path d1 = modelWith(Fixtures.halfPlusTwoTf1(), dangling.build().toByteArray(), 100);
    savedmodel("run", d1.toString(), "--input", "x=[[1]]").assertOneLineError(1, "nope:0");
    // An op this runtime does not have: scan says so, run fails to load with one line.
    org.tensorflow.proto.SavedModel.Builder custom = original.toBuilder();
    custom.getMetaGraphsBuilder(0).getGraphDefBuilder().addNode(org.tensorflow.proto.NodeDef.newBuilder()
        .setName("custom").setOp("MyCustomOp"));
    Path d2 = modelWith(Fixtures.halfPlusTwoTf1(), custom.build().toByteArray(), 101);
    CliRun scan = savedmodel("scan", d2.toString()).assertOk();
    assertTrue(scan.out().contains("does not know (the model will not load): MyCustomOp"), scan.out());
    savedmodel("run", d2.toString(), "--input", "x=[[1]]").assertOneLineError(1, "TensorFlow cannot load");
    // No MetaGraph at all.
    Path d3 = modelWith(Fixtures.halfPlusTwoTf1(), original.toBuilder().clearMetaGraphs().setSavedModelSchemaVersion(1)
        .build().toByteArray(), 102);
    savedmodel("show", d3.toString()).assertOneLineError(1, "holds no MetaGraph");
  }

  @Test
  void garbageVariablesIndex() throws Exception {
    Path dir = modelWith(Fixtures.halfPlusTwoTf1(),
        Files.readAllBytes(Fixtures.halfPlusTwoTf1().resolve("saved_model.pb")), 0);
    Files.write(dir.resolve("variables/variables.index"), BadInputs.randomBytes(1, 1, 500).get(0));
    savedmodel("show", dir.toString(), "--all").assertOneLineError(1, "variables.index", "not a checkpoint index");
    // run reads the index too (what it declares counts against the memory budget), before TensorFlow does.
    savedmodel("run", dir.toString(), "--input", "x=[[1]]").assertOneLineError(1, "variables.index",
        "not a checkpoint index");
    byte[] index = Files.readAllBytes(Fixtures.halfPlusTwoTf1().resolve("variables/variables.index"));
    for (byte[] b : BadInputs.truncations(index, 10)) {
      Path f = tmp.resolve("t.index");
      Files.write(f, b);
      CliRun.run(new CheckpointCommand(), "list", f.toString()).assertOneLineError(1, "t.index");
    }
  }

  @Test
  void garbageAndTruncatedNpyInputs() throws Exception {
    byte[] valid = Npy.toBytes(Npy.Array.of(new float[] {1f, 2f, 3f}, 3, 1));
    List<byte[]> bad = new ArrayList<>(BadInputs.truncations(valid, 15));
    bad.addAll(BadInputs.randomBytes(3, 10, 300));
    int i = 0;
    for (byte[] b : bad) {
      Path f = tmp.resolve("in" + i++ + ".npy");
      Files.write(f, b);
      savedmodel("run", Fixtures.halfPlusTwoTf1().toString(), "--input", "x=@" + f)
          .assertOneLineError(1, f.getFileName().toString());
    }
  }

  @Test
  void garbageJsonInputs() {
    for (String json : List.of("[[1", "{", "nan", "[[1]], [2]", "\"text\"", "[[true, {}]]", "[" .repeat(3000))) {
      CliRun r = savedmodel("run", Fixtures.halfPlusTwoTf1().toString(), "--input", "x=" + json);
      r.assertOneLineError(1, "x");
    }
    savedmodel("run", Fixtures.halfPlusTwoTf1().toString(), "--input", "x").assertOneLineError(1, "key=JSON");
  }

  @Test
  void garbageGraphFiles() throws Exception {
    byte[] meta = Files.readAllBytes(Fixtures.linearRegression().resolveSibling("model.meta"));
    int i = 0;
    List<byte[]> bad = new ArrayList<>(BadInputs.truncations(meta, 12));
    bad.addAll(BadInputs.randomBytes(9, 8, 1024));
    for (byte[] b : bad) {
      Path f = tmp.resolve("g" + i++ + ".meta");
      Files.write(f, b);
      CliRun r = CliRun.run(new GraphCommand(), "show", f.toString());
      assertTrue(r.exitCode() == 0 || r.exitCode() == 1, r.err());
      if (r.exitCode() == 1) {
        r.assertOneLineError(1, f.getFileName().toString());
      }
      Path pb = tmp.resolve("g" + i++ + ".pb");
      Files.write(pb, b);
      CliRun p = CliRun.run(new GraphCommand(), "run", pb.toString(), "--input", "X=[1.0]");
      p.assertOneLineError(1, pb.getFileName().toString());
    }
  }

  @Test
  void unwritableOutputLeavesNothingBehind() throws Exception {
    Path blocker = Files.writeString(tmp.resolve("out"), "a file where the folder should be");
    savedmodel("run", Fixtures.halfPlusTwoTf1().toString(), "--input", "x=[[1]]", "--out", blocker.toString())
        .assertOneLineError(1, "out");
    assertEquals("a file where the folder should be", Files.readString(blocker));
    try (var files = Files.list(tmp)) {
      assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }
  }
}
