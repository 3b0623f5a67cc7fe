package org.introdl.core.train;

import org.introdl.core.UserError;

/** Stops a run whose loss is no longer a number, before a bad step can reach a checkpoint. */
public final class TrainingGuard {
  private TrainingGuard() {}

  /** Throws a {@link UserError} naming the step when {@code loss} is NaN or infinite. */
  public static void checkFinite(long step, double loss) {
    if (Double.isNaN(loss) || Double.isInfinite(loss)) {
      throw new UserError("loss became " + (Double.isNaN(loss) ? "NaN" : "infinite") + " at step " + step
          + "; stopped, the last good checkpoint is kept (try a lower --lr)");
    }
  }
}
