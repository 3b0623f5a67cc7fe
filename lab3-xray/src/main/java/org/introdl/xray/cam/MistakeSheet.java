package org.introdl.xray.cam;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.introdl.core.io.AtomicFiles;
import org.introdl.xray.data.XrayDataset;
import org.introdl.xray.model.TrainedModel;

/**
 * The sheet the lab's discussion starts from: the held-out x-rays the model got wrong, the most confident mistakes
 * first (up to {@link #MAX_MISTAKES}), then for contrast the {@link #CONTRAST} most and least confident right
 * answers. Each as three panels: the x-ray (for phantoms with the lesion outlined in white and the confounders in
 * colour), the CAM of "pneumothorax" and the CAM of "no pneumothorax". {@code mistakes.png} and
 * {@code mistakes.csv}, one line per image shown.
 */
public final class MistakeSheet {
  /** Mistakes shown: with the contrast rows, about one page. */
  public static final int MAX_MISTAKES = 12;
  /** Right answers shown at each end of the confidence scale. */
  public static final int CONTRAST = 2;
  static final int TILE = 160;
  static final int ENTRIES_PER_ROW = 2;

  private MistakeSheet() {}

  /** Why an image is on the sheet. */
  public enum Kind {
    MISTAKE("wrong"), SURE_RIGHT("right, sure"), UNSURE_RIGHT("right, unsure");

    final String words;

    Kind(String words) {
      this.words = words;
    }
  }

  /**
   * One image on the sheet. {@code index}: its index in the data set the user named ({@code --index} of
   * {@code xray cam}); {@code peak}: the centre of the hottest cell of the pneumothorax CAM, in the picture's pixels;
   * {@code peakInLesion}, {@code peakOnConfounder}: for phantoms (null for real x-rays), whether that pixel is in the
   * lesion, on a drain, lead or marker.
   */
  public record Entry(Kind kind, int index, int label, float probability, XrayCam.Peak peak, Boolean peakInLesion,
      Boolean peakOnConfounder) {
    public int predicted() {
      return probability > 0.5f ? XrayDataset.PNEUMOTHORAX : 0;
    }

    public double confidence() {
      return Math.abs(probability - 0.5);
    }
  }

  public record Result(List<Entry> entries, int mistakes, Path png, Path csv) {}

  /**
   * Which images go on the sheet, in order: mistakes by falling confidence (at most {@link #MAX_MISTAKES}), then the
   * {@link #CONTRAST} surest right answers, then the {@link #CONTRAST} least sure.
   */
  static List<int[]> choose(float[] probabilities, int[] labels) {
    Comparator<Integer> surestFirst = Comparator.comparingDouble(i -> -Math.abs(probabilities[i] - 0.5));
    List<Integer> wrong = new ArrayList<>();
    List<Integer> right = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      boolean predictedPositive = probabilities[i] > 0.5f;
      (predictedPositive == (labels[i] == XrayDataset.PNEUMOTHORAX) ? right : wrong).add(i);
    }
    wrong.sort(surestFirst);
    right.sort(surestFirst);
    List<int[]> chosen = new ArrayList<>();
    wrong.stream().limit(MAX_MISTAKES).forEach(i -> chosen.add(new int[] {Kind.MISTAKE.ordinal(), i}));
    right.stream().limit(CONTRAST).forEach(i -> chosen.add(new int[] {Kind.SURE_RIGHT.ordinal(), i}));
    int unsureFrom = Math.max(Math.min(CONTRAST, right.size()), right.size() - CONTRAST);
    for (int k = right.size() - 1; k >= unsureFrom; k--) {
      chosen.add(new int[] {Kind.UNSURE_RIGHT.ordinal(), right.get(k)});
    }
    return chosen;
  }

  /**
   * Draws the sheet of {@code data} (images the model reads at its size; {@code ids[i]} is image i's index to show)
   * with the model's {@code probabilities}, into {@code outDir}.
   */
  public static Result write(TrainedModel trained, XrayDataset data, int[] ids, float[] probabilities, Path outDir,
      String source) {
    int size = data.size();
    CamGraph camGraph = new CamGraph(trained.ops(), trained.model(), size);
    float[] kernel = camGraph.denseKernel(trained.session());
    XrayDataset input = data.resizedTo(trained.model().imageSize());
    int side = trained.model().featureMapSize();
    List<Entry> entries = new ArrayList<>();
    List<Heatmap.Panel> panels = new ArrayList<>();
    for (int[] choice : choose(probabilities, data.labels())) {
      Kind kind = Kind.values()[choice[0]];
      int i = choice[1];
      CamGraph.BothClasses maps = camGraph.bothClasses(trained.session(), input.pixels(), i, 1);
      float p = maps.probabilities()[XrayDataset.PNEUMOTHORAX];
      XrayCam.Peak peak = XrayCam.Peak.of(CamGraph.gridCam(maps.featureMaps(), kernel, XrayDataset.PNEUMOTHORAX, side),
          side, size);
      byte[] lesion = data.lesionMask(i);
      byte[] confounders = data.confounderMask(i);
      Entry e = new Entry(kind, ids[i], data.labels()[i], p, peak, lesion == null ? null : peak.in(lesion, size),
          confounders == null ? null : peak.in(confounders, size));
      entries.add(e);
      float[] image = data.image(i);
      panels.add(new Heatmap.Panel(Heatmap.outlinePhantom(Heatmap.gray(image, size), lesion, confounders, size),
          String.format(Locale.ROOT, "#%d %s%nP(PTX) = %.2f, %s", e.index(), e.label() == 1 ? "PTX" : "no PTX", p,
          kind.words)));
      panels.add(new Heatmap.Panel(Heatmap.outlinePhantom(
          Heatmap.overlay(image, Heatmap.normalize(maps.pneumothorax()), size), lesion, confounders, size),
          "CAM: pneumothorax" + peakNote(e)));
      panels.add(new Heatmap.Panel(Heatmap.outlinePhantom(
          Heatmap.overlay(image, Heatmap.normalize(maps.noPneumothorax()), size), lesion, confounders, size),
          "CAM: no pneumothorax"));
    }
    int mistakes = (int) entries.stream().filter(e -> e.kind() == Kind.MISTAKE).count();
    long totalWrong = IntStream.range(0, probabilities.length)
        .filter(i -> (probabilities[i] > 0.5f) != (data.labels()[i] == XrayDataset.PNEUMOTHORAX)).count();
    String title = String.format(Locale.ROOT, "%d of %d wrong (%d shown, surest first), then right answers: %s",
        totalWrong, probabilities.length, mistakes, source);
    Path png = Heatmap.writePng(panels.isEmpty() ? new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB)
        : Heatmap.contactSheet(title, panels, 3 * ENTRIES_PER_ROW, TILE, data.isSynthetic()),
        outDir.resolve("mistakes.png"));
    Path csv = outDir.resolve("mistakes.csv");
    AtomicFiles.writeString(csv, csv(entries));
    return new Result(entries, mistakes, png, csv);
  }

  private static String peakNote(Entry e) {
    if (e.peakInLesion() == null) {
      return "";
    }
    return e.peakOnConfounder() ? "\npeak on a confounder" : e.peakInLesion() ? "\npeak in the lesion" : "";
  }

  static String csv(List<Entry> entries) {
    StringBuilder b = new StringBuilder("kind,index,label,predicted,p_pneumothorax,confidence,cam_peak_x,cam_peak_y,"
        + "peak_in_lesion,peak_on_confounder\n");
    for (Entry e : entries) {
      b.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%.4f,%.4f,%d,%d,%s,%s%n", e.kind().name().toLowerCase(Locale.ROOT),
          e.index(), e.label(), e.predicted(), e.probability(), e.confidence(), e.peak().x(), e.peak().y(),
          e.peakInLesion() == null ? "" : e.peakInLesion(), e.peakOnConfounder() == null ? "" : e.peakOnConfounder()));
    }
    return b.toString();
  }
}
