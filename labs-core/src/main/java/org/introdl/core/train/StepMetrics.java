package org.introdl.core.train;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one training step measured: the batch's loss and accuracy and, at the steps where the held-out set was
 * evaluated, its accuracy and AUC (NaN where not measured: an empty cell in {@code metrics.csv}, a JSON null).
 */
public record StepMetrics(double loss, double accuracy, double heldOutAccuracy, double heldOutAuc) {
  /** The columns of {@code metrics.csv} after {@code step}, in this order. */
  public static final String LOSS = "loss";
  public static final String ACCURACY = "accuracy";
  public static final String HELD_OUT_ACCURACY = "held_out_accuracy";
  public static final String HELD_OUT_AUC = "held_out_auc";

  /** A step without a held-out evaluation. */
  public static StepMetrics of(double loss, double accuracy) {
    return new StepMetrics(loss, accuracy, Double.NaN, Double.NaN);
  }

  public StepMetrics withHeldOut(double heldOutAccuracy, double heldOutAuc) {
    return new StepMetrics(loss, accuracy, heldOutAccuracy, heldOutAuc);
  }

  public boolean hasHeldOut() {
    return !Double.isNaN(heldOutAccuracy);
  }

  /** The row for the metrics files (every column, NaN where not measured). */
  Map<String, Double> row() {
    Map<String, Double> row = new LinkedHashMap<>();
    row.put(LOSS, loss);
    row.put(ACCURACY, accuracy);
    row.put(HELD_OUT_ACCURACY, heldOutAccuracy);
    row.put(HELD_OUT_AUC, heldOutAuc);
    return row;
  }

  /** The short form the progress bar shows: "loss 0.696 acc 0.50 held-out 0.80 AUC 0.91". */
  public String brief() {
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "loss %.3f acc %.2f", loss, accuracy));
    if (hasHeldOut()) {
      s.append(String.format(Locale.ROOT, " held-out %.2f", heldOutAccuracy));
      if (!Double.isNaN(heldOutAuc)) {
        s.append(String.format(Locale.ROOT, " AUC %.2f", heldOutAuc));
      }
    }
    return s.toString();
  }

  /** "loss 0.6960  acc 0.500" and, when measured, "  held-out acc 0.800 AUC 0.912": the bar and the log lines. */
  public String describe() {
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "loss %.4f  acc %.3f", loss, accuracy));
    if (hasHeldOut()) {
      s.append(String.format(Locale.ROOT, "  held-out acc %.3f", heldOutAccuracy));
      if (!Double.isNaN(heldOutAuc)) {
        s.append(String.format(Locale.ROOT, " AUC %.3f", heldOutAuc));
      }
    }
    return s.toString();
  }
}
