package org.introdl.xray.cam;

import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.introdl.core.UserError;
import org.introdl.core.io.AtomicFiles;
import org.introdl.core.tf.ConvolutionPlan;
import org.introdl.core.tf.MeasuredConvolutions;
import org.introdl.xray.data.DataOption;
import org.introdl.xray.data.XrayDataset;
import org.introdl.xray.model.NamedCheckpoint;
import org.introdl.xray.model.TrainedModel;

/**
 * The lab's "Class Activation Maps" cells: for chosen images, the CAM of a class computed in the graph, drawn over
 * the x-ray (one PNG per image) and gathered on a contact sheet with label, prediction and probability. On phantoms
 * it also says whether the CAM's peak falls inside the known lesion.
 */
public final class XrayCam {
  /** The test images whose maps the notebook plots. */
  static final int[] LAB_INDICES = {79, 37, 45, 29, 30};

  private XrayCam() {}

  public record Options(Path checkpoint, String data, int[] indices, int classIndex, int imageSize, Path outDir, long seed) {}

  /**
   * One image's CAM: where it peaks (the centre of its hottest cell, see {@link Peak}) and, for phantoms' positives,
   * whether the hottest cell holds lesion pixels and whether its centre is inside the lesion (null otherwise).
   */
  public record CamImage(int index, int label, float probability, int peakX, int peakY, Boolean cellOnLesion,
      Boolean peakInLesion, Double peakDistanceToLesion, Path png) {}

  /**
   * @param cellOnLesionRate share of phantom positives whose drawn CAM's hottest cell holds lesion pixels
   * @param peakInLesionRate share of phantom positives whose CAM peak (the centre of the hottest cell) is inside the
   *     lesion mask
   * @param peakNearLesionRate share whose peak is within one feature-map cell of the lesion (16 pixels of what the
   *     model reads, scaled to the picture): the CAM is computed on a 16x coarser grid, so this is the finest
   *     localisation it can claim
   */
  public record Result(String dataSource, boolean synthetic, List<CamImage> images, Path contactSheet,
      double cellOnLesionRate, double peakInLesionRate, double peakNearLesionRate) {}

  /**
   * Restores the checkpoint (first: a wrong one fails before any image is read), then draws the maps over the
   * pictures at their own resolution: the model reads them at the size it trained at, and the CAM is upsampled to
   * the picture, as the lab upsamples it to its 256 px.
   */
  public static Result run(Options o, PrintStream out) {
    return run(o, CamStep.LAB, out);
  }

  /** As {@link #run(Options, PrintStream)}, the maps made by {@code camStep} (a student's, with --exercises). */
  public static Result run(Options o, CamStep camStep, PrintStream out) {
    NamedCheckpoint checkpoint = NamedCheckpoint.locate(o.checkpoint(), "xray cam");
    Path prefix = checkpoint.prefix();
    int size = o.imageSize() > 0 ? o.imageSize() : checkpoint.imageSize();
    try (TrainedModel trained = TrainedModel.restore(prefix, size, oneImageAtATime())) {
      boolean given = o.indices() != null && o.indices().length > 0;
      int needed = 1 + Arrays.stream(given ? o.indices() : LAB_INDICES).max().getAsInt();
      XrayDataset pictures = DataOption.loadAtOwnSize(o.data(), o.seed(), needed);
      int[] indices = given ? o.indices() : defaultIndices(pictures);
      XrayDataset chosen = pictures.select(indices);
      out.printf("Data: %s (%dx%d, read by the model at %dx%d)%nCheckpoint: %s%n", pictures.source(), pictures.size(),
          pictures.size(), size, size, prefix);
      AtomicFiles.requireWritableDir(o.outDir());
      return draw(trained, chosen, indices, o.classIndex(), o.outDir(), pictures.source(), camStep);
    }
  }

  /** The convolution kernels measured fastest for one image at a time, as the maps are computed. */
  public static ConvolutionPlan oneImageAtATime() {
    return MeasuredConvolutions.forThisMachine(1, System.err);
  }

  /**
   * Computes and draws the CAMs of {@code pictures} (whose original indices are {@code indices}) with a restored
   * model: the model reads them resized to its own size; the maps are upsampled to the pictures' size.
   */
  public static Result draw(TrainedModel trained, XrayDataset pictures, int[] indices, int classIndex, Path outDir,
      String source) {
    return draw(trained, pictures, indices, classIndex, outDir, source, CamStep.LAB);
  }

  /** As {@link #draw(TrainedModel, XrayDataset, int[], int, Path, String)}, the maps made by {@code camStep}. */
  public static Result draw(TrainedModel trained, XrayDataset pictures, int[] indices, int classIndex, Path outDir,
      String source, CamStep camStep) {
    if (classIndex < 0 || classIndex > 1) {
      throw new UserError("--class must be 0 (no pneumothorax) or 1 (pneumothorax), got " + classIndex);
    }
    int size = pictures.size();
    CamGraph camGraph = new CamGraph(trained.ops(), trained.model(), size, camStep);
    float[] denseKernel = camGraph.denseKernel(trained.session());
    XrayDataset input = pictures.resizedTo(trained.model().imageSize());
    int side = trained.model().featureMapSize();
    // One feature-map cell: 16 pixels of what the model reads, at the pictures' scale.
    double cell = (double) size / side;
    List<CamImage> images = new ArrayList<>();
    List<Heatmap.Panel> panels = new ArrayList<>();
    int cellOn = 0;
    int inside = 0;
    int near = 0;
    int positives = 0;
    for (int k = 0; k < pictures.count(); k++) {
      CamGraph.Activations a = camGraph.activations(trained.session(), input.pixels(), k, 1, classIndex);
      float[] cam = a.cams();
      Peak peak = Peak.of(CamGraph.gridCam(a.featureMaps(), denseKernel, classIndex, side), side, size);
      byte[] mask = pictures.lesionMask(k);
      Boolean inLesion = mask == null || pictures.labels()[k] != XrayDataset.PNEUMOTHORAX ? null : peak.in(mask, size);
      Boolean onLesion = inLesion == null ? null : peak.cellOverlaps(mask, size, side);
      Double distance = inLesion == null ? null : distanceToMask(mask, size, peak.x(), peak.y());
      if (inLesion != null) {
        positives++;
        cellOn += onLesion ? 1 : 0;
        inside += inLesion ? 1 : 0;
        near += distance <= cell ? 1 : 0;
      }
      BufferedImage overlay = Heatmap.outlinePhantom(Heatmap.overlay(pictures.image(k), Heatmap.normalize(cam), size),
          mask, pictures.confounderMask(k), size);
      Path png = Heatmap.writePng(overlay, outDir.resolve(String.format("cam-%03d.png", indices[k])));
      float p = a.probabilities()[XrayDataset.PNEUMOTHORAX];
      images.add(new CamImage(indices[k], pictures.labels()[k], p, peak.x(), peak.y(), onLesion, inLesion, distance,
          png));
      panels.add(new Heatmap.Panel(overlay, String.format("#%d label %s%npred %s  P=%.2f", indices[k],
          pictures.labels()[k] == 1 ? "PTX" : "none", p > 0.5f ? "PTX" : "none", p)));
    }
    String title = String.format("Class Activation Maps of class %d (%s): %s", classIndex,
        classIndex == XrayDataset.PNEUMOTHORAX ? "pneumothorax" : "no pneumothorax", source);
    Path sheet = Heatmap.writePng(Heatmap.contactSheet(title, panels, 5, 160, pictures.isSynthetic()),
        outDir.resolve("cam-sheet.png"));
    double cellRate = positives == 0 ? Double.NaN : (double) cellOn / positives;
    double rate = positives == 0 ? Double.NaN : (double) inside / positives;
    double nearRate = positives == 0 ? Double.NaN : (double) near / positives;
    return new Result(source, pictures.isSynthetic(), images, sheet, cellRate, rate, nearRate);
  }

  /**
   * Where a CAM peaks: the centre of its hottest cell on its own grid ({@code side} x {@code side}), in the pixels of
   * a {@code size} x {@code size} picture.
   */
  public record Peak(int cellX, int cellY, int x, int y) {
    public static Peak of(float[] gridCam, int side, int size) {
      int best = argMax(gridCam);
      double cell = (double) size / side;
      int cx = best % side;
      int cy = best / side;
      return new Peak(cx, cy, (int) ((cx + 0.5) * cell), (int) ((cy + 0.5) * cell));
    }

    /** Whether the peak's pixel is inside {@code mask} (any non-zero code). */
    public boolean in(byte[] mask, int size) {
      return mask[y * size + x] != 0;
    }

    /**
     * Whether the hottest cell itself (its square of the picture, one of {@code side} x {@code side}) holds any pixel
     * of {@code mask}: the finest statement the map can make, since all of a cell's pixels share one value.
     */
    public boolean cellOverlaps(byte[] mask, int size, int side) {
      return cellHolds(mask, size, side, cellX, cellY);
    }
  }

  /** Whether cell ({@code cx}, {@code cy}) of a {@code side} x {@code side} grid over the picture holds a mask pixel. */
  static boolean cellHolds(byte[] mask, int size, int side, int cx, int cy) {
    int x0 = cx * size / side;
    int x1 = (cx + 1) * size / side;
    int y0 = cy * size / side;
    int y1 = (cy + 1) * size / side;
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        if (mask[y * size + x] != 0) {
          return true;
        }
      }
    }
    return false;
  }

  /** The share of the grid's cells that hold a mask pixel: how often a cell picked at random would "hit" it. */
  static double shareOfCellsOnMask(byte[] mask, int size, int side) {
    int on = 0;
    for (int cy = 0; cy < side; cy++) {
      for (int cx = 0; cx < side; cx++) {
        on += cellHolds(mask, size, side, cx, cy) ? 1 : 0;
      }
    }
    return (double) on / (side * side);
  }

  /**
   * Localisation on a data set's positives, four ways (shares of the positives):
   *
   * @param differenceCellOnLesionRate the hottest cell of the class-difference map (pneumothorax CAM minus
   *     no-pneumothorax CAM, the map P responds to) holds lesion pixels: the measure the lab reports
   * @param cellOnLesionRate the same for the hottest cell of the pneumothorax CAM alone
   * @param peakInLesionRate the strict rule: the centre of the pneumothorax CAM's hottest cell is inside the lesion
   *     (a thin band of lesion often holds no cell centre at all)
   * @param peakNearLesionRate that centre is within one cell of the lesion
   * @param chanceCellOnLesionRate the mean share of cells holding lesion pixels: what a cell picked at random scores
   */
  public record Localisation(int positives, double differenceCellOnLesionRate, double cellOnLesionRate,
      double peakInLesionRate, double peakNearLesionRate, double chanceCellOnLesionRate) {}

  /** Where the maps of each positive of {@code data} (phantoms, at any size) peak, against its lesion. */
  public static Localisation localisation(TrainedModel trained, XrayDataset data) {
    int size = data.size();
    CamGraph camGraph = new CamGraph(trained.ops(), trained.model(), trained.model().featureMapSize());
    float[] kernel = camGraph.denseKernel(trained.session());
    XrayDataset input = data.resizedTo(trained.model().imageSize());
    int side = trained.model().featureMapSize();
    double cell = (double) size / side;
    int positives = 0;
    int differenceOn = 0;
    int cellOn = 0;
    int inside = 0;
    int near = 0;
    double chance = 0;
    for (int k = 0; k < data.count(); k++) {
      if (data.labels()[k] != XrayDataset.PNEUMOTHORAX || data.lesionMask(k) == null) {
        continue;
      }
      CamGraph.Activations a = camGraph.activations(trained.session(), input.pixels(), k, 1, XrayDataset.PNEUMOTHORAX);
      Peak peak = Peak.of(CamGraph.gridCam(a.featureMaps(), kernel, XrayDataset.PNEUMOTHORAX, side), side, size);
      Peak differencePeak = Peak.of(CamGraph.gridCamDifference(a.featureMaps(), kernel, side), side, size);
      byte[] mask = data.lesionMask(k);
      positives++;
      differenceOn += differencePeak.cellOverlaps(mask, size, side) ? 1 : 0;
      cellOn += peak.cellOverlaps(mask, size, side) ? 1 : 0;
      inside += peak.in(mask, size) ? 1 : 0;
      near += distanceToMask(mask, size, peak.x(), peak.y()) <= cell ? 1 : 0;
      chance += shareOfCellsOnMask(mask, size, side);
    }
    if (positives == 0) {
      return new Localisation(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    return new Localisation(positives, (double) differenceOn / positives, (double) cellOn / positives,
        (double) inside / positives, (double) near / positives, chance / positives);
  }

  /** The lab's CAM indices (79, 37, 45, 29, 30) where they exist, else the first ten images. */
  static int[] defaultIndices(XrayDataset data) {
    if (Arrays.stream(LAB_INDICES).allMatch(i -> i < data.count())) {
      return LAB_INDICES;
    }
    return java.util.stream.IntStream.range(0, Math.min(10, data.count())).toArray();
  }

  /** Euclidean distance in pixels from (x, y) to the nearest pixel of the mask (0 inside). */
  static double distanceToMask(byte[] mask, int size, int x, int y) {
    double best = Double.POSITIVE_INFINITY;
    for (int i = 0; i < mask.length; i++) {
      if (mask[i] == 1) {
        best = Math.min(best, Math.hypot(i % size - x, i / size - y));
      }
    }
    return best;
  }

  static int argMax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
