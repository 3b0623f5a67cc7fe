package org.introdl.xray.data;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.introdl.core.UserError;

/**
 * The lab's data format: an HDF5 file with dataset {@code image} (N, S, S, 1), uint8 or float, values 0-255, and
 * dataset {@code label} (N, 2) one-hot, index 1 = pneumothorax. Anything else is a one-line {@link UserError}.
 */
public final class XrayH5Dataset {
  /** Largest image tensor we agree to load (elements); a hostile header cannot make us allocate more. */
  static final long MAX_ELEMENTS = 512L * 1024 * 1024 / 4;

  private XrayH5Dataset() {}

  /** Reads {@code file}; the images must be square. */
  public static XrayDataset read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw UserError.inFile(file, "no such file");
    }
    try (HdfFile h5 = new HdfFile(file)) {
      Dataset image = dataset(h5, file, "image");
      Dataset label = dataset(h5, file, "label");
      int[] imageDims = image.getDimensions();
      int[] labelDims = label.getDimensions();
      checkImageShape(file, imageDims);
      if (labelDims.length != 2 || labelDims[1] != 2) {
        throw UserError.inFile(file, "dataset 'label' has shape " + Arrays.toString(labelDims) + ", expected (N, 2) one-hot");
      }
      if (labelDims[0] != imageDims[0]) {
        throw UserError.inFile(file, "'image' has " + imageDims[0] + " images but 'label' has " + labelDims[0] + " rows");
      }
      checkElementType(file, "image", image.getDataType());
      checkElementType(file, "label", label.getDataType());
      float[] pixels = flatFloats(file, "image", image.getDataFlat());
      float[] oneHot = flatFloats(file, "label", label.getDataFlat());
      int[] labels = labelsFromOneHot(file, oneHot);
      return new XrayDataset(file.toString(), imageDims[1], pixels, labels, null);
    } catch (UserError e) {
      throw e;
    } catch (RuntimeException e) {
      throw UserError.inFile(file, "not a readable HDF5 file (" + firstLine(e) + ")");
    }
  }

  private static Dataset dataset(HdfFile h5, Path file, String key) {
    Node node = h5.getChildren().get(key);
    if (node == null) {
      throw UserError.inFile(file, "no dataset '" + key + "' (found: " + String.join(", ", h5.getChildren().keySet()) + ")");
    }
    if (!(node instanceof Dataset dataset)) {
      throw UserError.inFile(file, "'" + key + "' is a group, expected a dataset");
    }
    return dataset;
  }

  private static void checkImageShape(Path file, int[] dims) {
    String shape = Arrays.toString(dims);
    if (dims.length != 4 || dims[3] != 1) {
      throw UserError.inFile(file, "dataset 'image' has shape " + shape + ", expected (N, S, S, 1)");
    }
    if (dims[1] != dims[2] || dims[1] < 16 || dims[1] % 16 != 0) {
      throw UserError.inFile(file, "dataset 'image' has shape " + shape + ": images must be square with a side that is a multiple of 16");
    }
    if (dims[0] == 0) {
      throw UserError.inFile(file, "dataset 'image' is empty");
    }
    long elements = (long) dims[0] * dims[1] * dims[2];
    if (elements > MAX_ELEMENTS) {
      throw UserError.inFile(file, "dataset 'image' has " + elements + " values, more than the " + MAX_ELEMENTS + " this reader loads");
    }
  }

  private static void checkElementType(Path file, String key, DataType type) {
    if (type instanceof FixedPoint fixed && !fixed.isSigned() && fixed.getSize() == 1) {
      return;
    }
    if (type instanceof FloatingPoint && (type.getSize() == 4 || type.getSize() == 8)) {
      return;
    }
    String found = type instanceof FixedPoint fixed
        ? (fixed.isSigned() ? "int" : "uint") + (8 * type.getSize())
        : type.getClass().getSimpleName() + " (" + type.getSize() + " bytes)";
    throw UserError.inFile(file, "dataset '" + key + "' has type " + found + ", expected uint8, float32 or float64");
  }

  private static float[] flatFloats(Path file, String key, Object flat) {
    int n = Array.getLength(flat);
    float[] out = new float[n];
    if (flat instanceof int[] ints) {
      for (int i = 0; i < n; i++) {
        out[i] = ints[i];
      }
    } else if (flat instanceof short[] shorts) {
      for (int i = 0; i < n; i++) {
        out[i] = shorts[i] & 0xFF;
      }
    } else if (flat instanceof float[] floats) {
      System.arraycopy(floats, 0, out, 0, n);
    } else if (flat instanceof double[] doubles) {
      for (int i = 0; i < n; i++) {
        out[i] = (float) doubles[i];
      }
    } else {
      throw UserError.inFile(file, "dataset '" + key + "' holds " + flat.getClass().getSimpleName() + " values");
    }
    for (int i = 0; i < n; i++) {
      if (!Float.isFinite(out[i])) {
        throw UserError.inFile(file, "dataset '" + key + "' holds a non-finite value at flat index " + i);
      }
    }
    return out;
  }

  private static int[] labelsFromOneHot(Path file, float[] oneHot) {
    int[] labels = new int[oneHot.length / 2];
    for (int i = 0; i < labels.length; i++) {
      float no = oneHot[2 * i];
      float yes = oneHot[2 * i + 1];
      if (!((no == 1 && yes == 0) || (no == 0 && yes == 1))) {
        throw UserError.inFile(file, "label row " + i + " is [" + no + ", " + yes + "], not one-hot");
      }
      labels[i] = yes == 1 ? XrayDataset.PNEUMOTHORAX : 0;
    }
    return labels;
  }

  private static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.lines().findFirst().orElse(m);
  }
}
