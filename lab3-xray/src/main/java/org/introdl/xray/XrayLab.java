package org.introdl.xray;

import java.io.PrintStream;
import org.introdl.xray.data.XrayConstants;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.introdl.core.train.TrainingRun;
import org.introdl.xray.train.XraySettings;
import java.util.stream.IntStream;
import org.introdl.core.io.AtomicFiles;
import org.introdl.xray.cam.MistakeSheet;
import org.introdl.xray.cam.XrayCam;
import org.introdl.xray.data.ChestPhantom;
import org.introdl.xray.data.NihFetch;
import org.introdl.xray.data.XrayDataset;
import org.introdl.xray.model.TrainedModel;
import org.introdl.xray.train.XrayEvaluator;
import org.introdl.xray.train.XrayTrainer;

/** The lab's story for `./labs run`: a short end-to-end run on built-in defaults, offline. */
public final class XrayLab {
  /** The main job's steps: the CPU preset, 100 steps, the held-out set evaluated twice. */
  public static final int MAIN_STEPS = 100;
  static final int CAM_IMAGES = 10;

  private XrayLab() {}

  /** What the story did: the training run, its held-out evaluation, the CAMs, and the files to look at. */
  public record Story(XraySettings settings, XrayTrainer.Result training, XrayCam.Localisation localisation,
      MistakeSheet.Result mistakes, XrayCam.Result cams, List<Path> files) {}

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
    out.printf(Locale.ROOT, "Trained %d steps (%s): loss %.3f -> %.3f, %.2f s/step%n", settings.steps(),
        recipe(settings), run.first().loss(), run.last().loss(), run.msPerStep() / 1000);
    out.println("Held-out SYNTHETIC phantoms:");
    XrayEvaluator.print(trained.heldOut(), out);
    List<Path> files = new ArrayList<>();
    files.add(run.lossChart());
    files.add(run.metricsCsv());
    if (trained.heldOut().roc() != null) {
      files.add(XrayEvaluator.rocPlot(trained.heldOut().roc(), outDir.resolve("roc.png"), "held-out phantoms"));
    }
    files.add(XrayEvaluator.reliabilityPlot(trained.heldOut(), outDir, "held-out phantoms"));
    // New phantoms at the lab's 256 px: the model reads them at its own size, the maps are upsampled to 256.
    XrayDataset camImages = ChestPhantom.generate(CAM_IMAGES, XrayConstants.LAB_IMAGE_SIZE,
        XrayConstants.UNSEEN_PHANTOM_SEED);
    int[] indices = IntStream.range(0, CAM_IMAGES).toArray();
    XrayCam.Result cams;
    XrayCam.Localisation localisation;
    MistakeSheet.Result mistakes;
    try (TrainedModel net = TrainedModel.restore(run.checkpoint(), settings.imageSize(), XrayCam.oneImageAtATime())) {
      localisation = XrayCam.localisation(net, trained.heldOutSet());
      printLocalisation(localisation, out);
      mistakes = MistakeSheet.write(net, trained.heldOutSet(), trained.heldOutIds(), trained.heldOut().probabilities(),
          outDir, "held-out phantoms");
      out.printf(Locale.ROOT, "Mistakes: %d of %d held-out phantoms wrong, each with the CAMs of both classes on"
          + " mistakes.png (list: mistakes.csv)%n", countMistakes(trained.heldOut()), trained.heldOutImages());
      files.add(mistakes.png());
      files.add(mistakes.csv());
      cams = XrayCam.draw(net, camImages, indices, XrayDataset.PNEUMOTHORAX, outDir.resolve("cam"), camImages.source());
      out.printf(Locale.ROOT, "CAMs (class 1) of %d new phantoms: hottest cell on the lesion for %.0f%% of the"
          + " positives, its centre inside the lesion for %.0f%%, within one feature-map cell of it for %.0f%%%n",
          CAM_IMAGES, 100 * cams.cellOnLesionRate(), 100 * cams.peakInLesionRate(), 100 * cams.peakNearLesionRate());
      files.add(cams.contactSheet());
      cams.images().forEach(c -> files.add(c.png()));
    }
    files.add(run.checkpoint());
    return new Story(settings, trained, localisation, mistakes, cams, files);
  }

  /**
   * The map P(pneumothorax) responds to (the class-difference CAM) first, against a cell picked at random; then the
   * pneumothorax CAM alone by the cell and by the strict rule (its hottest cell's centre inside the lesion).
   */
  static void printLocalisation(XrayCam.Localisation l, PrintStream out) {
    out.printf(Locale.ROOT, "CAM peak in the lesion for %.0f%% of the %d held-out positives (the hottest cell of the"
        + " pneumothorax-minus-none map holds lesion; a random cell: %.0f%%)%n", 100 * l.differenceCellOnLesionRate(),
        l.positives(), 100 * l.chanceCellOnLesionRate());
    out.printf(Locale.ROOT, "  pneumothorax CAM alone: hottest cell on the lesion %.0f%%, its centre inside the lesion"
        + " %.0f%%, within one cell of it %.0f%%%n", 100 * l.cellOnLesionRate(), 100 * l.peakInLesionRate(),
        100 * l.peakNearLesionRate());
  }

  static long countMistakes(org.introdl.xray.train.Evaluation e) {
    return e.confusion()[0][1] + e.confusion()[1][0];
  }

  /**
   * The recipe in words: "batch 16, 64x64, Adam lr 0.001, warm-up 10, decaying linearly, clip 5, mirrored, moved up
   * to 6 px".
   */
  static String recipe(XraySettings s) {
    String optimizer = s.optimizer() == XraySettings.Optimizer.ADAM ? "Adam"
        : String.format(Locale.ROOT, "momentum %.1f%s", s.momentum(), s.nesterov() ? " Nesterov" : "");
    return String.format(Locale.ROOT, "batch %d, %dx%d, %s lr %.3g, warm-up %d, %s, clip %s%s%s", s.batch(),
        s.imageSize(), s.imageSize(), optimizer, s.lr(), s.warmupSteps(),
        s.lrSchedule() == XraySettings.LrSchedule.LINEAR ? "decaying linearly" : "constant",
        s.clipNorm() > 0 ? String.format(Locale.ROOT, "%.3g", s.clipNorm()) : "none", s.flip() ? ", mirrored" : "",
        s.shift() > 0 ? ", moved up to " + s.shift() + " px" : "");
  }

  /** `./labs data fetch` for this lab: downloads the lab's data (pinned URLs, SHA-256 checked) into {@code dir}. */
  public static Path fetchData(Path dir, PrintStream out) {
    return NihFetch.fetch(dir, out);
  }
}
