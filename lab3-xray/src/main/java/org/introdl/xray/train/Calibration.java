package org.introdl.xray.train;

import org.introdl.xray.data.XrayDataset;

/**
 * How sure the model is and whether its probabilities can be taken at their word. {@code meanConfidence}: the mean
 * of |P - 0.5| over the images (0: every answer a coin flip, 0.5: every answer certain). The reliability of
 * P(pneumothorax): the images grouped into {@code bins} equal-width bins of P, each bin's mean P against the share of
 * its images that have a pneumothorax; {@code expectedCalibrationError} is the mean gap, weighted by the bins' sizes
 * (Naeini et al., "Obtaining Well Calibrated Probabilities Using Bayesian Binning", AAAI 2015). A model can be
 * accurate and badly calibrated (every P near 0.5, or every P at 0 or 1 with mistakes among them).
 *
 * @param counts images per bin
 * @param meanProbability mean P(pneumothorax) of each bin's images (NaN for an empty bin)
 * @param positiveShare share of each bin's images with a pneumothorax (NaN for an empty bin)
 */
public record Calibration(double meanConfidence, double expectedCalibrationError, int[] counts,
    double[] meanProbability, double[] positiveShare) {
  /** Ten bins, 0-0.1, ..., 0.9-1. */
  public static final int BINS = 10;

  public static Calibration of(float[] pneumothoraxProbabilities, int[] labels) {
    return of(pneumothoraxProbabilities, labels, BINS);
  }

  public static Calibration of(float[] p, int[] labels, int bins) {
    if (p.length != labels.length || p.length == 0) {
      throw new IllegalArgumentException(p.length + " probabilities for " + labels.length + " labels");
    }
    int[] counts = new int[bins];
    double[] sumP = new double[bins];
    double[] positives = new double[bins];
    double confidence = 0;
    for (int i = 0; i < p.length; i++) {
      int bin = Math.min(bins - 1, (int) Math.floor(p[i] * bins));
      counts[bin]++;
      sumP[bin] += p[i];
      positives[bin] += labels[i] == XrayDataset.PNEUMOTHORAX ? 1 : 0;
      confidence += Math.abs(p[i] - 0.5);
    }
    double[] meanP = new double[bins];
    double[] share = new double[bins];
    double ece = 0;
    for (int b = 0; b < bins; b++) {
      meanP[b] = counts[b] == 0 ? Double.NaN : sumP[b] / counts[b];
      share[b] = counts[b] == 0 ? Double.NaN : positives[b] / counts[b];
      ece += counts[b] == 0 ? 0 : (double) counts[b] / p.length * Math.abs(meanP[b] - share[b]);
    }
    return new Calibration(confidence / p.length, ece, counts, meanP, share);
  }
}
