package org.introdl.xray.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.introdl.xray.cam.MistakeSheet;
import org.introdl.core.io.AtomicFiles;
import org.introdl.core.tf.MeasuredConvolutions;
import org.introdl.xray.data.DataOption;
import org.introdl.xray.data.XrayDataset;
import org.introdl.xray.model.NamedCheckpoint;
import org.introdl.xray.model.TrainedModel;

/**
 * The lab's "Evaluating the model" cells: predictions on a data set, accuracy, the confusion matrix, the ROC curve and
 * its AUC, the ROC plot as PNG and the numbers as {@code eval.json}.
 */
public final class XrayEvaluator {
  private XrayEvaluator() {}

  public record Options(Path checkpoint, String data, int imageSize, Path outDir, long seed) {}

  public record Result(String dataSource, Path checkpoint, Evaluation evaluation, Path rocPng, Path reliabilityPng,
      MistakeSheet.Result mistakes, Path json) {}

  public static Result run(Options o, PrintStream out) {
    NamedCheckpoint checkpoint = NamedCheckpoint.locate(o.checkpoint(), "xray eval");
    Path prefix = checkpoint.prefix();
    int size = o.imageSize() > 0 ? o.imageSize() : checkpoint.imageSize();
    // The checkpoint first: a wrong one fails before any image is made or read.
    try (TrainedModel net = TrainedModel.restore(prefix, size,
        MeasuredConvolutions.forThisMachine(XrayTrainer.EVAL_BATCH, System.err))) {
      XrayDataset data = DataOption.load(o.data(), size, o.seed());
      out.printf("Data: %s (%d images, %d with pneumothorax, %dx%d)%nCheckpoint: %s%n", data.source(), data.count(),
          data.positives(), size, size, prefix);
      AtomicFiles.requireWritableDir(o.outDir());
      Evaluation e = Evaluation.of(net.probabilities(data, XrayTrainer.EVAL_BATCH), data.labels());
      Path png = e.roc() == null ? null : rocPlot(e.roc(), o.outDir().resolve("roc.png"), data.source());
      Path reliability = reliabilityPlot(e, o.outDir(), data.source());
      MistakeSheet.Result mistakes = MistakeSheet.write(net, data, IntStream.range(0, data.count()).toArray(),
          e.probabilities(), o.outDir(), data.source());
      Path json = writeJson(e, o.outDir().resolve("eval.json"), data.source(), prefix);
      return new Result(data.source(), prefix, e, png, reliability, mistakes, json);
    }
  }

  /** The ROC plot (see {@link RocChart}). */
  public static Path rocPlot(RocCurve roc, Path png, String source) {
    return RocChart.write(roc, source, png);
  }

  /** The reliability diagram ({@link ReliabilityChart}) as {@code reliability.png} in {@code outDir}. */
  public static Path reliabilityPlot(Evaluation e, Path outDir, String source) {
    return ReliabilityChart.write(e.calibration(), source, outDir.resolve("reliability.png"));
  }

  static Path writeJson(Evaluation e, Path file, String source, Path checkpoint) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("data", source);
    json.put("checkpoint", checkpoint.toString());
    json.put("images", e.count());
    json.put("accuracy", e.accuracy());
    json.put("auc", Double.isNaN(e.auc()) ? null : e.auc());
    json.put("confusion", Map.of("trueNegatives", e.confusion()[0][0], "falsePositives", e.confusion()[0][1],
        "falseNegatives", e.confusion()[1][0], "truePositives", e.confusion()[1][1]));
    if (e.roc() != null) {
      json.put("roc", Map.of("fpr", e.roc().falsePositiveRates(), "tpr", e.roc().truePositiveRates()));
    }
    Calibration c = e.calibration();
    json.put("meanConfidence", c.meanConfidence());
    json.put("expectedCalibrationError", c.expectedCalibrationError());
    json.put("probabilities", e.probabilities());
    try {
      AtomicFiles.writeString(file, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
    } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
    return file;
  }

  /** Prints the lab's summary of an evaluation. */
  public static void print(Evaluation e, PrintStream out) {
    // The lab prints "Accuracy = %2.2f%%".
    out.printf("Accuracy = %2.2f%% (%d images)%n", 100 * e.accuracy(), e.count());
    out.print(e.confusionTable());
    out.println(Double.isNaN(e.auc()) ? "AUC: undefined (only one class in the data)" : String.format("AUC: %.3f", e.auc()));
    Calibration c = e.calibration();
    out.printf(java.util.Locale.ROOT, "Sure: mean |P - 0.5| = %.3f (0: coin flips, 0.5: certain); calibration error"
        + " (ECE, %d bins) = %.3f%n", c.meanConfidence(), c.counts().length, c.expectedCalibrationError());
  }
}
