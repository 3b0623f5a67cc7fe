package org.introdl.xray;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.introdl.core.io.AtomicFiles;
import org.introdl.xray.cam.XrayCam;
import org.introdl.xray.data.ChestPhantom;
import org.introdl.xray.data.NihFetch;
import org.introdl.xray.data.XrayData;
import org.introdl.xray.data.XrayDataset;
import org.introdl.xray.model.XrayNetwork;
import org.introdl.xray.train.XrayEvaluator;
import org.introdl.xray.train.XrayTrainer;

/** The lab's main job for `./labs run`: a short end-to-end run on built-in defaults, offline. */
public final class XrayLab {
  /** The CPU preset of the main job: 128 px (8x8 feature maps), small batches, few steps. */
  public static final int MAIN_IMAGE_SIZE = 128;
  public static final int MAIN_BATCH = 8;
  public static final int MAIN_STEPS = 40;
  /**
   * Below the lab's 0.05: from fresh Glorot weights the lab's rate diverged here (NaN by step 20 at 0.02, a blow-up
   * at 0.05); 0.004 with linear decay trains steadily.
   */
  public static final float MAIN_LEARNING_RATE = 0.004f;
  public static final int MAIN_HELD_OUT = 60;
  /** Phantoms for the CAM panels: a seed the training never saw. */
  static final long CAM_SEED = 1001;
  static final int CAM_IMAGES = 10;

  private XrayLab() {}

  /** Runs the lab end to end into {@code outDir}; returns the files a user should look at. */
  public static List<Path> runMainJob(Path outDir, PrintStream out) {
    AtomicFiles.requireWritableDir(outDir);
    AtomicFiles.deleteTree(outDir.resolve("checkpoints")); // the main job replaces its previous run
    out.println("NOTE: this run uses " + ChestPhantom.DESCRIPTION + ", generated offline;");
    out.println("      for real NIH x-rays: ./labs data fetch xray, then ./labs xray train --data <folder>.");
    XrayTrainer.Options options = new XrayTrainer.Options(XrayData.SYNTHETIC, MAIN_IMAGE_SIZE, MAIN_BATCH, MAIN_LEARNING_RATE,
        XrayNetwork.MOMENTUM, true, MAIN_STEPS, MAIN_STEPS / 2, MAIN_STEPS, MAIN_HELD_OUT, 1, outDir, false, XrayTrainer.LrSchedule.LINEAR);
    XrayTrainer.Result trained = XrayTrainer.train(options, out);
    out.printf("Trained %d steps (batch %d, %dx%d, momentum 0.9 Nesterov, lr %.3g decaying linearly): cost %.3f -> %.3f, %.2f s/step%n",
        MAIN_STEPS, MAIN_BATCH, MAIN_IMAGE_SIZE, MAIN_IMAGE_SIZE, MAIN_LEARNING_RATE, trained.firstLoss(), trained.lastLoss(),
        trained.secondsPerStep());
    out.println("Held-out SYNTHETIC phantoms:");
    XrayEvaluator.print(trained.heldOut(), out);
    List<Path> files = new ArrayList<>();
    files.add(trained.lossChart());
    files.add(trained.metricsCsv());
    if (trained.heldOut().roc() != null) {
      files.add(XrayEvaluator.rocPlot(trained.heldOut().roc(), outDir.resolve("roc.png"), "held-out phantoms"));
    }
    XrayDataset camImages = ChestPhantom.generate(CAM_IMAGES, MAIN_IMAGE_SIZE, CAM_SEED);
    int[] indices = IntStream.range(0, CAM_IMAGES).toArray();
    try (XrayNetwork net = new XrayNetwork(XrayNetwork.Config.lab(MAIN_IMAGE_SIZE, 1))) {
      net.restore(trained.checkpoint());
      XrayCam.Result cams = XrayCam.draw(net, camImages, indices, XrayDataset.PNEUMOTHORAX, outDir.resolve("cam"), camImages.source());
      out.printf("CAMs (class 1) of %d new phantoms: peak inside the lesion for %.0f%% of the positives, within one"
          + " feature-map cell (%d px) of it for %.0f%%%n", CAM_IMAGES, 100 * cams.peakInLesionRate(), MAIN_IMAGE_SIZE / 16,
          100 * cams.peakNearLesionRate());
      files.add(cams.contactSheet());
      cams.images().forEach(c -> files.add(c.png()));
    }
    files.add(trained.checkpoint());
    return files;
  }

  /** `./labs data fetch` for this lab: downloads the lab's data (pinned URLs, SHA-256 checked) into {@code dir}. */
  public static Path fetchData(Path dir, PrintStream out) {
    return NihFetch.fetch(dir, out);
  }
}
