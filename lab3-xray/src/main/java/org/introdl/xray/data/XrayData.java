package org.introdl.xray.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.introdl.core.UserError;

/** What {@code --data} names: {@code synthetic}, a lab-format {@code .h5} file, or a folder of x-rays with labels. */
public final class XrayData {
  /** The {@code --data} value for the offline phantoms. */
  public static final String SYNTHETIC = "synthetic";
  /** Phantoms generated for {@code --data synthetic}. */
  public static final int SYNTHETIC_COUNT = 400;

  private XrayData() {}

  /** Loads {@code spec} at {@code imageSize} x {@code imageSize}. */
  public static XrayDataset load(String spec, int imageSize, long seed) {
    if (spec.equalsIgnoreCase(SYNTHETIC)) {
      return ChestPhantom.generate(SYNTHETIC_COUNT, imageSize, seed);
    }
    return read(spec, imageSize).resizedTo(imageSize);
  }

  /** Loads {@code spec} at its own resolution (files as stored, the phantoms drawn at the lab's 256 px). */
  public static XrayDataset loadAtOwnSize(String spec, long seed) {
    int labSize = 256;
    if (spec.equalsIgnoreCase(SYNTHETIC)) {
      return ChestPhantom.generate(SYNTHETIC_COUNT, labSize, seed);
    }
    return read(spec, 16); // any size the model can read; a folder's images are converted to 256 px
  }

  private static XrayDataset read(String spec, int imageSize) {
    Path path = Path.of(spec);
    XrayDataset data;
    if (Files.isRegularFile(path) && spec.toLowerCase(Locale.ROOT).matches(".*\\.(h5|hdf5)$")) {
      data = XrayH5Dataset.read(path);
    } else if (Files.isDirectory(path) || (Files.isRegularFile(path) && spec.toLowerCase(Locale.ROOT).endsWith(".csv"))) {
      data = XrayFolderDataset.read(path, Math.max(imageSize, 256));
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
