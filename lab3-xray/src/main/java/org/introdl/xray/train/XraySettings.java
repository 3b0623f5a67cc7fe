package org.introdl.xray.train;

import org.introdl.core.cli.BadOption;
import org.introdl.xray.data.XrayData;

/**
 * Everything that makes an x-ray training run, in one place: the notebook's settings ({@link #lab()}: 256 px,
 * batch 15, momentum 0.9 with Nesterov, learning rate 0.05) and the CPU preset ({@link #cpu()}). Each component is
 * named as its command-line option ({@code imageSize} is {@code --image-size}); {@code run.json} records them, and a
 * resumed run takes them from there.
 *
 * @param data an .h5 file, a folder of x-rays with labels.csv, or {@code synthetic} (the offline phantoms)
 * @param heldOut the share of the images held out for the held-out accuracy and AUC
 * @param evalEvery held-out evaluation every N steps (the notebook tests every 10)
 * @param seed initial weights, phantoms, the held-out split and the batches
 */
public record XraySettings(String data, int imageSize, int batch, float lr, float momentum, boolean nesterov,
    LrSchedule lrSchedule, int steps, int evalEvery, double heldOut, long seed) {
  /** The notebook's training cell. */
  public static final int LAB_IMAGE_SIZE = 256;
  public static final int LAB_BATCH = 15;
  public static final float LAB_LEARNING_RATE = 0.05f;
  public static final float LAB_MOMENTUM = 0.9f;
  public static final int LAB_EVAL_EVERY = 10;
  /** A fifth of the images held out. */
  public static final double HELD_OUT_DEFAULT = 0.2;
  public static final int STEPS_DEFAULT = 100;
  /**
   * The CPU preset's rate, below the lab's 0.05: from fresh Glorot weights the lab's rate diverged here (NaN by step
   * 20 at 0.02, a blow-up at 0.05); 0.004 with linear decay trains steadily.
   */
  public static final float CPU_LEARNING_RATE = 0.004f;
  public static final int CPU_IMAGE_SIZE = 128;
  public static final int CPU_BATCH = 8;

  /**
   * The learning rate over the run: {@code CONSTANT} as the lab; {@code LINEAR} decays it linearly, to
   * {@code base / steps} at the last step, which settles the momentum's swing of all logits together so that a short
   * run ends calibrated.
   */
  public enum LrSchedule {
    CONSTANT, LINEAR;

    public float at(float base, long step, long steps) {
      return this == CONSTANT ? base : (float) (base * (1.0 - (double) (step - 1) / steps));
    }
  }

  public XraySettings {
    BadOption.check(data != null && !data.isBlank(), "--data", "must name an .h5 file, a folder or 'synthetic'");
    BadOption.check(imageSize >= 16 && imageSize % 16 == 0 && imageSize <= 1024, "--image-size",
        "must be a multiple of 16 between 16 and 1024, got " + imageSize);
    BadOption.check(batch >= 1 && batch <= 4096, "--batch", "must be between 1 and 4096, got " + batch);
    BadOption.check(lr > 0 && Float.isFinite(lr), "--lr", "must be a positive number, got " + lr);
    BadOption.check(momentum >= 0 && momentum < 1, "--momentum", "must be in [0, 1), got " + momentum);
    BadOption.check(lrSchedule != null, "--lr-schedule", "must be CONSTANT or LINEAR");
    BadOption.check(steps >= 1 && steps <= 10_000_000, "--steps", "must be between 1 and 10000000, got " + steps);
    BadOption.check(evalEvery >= 1, "--eval-every", "must be at least 1, got " + evalEvery);
    BadOption.check(heldOut > 0 && heldOut < 1, "--held-out", "must be a share between 0 and 1 (0.2 holds out a"
        + " fifth), got " + heldOut);
  }

  /** The notebook's settings on the phantoms (they diverge from fresh weights on a CPU run: see the docs). */
  public static XraySettings lab() {
    return new XraySettings(XrayData.SYNTHETIC, LAB_IMAGE_SIZE, LAB_BATCH, LAB_LEARNING_RATE, LAB_MOMENTUM, true,
        LrSchedule.CONSTANT, STEPS_DEFAULT, LAB_EVAL_EVERY, HELD_OUT_DEFAULT, 1);
  }

  /** The CPU preset: 128 px, batch 8, lr 0.004 decaying linearly (trains in minutes on 2 cores). */
  public static XraySettings cpu() {
    return new XraySettings(XrayData.SYNTHETIC, CPU_IMAGE_SIZE, CPU_BATCH, CPU_LEARNING_RATE, LAB_MOMENTUM, true,
        LrSchedule.LINEAR, STEPS_DEFAULT, LAB_EVAL_EVERY, HELD_OUT_DEFAULT, 1);
  }

  public XraySettings withData(String d) {
    return new XraySettings(d, imageSize, batch, lr, momentum, nesterov, lrSchedule, steps, evalEvery, heldOut, seed);
  }

  public XraySettings withImageSize(int s) {
    return new XraySettings(data, s, batch, lr, momentum, nesterov, lrSchedule, steps, evalEvery, heldOut, seed);
  }

  public XraySettings withBatch(int b) {
    return new XraySettings(data, imageSize, b, lr, momentum, nesterov, lrSchedule, steps, evalEvery, heldOut, seed);
  }

  public XraySettings withLr(float r, LrSchedule schedule) {
    return new XraySettings(data, imageSize, batch, r, momentum, nesterov, schedule, steps, evalEvery, heldOut, seed);
  }

  public XraySettings withMomentum(float m, boolean useNesterov) {
    return new XraySettings(data, imageSize, batch, lr, m, useNesterov, lrSchedule, steps, evalEvery, heldOut, seed);
  }

  public XraySettings withSteps(int s, int everyForEval) {
    return new XraySettings(data, imageSize, batch, lr, momentum, nesterov, lrSchedule, s, everyForEval, heldOut, seed);
  }

  public XraySettings withHeldOut(double share) {
    return new XraySettings(data, imageSize, batch, lr, momentum, nesterov, lrSchedule, steps, evalEvery, share, seed);
  }

  public XraySettings withSeed(long s) {
    return new XraySettings(data, imageSize, batch, lr, momentum, nesterov, lrSchedule, steps, evalEvery, heldOut, s);
  }

  /** Images held out of {@code count}: the share, at least 2 (an AUC needs both classes a chance to appear). */
  public int heldOutOf(int count) {
    return Math.max(2, (int) Math.round(heldOut * count));
  }
}
