package org.introdl.savedmodels.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.introdl.core.io.Npy;
import org.introdl.savedmodels.safety.UnsafeOps;
import org.introdl.savedmodels.CliRun;
import org.introdl.savedmodels.Fixtures;
import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.SignatureRunner;
import org.introdl.savedmodels.cli.CheckpointCommand;
import org.introdl.savedmodels.graph.GraphFile;
import org.introdl.savedmodels.graph.GraphRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.types.TString;

/**
 * {@code checkpoint convert}: the 2018 x-ray graph (its {@code .meta}) with a complete checkpoint made here from its
 * own initializer and saver (the lab's weights are not available), converted with the tensors named on the command
 * line; the SavedModel's outputs are checked against the original graph run on the same checkpoint. (The x-ray
 * lab's own export, with its CAM signature, is tested in lab3-xray.)
 */
class CheckpointConvertTest {
  @TempDir Path tmp;

  /** Runs the meta graph's {@code init} op and its own saver: a full checkpoint in the 2018 lab's format. */
  private Path xrayCheckpoint() throws Exception {
    Path meta = Fixtures.xray().resolveSibling("model.ckpt.meta");
    Path dir = Files.createDirectories(tmp.resolve("ckpt"));
    Path prefix = dir.resolve("model.ckpt");
    Files.copy(meta, dir.resolve("model.ckpt.meta"));
    GraphFile g = GraphFile.read(meta);
    try (Graph graph = GraphRunner.importGraph(g); Session s = new Session(graph);
        TString path = TString.scalarOf(prefix.toString())) {
      s.run("init");
      s.runner().feed("save/Const:0", path).fetch("save/control_dependency:0").run().close();
    }
    return prefix;
  }

  @Test
  void xrayCheckpointBecomesASavedModelWithTheNamedTensors() throws Exception {
    Path prefix = xrayCheckpoint();
    Path out = tmp.resolve("xray-savedmodel");
    CliRun r = CliRun.run(new CheckpointCommand(), "convert", prefix.toString(), "--to", out.toString(), "--input",
        "images=Placeholder", "--output", "probabilities=Softmax:0", "--output", "features=max_pooling2d_4/MaxPool")
        .assertOk();
    assertTrue(r.out().contains("36 variables restored"), r.out());

    SavedModelDir model = SavedModelDir.open(out);
    SavedModelDir.Signature sig = model.signature(model.metaGraph("serve"), "serving_default");
    assertArrayEquals(new long[] {-1, 256, 256, 1}, sig.inputs().get("images").shape());
    assertEquals(List.of("features", "probabilities"), List.copyOf(sig.outputs().keySet()));
    UnsafeOps.Report scan = UnsafeOps.scan(model.metaGraph("serve"));
    assertTrue(scan.isSafe(), scan.findings().toString());

    float[] pixels = new float[256 * 256];
    Random random = new Random(3);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = random.nextFloat() * 255f;
    }
    Path image = tmp.resolve("image.npy");
    Npy.write(image, Npy.Array.of(pixels, 1, 256, 256, 1));
    Map<String, Npy.Array> served = SignatureRunner.run(new SignatureRunner.Request(out, "serve", "serving_default",
        Map.of("images", "@" + image), false)).outputs();
    Map<String, Npy.Array> original = GraphRunner.run(new GraphRunner.Request(prefix.resolveSibling(
        "model.ckpt.meta"), List.of("Softmax", "max_pooling2d_4/MaxPool"),
        Map.of("Placeholder", "@" + image), prefix, false)).outputs();

    float[] probabilities = served.get("probabilities").toFloats();
    assertArrayEquals(new long[] {1, 2}, served.get("probabilities").shape());
    assertEquals(1.0, probabilities[0] + probabilities[1], 1e-6);
    assertArrayEquals(original.get("Softmax").toFloats(), probabilities, 1e-6f);

    float[] features = served.get("features").toFloats();
    assertArrayEquals(new long[] {1, 16, 16, 512}, served.get("features").shape());
    assertArrayEquals(original.get("max_pooling2d_4/MaxPool").toFloats(), features, 1e-5f);
    assertTrue(java.util.stream.IntStream.range(0, features.length).anyMatch(i -> features[i] != 0),
        "feature maps of zeros would prove nothing");
  }

  @Test
  void refusesBadRequestsBeforeWritingAnything() throws Exception {
    Path out = tmp.resolve("never");
    // The lab's own checkpoint: its data file is missing, which is said before anything is exported.
    CliRun.run(new CheckpointCommand(), "convert", Fixtures.xray().toString(), "--to", out.toString(), "--input",
        "images=Placeholder", "--output", "probabilities=Softmax").assertOneLineError(1,
            "model.ckpt.data-00000-of-00001", "missing");
    CliRun.run(new CheckpointCommand(), "convert", Fixtures.linearRegression().toString(), "--to", out.toString())
        .assertOneLineError(1, "--input key=tensor and --output key=tensor", "X float32");
    // The lab presets moved to the labs: the old option says where, in one line.
    CliRun.run(new CheckpointCommand(), "convert", Fixtures.xray().toString(), "--to", out.toString(),
        "--model", "xray").assertOneLineError(2, "--model is gone", "./labs xray export", "./labs music export");
    CliRun.run(new CheckpointCommand(), "convert", Fixtures.linearRegression().toString(), "--to", out.toString(),
        "--input", "x=X", "--output", "y=nope").assertOneLineError(1, "no tensor 'nope'");
    CliRun.run(new CheckpointCommand(), "convert", Fixtures.linearRegression().toString(), "--to",
        Fixtures.linearRegression().getParent().toString(), "--input", "x=X", "--output", "y=pred")
        .assertOneLineError(1, "already exists");
    assertFalse(Files.exists(out));
    try (var left = Files.list(tmp)) {
      assertEquals(0, left.filter(p -> p.getFileName().toString().startsWith(".never")).count(),
          "no temporary folder left behind");
    }
  }
}
