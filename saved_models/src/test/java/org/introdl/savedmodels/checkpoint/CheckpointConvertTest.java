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
 * own initializer and saver (the lab's weights are not available), converted with {@code --model xray}; the
 * SavedModel's outputs are checked against the original graph run on the same checkpoint, and its CAM against a
 * plain-Java product of the feature map and the dense kernel.
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
  void xrayCheckpointBecomesASavedModelWithProbabilitiesAndCam() throws Exception {
    Path prefix = xrayCheckpoint();
    Path out = tmp.resolve("xray-savedmodel");
    CliRun r = CliRun.run(new CheckpointCommand(), "convert", prefix.toString(), "--to", out.toString(), "--model",
        "xray").assertOk();
    assertTrue(r.out().contains("36 variables restored"), r.out());

    SavedModelDir model = SavedModelDir.open(out);
    SavedModelDir.Signature sig = model.signature(model.metaGraph("serve"), "serving_default");
    assertArrayEquals(new long[] {-1, 256, 256, 1}, sig.inputs().get("images").shape());
    assertEquals(List.of("cam", "probabilities"), List.copyOf(sig.outputs().keySet()));
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
        "model.ckpt.meta"), List.of("Softmax", "max_pooling2d_4/MaxPool", "dense/kernel"),
        Map.of("Placeholder", "@" + image), prefix, false)).outputs();

    float[] probabilities = served.get("probabilities").toFloats();
    assertArrayEquals(new long[] {1, 2}, served.get("probabilities").shape());
    assertEquals(1.0, probabilities[0] + probabilities[1], 1e-6);
    assertArrayEquals(original.get("Softmax").toFloats(), probabilities, 1e-6f);

    float[] features = original.get("max_pooling2d_4/MaxPool").toFloats();
    float[] kernel = original.get("dense/kernel").toFloats();
    float[] cam = served.get("cam").toFloats();
    assertArrayEquals(new long[] {1, 16, 16, 2}, served.get("cam").shape());
    double maxMagnitude = 0;
    for (int pixel = 0; pixel < 16 * 16; pixel++) {
      for (int c = 0; c < 2; c++) {
        double sum = 0;
        for (int k = 0; k < 512; k++) {
          sum += (double) features[pixel * 512 + k] * kernel[k * 2 + c];
        }
        maxMagnitude = Math.max(maxMagnitude, Math.abs(sum));
        assertEquals(sum, cam[pixel * 2 + c], 1e-4 * Math.max(1, Math.abs(sum)), "cam at " + pixel + "," + c);
      }
    }
    assertTrue(maxMagnitude > 0, "a CAM of zeros would prove nothing");
  }

  @Test
  void refusesBadRequestsBeforeWritingAnything() throws Exception {
    Path out = tmp.resolve("never");
    // The lab's own checkpoint: its data file is missing, which is said before anything is exported.
    CliRun.run(new CheckpointCommand(), "convert", Fixtures.xray().toString(), "--to", out.toString(), "--model",
        "xray").assertOneLineError(1, "model.ckpt.data-00000-of-00001", "missing");
    CliRun.run(new CheckpointCommand(), "convert", Fixtures.linearRegression().toString(), "--to", out.toString())
        .assertOneLineError(1, "--model music|xray", "X float32");
    CliRun.run(new CheckpointCommand(), "convert", Fixtures.linearRegression().toString(), "--to", out.toString(),
        "--model", "cats").assertOneLineError(2, "--model must be music or xray");
    CliRun.run(new CheckpointCommand(), "convert", Fixtures.linearRegression().toString(), "--to", out.toString(),
        "--model", "xray").assertOneLineError(1, "not the lab's graph");
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
