package org.introdl.xray.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.introdl.core.cli.Cli;
import org.introdl.core.testing.SharedFixtures;
import org.introdl.savedmodels.cli.SavedModelCommand;
import org.introdl.xray.cam.CamGraph;
import org.introdl.xray.cli.XrayCommand;
import org.introdl.xray.data.ChestPhantom;
import org.introdl.xray.data.XrayDataset;
import org.introdl.xray.model.NamedCheckpoint;
import org.introdl.xray.model.ImageTensors;
import org.introdl.xray.model.TrainedModel;
import org.introdl.xray.train.XraySettings;
import org.introdl.xray.train.XrayTrainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;
import picocli.CommandLine;

/**
 * {@code xray export}: the SavedModel of a short training run, loaded with {@link SavedModelBundle}, gives the
 * probabilities of the lab's own evaluation ({@link TrainedModel#probabilities}) and the CAMs of the lab's
 * {@link CamGraph}, and its grid CAM equals a plain-Java product of feature maps and dense kernel; the checkpoint one
 * step earlier fails the same parity check. The 2018 lab's graph with a checkpoint written by its own saver exports
 * too, and gives the probabilities of that graph. The export passes {@code savedmodel scan}.
 */
class XrayExportTest {
  /** Small, so training and export take seconds (the size the other tests train at); the CAM grid is 2x2. */
  static final int SIZE = 32;
  static final int GRID = SIZE / 16;
  /** The probabilities of the export and of the lab's evaluation: the same graph, so to float rounding. */
  static final double PARITY = 1e-6;

  @TempDir static Path tmp;
  static Path run;
  static XrayExport.Result exported;
  static XrayDataset images;
  static Served served;

  /** What the two signatures return for {@link #images}. */
  record Served(float[] probabilities, long[] probabilitiesShape, float[] camProbabilities, float[] cam,
      long[] camShape, float[] camUpsampled, long[] camUpsampledShape) {}

  @BeforeAll
  static void trainTwoStepsAndExport() {
    run = tmp.resolve("run");
    XraySettings tiny = XraySettings.cpu().withImageSize(SIZE).withBatch(4).withSteps(2, 2).withSeed(3);
    XrayTrainer.train(new XrayTrainer.Options(tiny, run, false, 1), new PrintStream(new ByteArrayOutputStream()));
    exported = XrayExport.run(new XrayExport.Options(run, 0, tmp.resolve("saved")));
    images = ChestPhantom.generate(6, SIZE, 1001);
    served = serve(exported.out(), images);
  }

  static Served serve(Path dir, XrayDataset data) {
    try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), "serve");
        TFloat32 x = ImageTensors.images(data.pixels(), 0, data.count(), data.size());
        Result p = bundle.function("serving_default").call(Map.of(XrayExport.IMAGES, (Tensor) x));
        Result c = bundle.function(XrayExport.CAM_SIGNATURE).call(Map.of(XrayExport.IMAGES, (Tensor) x))) {
      Tensor probabilities = p.get(XrayExport.PROBABILITIES).orElseThrow();
      Tensor cam = c.get(XrayExport.CAM).orElseThrow();
      Tensor upsampled = c.get(XrayExport.CAM_UPSAMPLED).orElseThrow();
      return new Served(ImageTensors.floats(probabilities), probabilities.shape().asArray(),
          ImageTensors.floats(c.get(XrayExport.PROBABILITIES).orElseThrow()), ImageTensors.floats(cam), cam.shape().asArray(),
          ImageTensors.floats(upsampled), upsampled.shape().asArray());
    }
  }

  /** The parity check: the largest |served P(pneumothorax) - lab's P(pneumothorax)| over the images. */
  static double maxProbabilityDifference(float[] servedProbabilities, float[] labPneumothorax) {
    double worst = 0;
    for (int i = 0; i < labPneumothorax.length; i++) {
      worst = Math.max(worst, Math.abs(servedProbabilities[2 * i + XrayDataset.PNEUMOTHORAX] - labPneumothorax[i]));
    }
    return worst;
  }

  @Test
  void exportGivesTheLabsProbabilitiesAndCams() {
    assertEquals(SIZE, exported.imageSize(), "the size the run trained at, from its run.json");
    assertEquals(GRID, exported.camGridSize());
    assertTrue(exported.checkpoint().toString().contains("step-000002"), "the newest checkpoint: " + exported);
    float[] labProbabilities;
    CamGraph.BothClasses lab;
    float[] denseKernel;
    try (TrainedModel trained = TrainedModel.restore(exported.checkpoint(), SIZE)) {
      labProbabilities = trained.probabilities(images, 4);
      CamGraph cams = new CamGraph(trained.ops(), trained.model(), SIZE);
      lab = cams.bothClasses(trained.session(), images.pixels(), 0, images.count());
      denseKernel = cams.denseKernel(trained.session());
    }
    int n = images.count();
    assertArrayEquals(new long[] {n, 2}, served.probabilitiesShape());
    double worst = maxProbabilityDifference(served.probabilities(), labProbabilities);
    System.out.printf("export parity: max |P served - P lab| = %.3g over %d images%n", worst, n);
    assertTrue(worst <= PARITY, "max |P served - P lab| = " + worst);
    for (int i = 0; i < n; i++) {
      assertEquals(1.0, served.probabilities()[2 * i] + served.probabilities()[2 * i + 1], 1e-6);
    }
    assertArrayEquals(served.probabilities(), served.camProbabilities(), "both signatures run the same model");

    // cam_upsampled: the lab's CAM of each class (CamGraph, as xray cam draws it), as the last axis.
    assertArrayEquals(new long[] {n, SIZE, SIZE, 2}, served.camUpsampledShape());
    float[][] labCams = {lab.noPneumothorax(), lab.pneumothorax()};
    for (int pixel = 0; pixel < n * SIZE * SIZE; pixel++) {
      for (int c = 0; c < 2; c++) {
        float expected = labCams[c][pixel];
        assertEquals(expected, served.camUpsampled()[2 * pixel + c], PARITY * Math.max(1, Math.abs(expected)),
            "cam_upsampled at " + pixel + ", class " + c);
      }
    }

    // cam: on the feature-map grid, against feature maps times the dense kernel in plain Java doubles.
    assertArrayEquals(new long[] {n, GRID, GRID, 2}, served.camShape());
    int perImage = lab.featureMaps().length / n;
    double largest = 0;
    for (int i = 0; i < n; i++) {
      float[] maps = Arrays.copyOfRange(lab.featureMaps(), i * perImage, (i + 1) * perImage);
      for (int c = 0; c < 2; c++) {
        float[] expected = CamGraph.gridCam(maps, denseKernel, c, GRID);
        for (int cell = 0; cell < GRID * GRID; cell++) {
          float got = served.cam()[(i * GRID * GRID + cell) * 2 + c];
          assertEquals(expected[cell], got, 1e-4 * Math.max(1, Math.abs(expected[cell])),
              "cam of image " + i + ", cell " + cell + ", class " + c);
          largest = Math.max(largest, Math.abs(got));
        }
      }
    }
    assertTrue(largest > 1e-3, "a CAM of zeros would prove nothing");
  }

  @Test
  void theCheckpointOneStepEarlierFailsTheParityCheck() {
    float[] earlier;
    try (TrainedModel trained = TrainedModel.restore(NamedCheckpoint.locate(run.resolve(
        "checkpoints/step-000001"), "xray export").prefix(), SIZE)) {
      earlier = trained.probabilities(images, 4);
    }
    double difference = maxProbabilityDifference(served.probabilities(), earlier);
    System.out.printf("export parity control (step 1 vs step 2): max |P| difference = %.3g%n", difference);
    assertTrue(difference > 100 * PARITY, "one training step apart, yet max |P| difference " + difference);
  }

  @Test
  void theExportScansCleanAndShowsBothSignatures() {
    CommandOutput scan = savedModelCommand("scan", exported.out().toString());
    assertEquals(0, scan.code(), scan.out() + scan.err());
    CommandOutput show = savedModelCommand("show", exported.out().toString());
    assertEquals(0, show.code(), show.err());
    String expected = "input  images: .*float32 \\[-1, 32, 32, 1\\]";
    assertTrue(show.out().contains("signature 'serving_default'") && show.out().contains("signature 'cam'"),
        show.out());
    assertTrue(show.out().lines().filter(l -> l.strip().matches(expected)).count() == 2, show.out());
    assertTrue(show.out().contains("probabilities:") && show.out().contains("[-1, 2]"), show.out());
    assertTrue(show.out().contains("float32 [-1, 2, 2, 2]"), show.out());
    assertTrue(show.out().contains("float32 [-1, 32, 32, 2]"), show.out());
  }

  /**
   * The 2018 lab's graph ({@code model.ckpt.meta}) with a complete checkpoint written by its own initializer and
   * saver (36 keys, momentum slots included; the lab's weights are lost): the export reads it at the lab's 256 px and
   * gives the probabilities of that graph, and its grid CAM is that graph's feature maps times its dense kernel.
   */
  @Test
  void the2018LabsCheckpointExportsAndAgreesWithItsOwnGraph() throws Exception {
    Path meta = SharedFixtures.require("xray-2018-checkpoint-meta/model.ckpt.meta");
    Path prefix = Files.createDirectories(tmp.resolve("python")).resolve("model.ckpt");
    XrayDataset films = ChestPhantom.generate(2, 256, 7);
    MetaGraphDef metaGraph = MetaGraphDef.parseFrom(Files.readAllBytes(meta));
    float[] probabilities;
    float[] features;
    float[] kernel;
    try (Graph python = new Graph()) {
      python.importGraphDef(metaGraph.getGraphDef());
      try (Session session = new Session(python); TString file = TString.scalarOf(prefix.toString())) {
        session.run("init");
        session.runner().feed(metaGraph.getSaverDef().getFilenameTensorName(), file)
            .fetch(metaGraph.getSaverDef().getSaveTensorName()).run().close();
        try (TFloat32 x = ImageTensors.images(films.pixels(), 0, films.count(), 256);
            Result r = session.runner().feed("Placeholder", x).fetch("Softmax").fetch("max_pooling2d_4/MaxPool")
                .fetch("dense/kernel").run()) {
          probabilities = ImageTensors.floats(r.get(0));
          features = ImageTensors.floats(r.get(1));
          kernel = ImageTensors.floats(r.get(2));
        }
      }
    }
    XrayExport.Result r = XrayExport.run(new XrayExport.Options(prefix, 0, tmp.resolve("saved-2018")));
    assertEquals(256, r.imageSize(), "no run.json: the lab's size");
    Served fromPython = serve(r.out(), films);
    // Two graphs (the lab's map_fn standardisation, the port's batched one): equal to float rounding.
    double worst = 0;
    for (int i = 0; i < probabilities.length; i++) {
      worst = Math.max(worst, Math.abs(probabilities[i] - fromPython.probabilities()[i]));
    }
    System.out.printf("export of the 2018 graph's checkpoint: max |P served - P 2018 graph| = %.3g (P %s)%n", worst,
        Arrays.toString(probabilities));
    assertTrue(worst <= 1e-5, "max |P served - P 2018 graph| = " + worst);
    int cells = 16 * 16;
    double largest = 0;
    for (int i = 0; i < films.count(); i++) {
      float[] maps = Arrays.copyOfRange(features, i * cells * 512, (i + 1) * cells * 512);
      for (int c = 0; c < 2; c++) {
        float[] expected = CamGraph.gridCam(maps, kernel, c, 16);
        for (int cell = 0; cell < cells; cell++) {
          assertEquals(expected[cell], fromPython.cam()[(i * cells + cell) * 2 + c],
              1e-4 * Math.max(1, Math.abs(expected[cell])), "cam of film " + i + ", cell " + cell + ", class " + c);
          largest = Math.max(largest, Math.abs(expected[cell]));
        }
      }
    }
    assertTrue(largest > 1e-3, "a CAM of zeros would prove nothing");
  }

  @Test
  void mistakesAreOneLineAndLeaveNothingBehind() {
    Path out = tmp.resolve("refused");
    CommandOutput taken = xrayCommand("export", "--checkpoint", run.toString(), "--out", exported.out().toString());
    assertOneLine(taken, Cli.EXIT_BAD_INPUT, "already exists");
    assertOneLine(xrayCommand("export", "--checkpoint", tmp.resolve("nothing").toString(), "--out", out.toString()),
        Cli.EXIT_BAD_INPUT, "no checkpoint here");
    assertOneLine(xrayCommand("export", "--checkpoint", run.toString(), "--out", out.toString(), "--image-size",
        "100"), Cli.EXIT_USAGE, "multiple of 16");
    assertFalse(Files.exists(out));
    try (var left = Files.list(tmp)) {
      assertEquals(0, left.filter(p -> p.getFileName().toString().startsWith(".")).count(), "no temporary folder");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  record CommandOutput(int code, String out, String err) {}

  static CommandOutput savedModelCommand(String... args) {
    return execute(new SavedModelCommand(), args);
  }

  static CommandOutput xrayCommand(String... args) {
    return execute(new XrayCommand(), args);
  }

  private static CommandOutput execute(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Cli.configure(new CommandLine(command), false);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new CommandOutput(code, out.toString(), err.toString());
  }

  static void assertOneLine(CommandOutput r, int code, String expected) {
    assertEquals(code, r.code(), r.err());
    assertTrue(r.err().contains(expected), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
  }
}
