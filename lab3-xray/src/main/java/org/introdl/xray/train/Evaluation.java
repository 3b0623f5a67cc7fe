package org.introdl.xray.train;

import org.introdl.xray.data.XrayDataset;

/**
 * How well the model separates the classes on a data set: accuracy at the lab's rule (predict the arg-max class,
 * i.e. P(pneumothorax) > 0.5), the confusion matrix and the ROC curve of P(pneumothorax).
 *
 * @param confusion [actual][predicted]: [0][0] true negatives, [0][1] false positives, [1][0] false negatives,
 *     [1][1] true positives
 */
public record Evaluation(int count, double accuracy, long[][] confusion, RocCurve roc, float[] probabilities,
    int[] labels) {
  public static Evaluation of(float[] pneumothoraxProbabilities, int[] labels) {
    long[][] confusion = new long[2][2];
    for (int i = 0; i < labels.length; i++) {
      int predicted = pneumothoraxProbabilities[i] > 0.5f ? XrayDataset.PNEUMOTHORAX : 0;
      confusion[labels[i]][predicted]++;
    }
    double accuracy = (double) (confusion[0][0] + confusion[1][1]) / labels.length;
    boolean bothClasses = confusion[0][0] + confusion[0][1] > 0 && confusion[1][0] + confusion[1][1] > 0;
    RocCurve roc = bothClasses ? RocCurve.of(pneumothoraxProbabilities, labels) : null;
    return new Evaluation(labels.length, accuracy, confusion, roc, pneumothoraxProbabilities, labels.clone());
  }

  /** AUC, or NaN when the data holds only one class. */
  public double auc() {
    return roc == null ? Double.NaN : roc.auc();
  }

  /** How sure the model is (mean |P - 0.5|) and how calibrated (ECE, the reliability bins). */
  public Calibration calibration() {
    return Calibration.of(probabilities, labels());
  }

  /** The confusion matrix as lines of text. */
  public String confusionTable() {
    return String.format("                 predicted no  predicted yes%n"
        + "  no pneumothorax %12d %14d%n"
        + "  pneumothorax    %12d %14d%n", confusion[0][0], confusion[0][1], confusion[1][0], confusion[1][1]);
  }
}
