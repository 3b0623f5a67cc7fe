package org.introdl.xray.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The ROC curve of scores against 0/1 labels (the lab's {@code sklearn.metrics.roc_curve} / {@code auc}): one point
 * per distinct threshold, from (0, 0) to (1, 1), tied scores moving both rates at once; AUC by the trapezoid rule,
 * which equals the probability that a random positive scores above a random negative (ties counting half).
 */
public record RocCurve(double[] falsePositiveRates, double[] truePositiveRates, double[] thresholds, double auc) {
  public static RocCurve of(float[] scores, int[] labels) {
    if (scores.length != labels.length) {
      throw new IllegalArgumentException(scores.length + " scores for " + labels.length + " labels");
    }
    long positives = Arrays.stream(labels).filter(l -> l == 1).count();
    long negatives = labels.length - positives;
    if (positives == 0 || negatives == 0) {
      throw new IllegalArgumentException("ROC needs both classes; got " + positives + " positives and " + negatives + " negatives");
    }
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
    List<double[]> points = new ArrayList<>();
    points.add(new double[] {0, 0, Double.POSITIVE_INFINITY});
    long tp = 0;
    long fp = 0;
    for (int k = 0; k < order.length; k++) {
      if (labels[order[k]] == 1) {
        tp++;
      } else {
        fp++;
      }
      boolean lastOfTie = k == order.length - 1 || scores[order[k + 1]] != scores[order[k]];
      if (lastOfTie) {
        points.add(new double[] {(double) fp / negatives, (double) tp / positives, scores[order[k]]});
      }
    }
    double[] fpr = points.stream().mapToDouble(p -> p[0]).toArray();
    double[] tpr = points.stream().mapToDouble(p -> p[1]).toArray();
    double[] thr = points.stream().mapToDouble(p -> p[2]).toArray();
    double auc = 0;
    for (int i = 1; i < fpr.length; i++) {
      auc += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2;
    }
    return new RocCurve(fpr, tpr, thr, auc);
  }
}
