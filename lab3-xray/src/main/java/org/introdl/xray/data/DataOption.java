package org.introdl.xray.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.IntUnaryOperator;
import org.introdl.core.UserError;

/**
 * What {@code --data} names: {@code synthetic} (or {@code synthetic:shortcut}), a lab-format {@code .h5} file, a
 * folder of x-rays with labels, or NIH ChestX-ray14 as downloaded ({@link NihChestXray14}).
 */
public final class DataOption {
  /** The {@code --data} value for the offline phantoms. */
  public static final String SYNTHETIC = "synthetic";
  /** The phantoms with a chest drain in most training positives and in no held-out image. */
  public static final String SHORTCUT = "synthetic:shortcut";
  /**
   * Phantoms generated for {@code --data synthetic}: 640 to train on, so that the main job's 100 steps of 16 see
   * each about 2.5 times (with 400, 5 times, and the model learnt them by heart: see docs/lab3-xray.md).
   */
  public static final int SYNTHETIC_COUNT = 800;

  private DataOption() {}

  /** Loads {@code spec} at {@code imageSize} x {@code imageSize}, every image held out (an evaluation's data). */
  public static XrayDataset load(String spec, int imageSize, long seed) {
    return load(spec, imageSize, seed, n -> n);
  }

  /**
   * Loads {@code spec} at {@code imageSize} x {@code imageSize}; a run holds out {@code heldOutOf.applyAsInt(n)} of
   * its {@code n} images with {@link XrayDataset#split}, which the shortcut phantoms keep free of the drain.
   */
  public static XrayDataset load(String spec, int imageSize, long seed, IntUnaryOperator heldOutOf) {
    if (isSynthetic(spec)) {
      return phantoms(spec, imageSize, seed, heldOutOf);
    }
    if (NihChestXray14.isLayout(Path.of(spec))) {
      return NihChestXray14.read(Path.of(spec), imageSize, seed, heldOutOf);
    }
    return read(spec, imageSize).resizedTo(imageSize);
  }

  /**
   * Loads {@code spec} at its own resolution (files as stored, the phantoms drawn at the lab's 256 px). Of the
   * phantoms only the first {@code needed} are drawn: image i depends on the seed and i alone, and drawing all of
   * them at 256 px takes most of a minute.
   */
  public static XrayDataset loadAtOwnSize(String spec, long seed, int needed) {
    if (isSynthetic(spec)) {
      int n = Math.max(1, Math.min(SYNTHETIC_COUNT, needed));
      return ChestPhantom.generate(n, XrayConstants.LAB_IMAGE_SIZE, seed, kind(spec),
          ChestPhantom.heldOutOf(n, n, seed));
    }
    if (NihChestXray14.isLayout(Path.of(spec))) {
      return NihChestXray14.read(Path.of(spec), XrayConstants.LAB_IMAGE_SIZE, seed, n -> n);
    }
    return read(spec, 16); // any size the model can read; a folder's images are converted to the lab's 256 px
  }

  /** {@code synthetic} or {@code synthetic:shortcut}. */
  public static boolean isSynthetic(String spec) {
    return spec.equalsIgnoreCase(SYNTHETIC) || spec.equalsIgnoreCase(SHORTCUT);
  }

  private static XrayDataset phantoms(String spec, int size, long seed, IntUnaryOperator heldOutOf) {
    int n = SYNTHETIC_COUNT;
    return ChestPhantom.generate(n, size, seed, kind(spec), ChestPhantom.heldOutOf(n, heldOutOf.applyAsInt(n), seed));
  }

  private static ChestPhantom.Kind kind(String spec) {
    return spec.equalsIgnoreCase(SHORTCUT) ? ChestPhantom.Kind.SHORTCUT : ChestPhantom.Kind.VARIED;
  }

  private static XrayDataset read(String spec, int imageSize) {
    Path path = Path.of(spec);
    XrayDataset data;
    if (Files.isRegularFile(path) && spec.toLowerCase(Locale.ROOT).matches(".*\\.(h5|hdf5)$")) {
      data = XrayH5Dataset.read(path);
    } else if (Files.isDirectory(path) || (Files.isRegularFile(path) && spec.toLowerCase(Locale.ROOT).endsWith(".csv"))) {
      data = XrayFolderDataset.read(path, Math.max(imageSize, XrayConstants.LAB_IMAGE_SIZE));
    } else if (Files.exists(path)) {
      throw UserError.inFile(path, "expected an .h5 file, a folder with labels.csv, or 'synthetic'");
    } else {
      throw UserError.inFile(path, "no such file or folder (use an .h5 file, a folder of x-rays, or 'synthetic')");
    }
    if (data.size() < imageSize) {
      throw UserError.inFile(path, "images are " + data.size() + "x" + data.size() + ", smaller than --image-size " + imageSize);
    }
    return data;
  }
}
