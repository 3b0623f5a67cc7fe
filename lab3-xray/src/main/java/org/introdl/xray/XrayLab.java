package org.introdl.xray;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.introdl.core.train.TrainingRun;
import org.introdl.xray.train.XraySettings;
import java.util.stream.IntStream;
import org.introdl.core.io.AtomicFiles;
import org.introdl.xray.cam.XrayCam;
import org.introdl.xray.data.ChestPhantom;
import org.introdl.xray.data.NihFetch;
import org.introdl.xray.data.XrayDataset;
import org.introdl.xray.model.TrainedModel;
import org.introdl.xray.train.XrayEvaluator;
import org.introdl.xray.train.XrayTrainer;

/** The lab's story for `./labs run`: a short end-to-end run on built-in defaults, offline. */
public final class XrayLab {
  /** The main job's steps: the CPU preset, 40 steps, the held-out set evaluated twice. */
  public static final int MAIN_STEPS = 40;
  /** Phantoms for the CAM panels: a seed the training never saw. */
  static final long CAM_SEED = 1001;
  static final int CAM_IMAGES = 10;

  private XrayLab() {}

  /** What the story did: the training run, its held-out evaluation, the CAMs, and the files to look at. */
  public record Story(XraySettings settings, XrayTrainer.Result training, XrayCam.Result cams, List<Path> files) {}

  /** The CPU preset for {@link #MAIN_STEPS} steps. */
  public static XraySettings mainJobSettings() {
    return XraySettings.cpu().withSteps(MAIN_STEPS, MAIN_STEPS / 2);
  }

  /** Runs the lab end to end into {@code outDir} with {@code settings}, telling the story on {@code out}. */
  public static Story runMainJob(Path outDir, XraySettings settings, PrintStream out) {
    AtomicFiles.requireWritableDir(outDir);
    Path runDir = outDir.resolve("training");
    AtomicFiles.deleteTree(runDir); // the main job replaces its previous run
    out.println("NOTE: this run uses " + ChestPhantom.DESCRIPTION + ", generated offline;");
    out.println("      for real NIH x-rays: ./labs data fetch xray, then ./labs xray train --data <folder>.");
    XrayTrainer.Result trained = XrayTrainer.train(XrayTrainer.Options.of(settings, runDir)
        .withCheckpointEvery(settings.steps()), out);
    TrainingRun.Outcome run = trained.run();
    out.printf(Locale.ROOT, "Trained %d steps (batch %d, %dx%d, momentum %.1f%s, lr %.3g %s): loss %.3f -> %.3f,"
        + " %.2f s/step%n", settings.steps(), settings.batch(), settings.imageSize(), settings.imageSize(),
        settings.momentum(), settings.nesterov() ? " Nesterov" : "", settings.lr(),
        settings.lrSchedule() == XraySettings.LrSchedule.LINEAR ? "decaying linearly" : "constant",
        run.first().loss(), run.last().loss(), run.msPerStep() / 1000);
    out.println("Held-out SYNTHETIC phantoms:");
    XrayEvaluator.print(trained.heldOut(), out);
    List<Path> files = new ArrayList<>();
    files.add(run.lossChart());
    files.add(run.metricsCsv());
    if (trained.heldOut().roc() != null) {
      files.add(XrayEvaluator.rocPlot(trained.heldOut().roc(), outDir.resolve("roc.png"), "held-out phantoms"));
    }
    // New phantoms at the lab's 256 px: the model reads them at its own size, the maps are upsampled to 256.
    XrayDataset camImages = ChestPhantom.generate(CAM_IMAGES, XraySettings.LAB_IMAGE_SIZE, CAM_SEED);
    int[] indices = IntStream.range(0, CAM_IMAGES).toArray();
    XrayCam.Result cams;
    try (TrainedModel net = TrainedModel.restore(run.checkpoint(), settings.imageSize(), XrayCam.oneImageAtATime())) {
      cams = XrayCam.draw(net, camImages, indices, XrayDataset.PNEUMOTHORAX, outDir.resolve("cam"), camImages.source());
      out.printf(Locale.ROOT, "CAMs (class 1) of %d new phantoms: peak inside the lesion for %.0f%% of the positives,"
          + " within one feature-map cell of it for %.0f%%%n", CAM_IMAGES, 100 * cams.peakInLesionRate(),
          100 * cams.peakNearLesionRate());
      files.add(cams.contactSheet());
      cams.images().forEach(c -> files.add(c.png()));
    }
    files.add(run.checkpoint());
    return new Story(settings, trained, cams, files);
  }

  /** `./labs data fetch` for this lab: downloads the lab's data (pinned URLs, SHA-256 checked) into {@code dir}. */
  public static Path fetchData(Path dir, PrintStream out) {
    return NihFetch.fetch(dir, out);
  }
}
