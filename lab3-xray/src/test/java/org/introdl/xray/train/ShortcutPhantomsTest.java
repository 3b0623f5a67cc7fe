package org.introdl.xray.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.introdl.xray.cam.CamGraph;
import org.introdl.xray.cam.XrayCam;
import org.introdl.xray.data.ChestPhantom;
import org.introdl.xray.data.XrayConstants;
import org.introdl.xray.data.DataOption;
import org.introdl.xray.data.XrayDataset;
import org.introdl.xray.model.TrainedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shortcut phantoms teach what they are for: a model trained where the drain marks the positives looks at the
 * drain, and is worse on the same films without it.
 */
class ShortcutPhantomsTest {
  static final int SIZE = 32;
  static final int STEPS = 80;
  /**
   * Measured here over four kernel plans (the plan measured fastest, all {@code Conv2D}, all {@code Conv}, mixed:
   * training's numbers follow the kernels to float rounding, and 40 steps were not enough to outlast that): after 80
   * steps the shortcut model scores 0.94-0.97 on new films with drains and 0.78 on the same films without (a gap of
   * 0.16-0.19), and its pneumothorax CAM's hottest cell holds the drain in 81-100% of the drained positives. An
   * untrained model: a gap of 0, and 71% (at 32 px the grid is 2x2, so a drain shares a cell with many peaks by
   * chance).
   */
  static final double ACCURACY_GAP = 0.1;
  /**
   * The preset's moves scaled to the picture: 12 px of 64 is 6 of 32 (12 px of a 32 px picture, more than a third of
   * it, left the model near chance after 40 steps: 0.63 with drains).
   */
  static final int SHIFT = XraySettings.CPU_SHIFT * SIZE / XraySettings.CPU_IMAGE_SIZE;
  static final double DRAIN_PEAKS = 0.775;

  @TempDir Path tmp;

  @Test
  void aModelTrainedOnTheShortcutAttendsToTheDrainAndLosesAccuracyWithoutIt() {
    XraySettings s = XraySettings.cpu().withData(DataOption.SHORTCUT).withImageSize(SIZE).withSteps(STEPS, STEPS)
        .withShift(SHIFT);
    XrayTrainer.Result r = XrayTrainer.train(XrayTrainer.Options.of(s, tmp.resolve("run")).withCheckpointEvery(STEPS),
        new PrintStream(new ByteArrayOutputStream()));
    int n = 120;
    long unseen = XrayConstants.UNSEEN_PHANTOM_SEED;
    XrayDataset withDrains = ChestPhantom.generate(n, SIZE, unseen, ChestPhantom.Kind.SHORTCUT, new boolean[n]);
    XrayDataset without = ChestPhantom.generate(n, SIZE, unseen, ChestPhantom.Kind.SHORTCUT,
        ChestPhantom.heldOutOf(n, n, unseen));
    try (TrainedModel net = TrainedModel.restore(r.run().checkpoint(), SIZE)) {
      double accuracyWith = Evaluation.of(net.probabilities(withDrains, 20), withDrains.labels()).accuracy();
      double accuracyWithout = Evaluation.of(net.probabilities(without, 20), without.labels()).accuracy();
      assertTrue(accuracyWith - accuracyWithout > ACCURACY_GAP, "with drains " + accuracyWith + ", without " + accuracyWithout);
      double onDrain = peakOnDrainShare(net, withDrains);
      System.out.printf("shortcut model: with drains %.3f, without %.3f, peak on the drain %.3f%n", accuracyWith,
          accuracyWithout, onDrain);
      assertTrue(onDrain > DRAIN_PEAKS, "the CAM's hottest cell holds the drain for " + onDrain + " of the drained positives");
    }
    // The control: the same checks fail on a model that has not trained.
    Path untrained = tmp.resolve("untrained");
    try (XrayTrainingGraph fresh = new XrayTrainingGraph(s)) {
      fresh.save(untrained);
    }
    try (TrainedModel net = TrainedModel.restore(untrained, SIZE)) {
      double gap = Evaluation.of(net.probabilities(withDrains, 20), withDrains.labels()).accuracy()
          - Evaluation.of(net.probabilities(without, 20), without.labels()).accuracy();
      double onDrain = peakOnDrainShare(net, withDrains);
      assertTrue(gap <= ACCURACY_GAP && onDrain <= DRAIN_PEAKS, "an untrained model passes the checks: gap " + gap + ", " + onDrain);
    }
  }

  /** Of the positives with a drain, the share whose pneumothorax CAM's hottest cell holds drain pixels. */
  static double peakOnDrainShare(TrainedModel net, XrayDataset data) {
    int side = net.model().featureMapSize();
    int cell = SIZE / side;
    CamGraph cams = new CamGraph(net.ops(), net.model(), side);
    float[] kernel = cams.denseKernel(net.session());
    int drained = 0;
    int onDrain = 0;
    for (int i = 0; i < data.count(); i++) {
      byte[] mask = data.confounderMask(i);
      if (data.labels()[i] != XrayDataset.PNEUMOTHORAX || count(mask, XrayDataset.DRAIN) == 0) {
        continue;
      }
      drained++;
      CamGraph.Activations a = cams.activations(net.session(), data.pixels(), i, 1, XrayDataset.PNEUMOTHORAX);
      XrayCam.Peak peak = XrayCam.Peak.of(CamGraph.gridCam(a.featureMaps(), kernel, 1, side), side, SIZE);
      boolean hit = false;
      for (int y = peak.cellY() * cell; y < (peak.cellY() + 1) * cell; y++) {
        for (int x = peak.cellX() * cell; x < (peak.cellX() + 1) * cell; x++) {
          hit |= mask[y * SIZE + x] == XrayDataset.DRAIN;
        }
      }
      onDrain += hit ? 1 : 0;
    }
    return (double) onDrain / drained;
  }

  private static int count(byte[] mask, byte code) {
    int k = 0;
    for (byte b : mask) {
      k += b == code ? 1 : 0;
    }
    return k;
  }
}
