package org.introdl.xray.train;

import org.introdl.core.cli.BadOption;
import org.introdl.xray.data.XrayConstants;
import org.introdl.xray.data.DataOption;

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
 * @param flip mirror a random half of each training batch left-right ({@link HorizontalFlips}; the lab does not)
 * @param shift move each training image by up to this many pixels in x and y ({@link RandomShifts}; 0: not moved,
 *     as the lab)
 */
public record XraySettings(String data, int imageSize, int batch, Optimizer optimizer, float lr, float momentum,
    boolean nesterov, LrSchedule lrSchedule, int warmupSteps, float clipNorm, int steps, int evalEvery,
    double heldOut, long seed, boolean flip, int shift) {
  /** The notebook's training cell. */
  public static final int LAB_BATCH = 15;
  public static final float LAB_LEARNING_RATE = 0.05f;
  public static final float LAB_MOMENTUM = 0.9f;
  public static final int LAB_EVAL_EVERY = 10;
  /** A fifth of the images held out. */
  public static final double HELD_OUT_DEFAULT = 0.2;
  public static final int STEPS_DEFAULT = 100;
  /**
   * The CPU preset (measured, see docs/lab3-xray.md "Finding a recipe"): at 64 px a step costs a quarter of one at
   * 128 px, so the main job affords enough steps for the model to become sure; the CAM grid is then 4x4.
   */
  public static final int CPU_IMAGE_SIZE = 64;
  public static final int CPU_BATCH = 16;
  /** Mirrored batch images: the phantoms' lesions lie on either side; measured in docs/lab3-xray.md. */
  public static final boolean CPU_FLIP = true;
  /**
   * Moved batch images, up to this many pixels each way (three quarters of a 16 px CAM cell): the phantoms' patients
   * stand at almost the same place, and without moves the 4x4 map's hottest cell missed the lesion for 29% of the
   * main job's positives (4% with them; measured on three seeds in docs/lab3-xray.md).
   */
  public static final int CPU_SHIFT = 12;
  /** Adam's usual rate; the lab's momentum at 0.004 with linear decay stayed near P = 0.5 for 40 steps. */
  public static final float CPU_LEARNING_RATE = 0.001f;
  /** Steps over which the rate rises linearly from lr / warmup to lr: the first updates from fresh weights are the largest. */
  public static final int CPU_WARMUP_STEPS = 10;
  /** Global-norm clip of the gradient: one outlier batch cannot throw the weights out (the lab's rate diverged). */
  public static final float CPU_CLIP_NORM = 5f;

  /** The update rule: the lab's (Nesterov) momentum, or TF1's Adam. */
  public enum Optimizer { MOMENTUM, ADAM }

  /**
   * The learning rate after the warm-up: {@code CONSTANT} as the lab; {@code LINEAR} decays it linearly, to
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
    BadOption.check(optimizer != null, "--optimizer", "must be MOMENTUM or ADAM");
    BadOption.check(lr > 0 && Float.isFinite(lr), "--lr", "must be a positive number, got " + lr);
    BadOption.check(momentum >= 0 && momentum < 1, "--momentum", "must be in [0, 1), got " + momentum);
    BadOption.check(lrSchedule != null, "--lr-schedule", "must be CONSTANT or LINEAR");
    BadOption.check(warmupSteps >= 0, "--warmup-steps", "must be 0 or more steps, got " + warmupSteps);
    BadOption.check(clipNorm >= 0 && Float.isFinite(clipNorm), "--clip-norm", "must be 0 (no clipping) or a positive"
        + " number, got " + clipNorm);
    BadOption.check(steps >= 1 && steps <= 10_000_000, "--steps", "must be between 1 and 10000000, got " + steps);
    BadOption.check(evalEvery >= 1, "--eval-every", "must be at least 1, got " + evalEvery);
    BadOption.check(shift >= 0 && shift < imageSize, "--shift", "must be 0 (no shift) or a number of pixels below the"
        + " image size, got " + shift);
    BadOption.check(heldOut > 0 && heldOut < 1, "--held-out", "must be a share between 0 and 1 (0.2 holds out a"
        + " fifth), got " + heldOut);
  }

  /** The notebook's settings on the phantoms (they diverge from fresh weights on a CPU run: see the docs). */
  public static XraySettings lab() {
    return new XraySettings(DataOption.SYNTHETIC, XrayConstants.LAB_IMAGE_SIZE, LAB_BATCH, Optimizer.MOMENTUM,
        LAB_LEARNING_RATE, LAB_MOMENTUM, true, LrSchedule.CONSTANT, 0, 0, STEPS_DEFAULT, LAB_EVAL_EVERY, HELD_OUT_DEFAULT,
        1, false, 0);
  }

  /** The CPU preset: 64 px, batch 16, Adam at 0.001 with a warm-up, linear decay, clipping, mirrored and moved images. */
  public static XraySettings cpu() {
    return new XraySettings(DataOption.SYNTHETIC, CPU_IMAGE_SIZE, CPU_BATCH, Optimizer.ADAM, CPU_LEARNING_RATE,
        LAB_MOMENTUM, true, LrSchedule.LINEAR, CPU_WARMUP_STEPS, CPU_CLIP_NORM, STEPS_DEFAULT, LAB_EVAL_EVERY,
        HELD_OUT_DEFAULT, 1, CPU_FLIP, CPU_SHIFT);
  }

  /** The learning rate of step {@code step} (1-based): the warm-up's ramp, then the schedule over the rest. */
  public float learningRate(long step) {
    if (step <= warmupSteps) {
      return lr * step / (warmupSteps + 1);
    }
    return lrSchedule.at(lr, step - warmupSteps, Math.max(1, steps - warmupSteps));
  }

  public XraySettings withData(String d) {
    return new XraySettings(d, imageSize, batch, optimizer, lr, momentum, nesterov, lrSchedule, warmupSteps, clipNorm,
        steps, evalEvery, heldOut, seed, flip, shift);
  }

  public XraySettings withImageSize(int s) {
    return new XraySettings(data, s, batch, optimizer, lr, momentum, nesterov, lrSchedule, warmupSteps, clipNorm,
        steps, evalEvery, heldOut, seed, flip, shift);
  }

  public XraySettings withBatch(int b) {
    return new XraySettings(data, imageSize, b, optimizer, lr, momentum, nesterov, lrSchedule, warmupSteps, clipNorm,
        steps, evalEvery, heldOut, seed, flip, shift);
  }

  public XraySettings withLr(float r, LrSchedule schedule) {
    return new XraySettings(data, imageSize, batch, optimizer, r, momentum, nesterov, schedule, warmupSteps, clipNorm,
        steps, evalEvery, heldOut, seed, flip, shift);
  }

  /** The lab's momentum optimizer with {@code m} (Nesterov or not). */
  public XraySettings withMomentum(float m, boolean useNesterov) {
    return new XraySettings(data, imageSize, batch, Optimizer.MOMENTUM, lr, m, useNesterov, lrSchedule, warmupSteps,
        clipNorm, steps, evalEvery, heldOut, seed, flip, shift);
  }

  public XraySettings withOptimizer(Optimizer o) {
    return new XraySettings(data, imageSize, batch, o, lr, momentum, nesterov, lrSchedule, warmupSteps, clipNorm,
        steps, evalEvery, heldOut, seed, flip, shift);
  }

  public XraySettings withWarmupAndClip(int warmup, float clip) {
    return new XraySettings(data, imageSize, batch, optimizer, lr, momentum, nesterov, lrSchedule, warmup, clip,
        steps, evalEvery, heldOut, seed, flip, shift);
  }

  public XraySettings withSteps(int s, int everyForEval) {
    return new XraySettings(data, imageSize, batch, optimizer, lr, momentum, nesterov, lrSchedule, warmupSteps,
        clipNorm, s, everyForEval, heldOut, seed, flip, shift);
  }

  public XraySettings withHeldOut(double share) {
    return new XraySettings(data, imageSize, batch, optimizer, lr, momentum, nesterov, lrSchedule, warmupSteps,
        clipNorm, steps, evalEvery, share, seed, flip, shift);
  }

  public XraySettings withSeed(long s) {
    return new XraySettings(data, imageSize, batch, optimizer, lr, momentum, nesterov, lrSchedule, warmupSteps,
        clipNorm, steps, evalEvery, heldOut, s, flip, shift);
  }

  public XraySettings withFlip(boolean f) {
    return new XraySettings(data, imageSize, batch, optimizer, lr, momentum, nesterov, lrSchedule, warmupSteps,
        clipNorm, steps, evalEvery, heldOut, seed, f, shift);
  }

  public XraySettings withShift(int pixels) {
    return new XraySettings(data, imageSize, batch, optimizer, lr, momentum, nesterov, lrSchedule, warmupSteps,
        clipNorm, steps, evalEvery, heldOut, seed, flip, pixels);
  }

  /** Images held out of {@code count}: the share, at least 2 (an AUC needs both classes a chance to appear). */
  public int heldOutOf(int count) {
    return Math.max(2, (int) Math.round(heldOut * count));
  }
}
