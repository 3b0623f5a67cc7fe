package org.introdl.xray.data;

import java.awt.Image;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.introdl.core.UserError;

/**
 * A folder of PNG/JPEG chest x-rays plus a labels CSV in the NIH ChestX-ray14 layout ({@code Image Index},
 * {@code Finding Labels} with findings separated by {@code |}; "Pneumothorax" among them means label 1). Each image
 * becomes S x S grayscale with values 0-255. The folder may also hold this project's {@code labels.csv}
 * ({@code file}, {@code nih_findings}). Image headers are checked before any pixel is decoded.
 */
public final class XrayFolderDataset {
  /** Label file names looked for inside a folder, in order. */
  public static final List<String> LABEL_FILES = List.of("labels.csv", "Data_Entry_2017.csv");
  /** Largest image we decode (pixels): NIH x-rays are 1024x1024; a 20000x20000 header is refused. */
  static final long MAX_PIXELS = 4096L * 4096;
  private static final String PNEUMOTHORAX = "pneumothorax";

  private XrayFolderDataset() {}

  /** One row of the labels file. */
  record Entry(Path image, int label) {}

  /** Reads the x-rays listed in the labels file of {@code folder} (or the CSV itself), resized to {@code size}. */
  public static XrayDataset read(Path folderOrCsv, int size) {
    Path csv = labelsFile(folderOrCsv);
    List<Entry> entries = readLabels(csv);
    long values = (long) entries.size() * size * size;
    if (values > XrayH5Dataset.MAX_ELEMENTS) {
      throw UserError.inFile(csv, entries.size() + " images at " + size + " px are " + values + " values, more than the "
          + XrayH5Dataset.MAX_ELEMENTS + " this reader loads at once; list fewer images or use a smaller --image-size");
    }
    float[] pixels = new float[(int) values];
    int[] labels = new int[entries.size()];
    for (int i = 0; i < entries.size(); i++) {
      float[] image = readGrayscale(entries.get(i).image(), size);
      System.arraycopy(image, 0, pixels, i * size * size, image.length);
      labels[i] = entries.get(i).label();
    }
    return new XrayDataset(csv.getParent() + " (" + entries.size() + " images listed in " + csv.getFileName() + ")",
        size, pixels, labels, null);
  }

  static Path labelsFile(Path folderOrCsv) {
    if (Files.isRegularFile(folderOrCsv)) {
      return folderOrCsv.toAbsolutePath();
    }
    if (!Files.isDirectory(folderOrCsv)) {
      throw UserError.inFile(folderOrCsv, "no such file or folder");
    }
    for (String name : LABEL_FILES) {
      Path candidate = folderOrCsv.resolve(name);
      if (Files.isRegularFile(candidate)) {
        return candidate.toAbsolutePath();
      }
    }
    throw UserError.inFile(folderOrCsv, "no labels file (looked for " + String.join(", ", LABEL_FILES) + ")");
  }

  /** Parses the labels CSV: NIH columns, or this project's ({@code file} + {@code nih_findings}/{@code pneumothorax}). */
  static List<Entry> readLabels(Path csv) {
    List<String> lines;
    try {
      if (Files.size(csv) > 64L * 1024 * 1024) {
        throw UserError.inFile(csv, "labels file is larger than 64 MB");
      }
      lines = LabelsText.decode(Files.readAllBytes(csv)).lines().toList();
    } catch (IOException e) {
      throw UserError.inFile(csv, "cannot read labels (" + e.getMessage() + ")");
    }
    if (lines.isEmpty()) {
      throw UserError.inFile(csv, "labels file is empty");
    }
    List<String> header = splitCsv(lines.get(0));
    int fileCol = column(header, "image index", "file", "image");
    int findingsCol = column(header, "finding labels", "nih_findings");
    int flagCol = column(header, PNEUMOTHORAX);
    if (fileCol < 0 || (findingsCol < 0 && flagCol < 0)) {
      throw UserError.inFile(csv, "header " + header + " lacks the columns 'Image Index' and 'Finding Labels'");
    }
    List<Entry> entries = new ArrayList<>();
    for (int row = 1; row < lines.size(); row++) {
      if (lines.get(row).isBlank()) {
        continue;
      }
      List<String> cells = splitCsv(lines.get(row));
      boolean extraCells = cells.subList(Math.min(cells.size(), header.size()), cells.size()).stream()
          .anyMatch(c -> !c.isBlank()); // a trailing comma is no extra cell
      if (cells.size() <= Math.max(fileCol, Math.max(findingsCol, flagCol)) || extraCells) {
        throw UserError.inFile(csv, "line " + (row + 1) + " has " + cells.size() + " cells, the header has "
            + header.size() + (extraCells ? " (a comma inside a value needs double quotes)" : ""));
      }
      entries.add(new Entry(imagePath(csv, cells.get(fileCol)), label(csv, row, cells, findingsCol, flagCol)));
    }
    if (entries.isEmpty()) {
      throw UserError.inFile(csv, "labels file lists no images");
    }
    return entries;
  }

  private static int label(Path csv, int row, List<String> cells, int findingsCol, int flagCol) {
    if (findingsCol >= 0) {
      for (String finding : cells.get(findingsCol).split("\\|")) {
        if (finding.strip().equalsIgnoreCase(PNEUMOTHORAX)) {
          return XrayDataset.PNEUMOTHORAX;
        }
      }
      return 0;
    }
    String flag = cells.get(flagCol).strip();
    if (!flag.equals("0") && !flag.equals("1")) {
      throw UserError.inFile(csv, "line " + (row + 1) + ": pneumothorax is '" + flag + "', expected 0 or 1");
    }
    return Integer.parseInt(flag);
  }

  private static Path imagePath(Path csv, String name) {
    Path dir = csv.getParent();
    String clean = name.strip();
    if (clean.isEmpty() || clean.contains("..") || clean.startsWith("/") || clean.startsWith("\\")
        || clean.matches("^[A-Za-z]:.*") || Path.of(clean).isAbsolute()) {
      throw UserError.inFile(csv, "bad image name '" + clean + "' (images are named relative to the labels file's"
          + " folder, inside it)");
    }
    for (Path candidate : List.of(dir.resolve(clean), dir.resolve("png").resolve(clean), dir.resolve("images").resolve(clean))) {
      if (Files.isRegularFile(candidate) && candidate.normalize().startsWith(dir.normalize())) {
        return candidate;
      }
    }
    throw UserError.inFile(csv, "lists " + clean + ", which is not in " + dir + " (nor in png/ or images/)");
  }

  /** Decodes one PNG/JPEG as S x S grayscale 0-255, refusing oversized headers before decoding pixels. */
  public static float[] readGrayscale(Path file, int size) {
    return toSize(decodeChecked(file, () -> ImageIO.createImageInputStream(file.toFile())), size);
  }

  /** As {@link #readGrayscale(Path, int)}, for an image's bytes (an entry of a tar.gz part, named {@code name}). */
  static float[] readGrayscale(byte[] bytes, Path name, int size) {
    return toSize(decodeChecked(name, () -> ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))), size);
  }

  private static float[] toSize(BufferedImage image, int size) {
    int w = image.getWidth();
    int h = image.getHeight();
    float[] gray = grayscale(image);
    if (w == h && w % size == 0) {
      return ImageResize.resize(gray, w, size);
    }
    if (w == h && size % w == 0) {
      return ImageResize.bilinear(gray, w, size);
    }
    // Any other shape: stretch to S x S as the lab's resize does, averaging over the covered area.
    BufferedImage g = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    g.getRaster().setPixels(0, 0, w, h, gray);
    Image scaled = g.getScaledInstance(size, size, Image.SCALE_AREA_AVERAGING);
    BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
    out.getGraphics().drawImage(scaled, 0, 0, null);
    return out.getRaster().getPixels(0, 0, size, size, new float[size * size]);
  }

  /** Opens the image's stream (ImageIO's own call, which may throw). */
  private interface ImageSource {
    ImageInputStream open() throws IOException;
  }

  private static BufferedImage decodeChecked(Path file, ImageSource source) {
    try (ImageInputStream in = source.open()) {
      if (in == null) {
        throw UserError.inFile(file, "cannot open image");
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw UserError.inFile(file, "not a PNG or JPEG image");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long w = reader.getWidth(0);
        long h = reader.getHeight(0);
        if (w < 16 || h < 16) {
          throw UserError.inFile(file, "image is " + w + "x" + h + ", too small for a chest x-ray (at least 16x16)");
        }
        if (w * h > MAX_PIXELS) {
          throw UserError.inFile(file, "image is " + w + "x" + h + ", larger than the " + MAX_PIXELS + " pixels this reader decodes");
        }
        BufferedImage image = reader.read(0);
        if (image == null) {
          throw UserError.inFile(file, "image could not be decoded");
        }
        return image;
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof UserError u) {
        throw u;
      }
      throw UserError.inFile(file, "not a readable image (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse("")) + ")");
    }
  }

  /** 8-bit gray images are taken as they are; colour ones are converted by luminance (ITU-R 601). */
  private static float[] grayscale(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    Raster raster = image.getRaster();
    if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
      return raster.getPixels(0, 0, w, h, new float[w * h]);
    }
    if (image.getType() == BufferedImage.TYPE_USHORT_GRAY) {
      float[] px = raster.getPixels(0, 0, w, h, new float[w * h]);
      for (int i = 0; i < px.length; i++) {
        px[i] = px[i] / 257f;
      }
      return px;
    }
    float[] px = new float[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = image.getRGB(x, y);
        px[y * w + x] = 0.299f * ((rgb >> 16) & 0xFF) + 0.587f * ((rgb >> 8) & 0xFF) + 0.114f * (rgb & 0xFF);
      }
    }
    return px;
  }

  private static int column(List<String> header, String... names) {
    for (int i = 0; i < header.size(); i++) {
      String h = header.get(i).strip().toLowerCase(Locale.ROOT);
      for (String name : names) {
        if (h.equals(name)) {
          return i;
        }
      }
    }
    return -1;
  }

  /** Splits one CSV line (double quotes may enclose commas). */
  static List<String> splitCsv(String line) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        cells.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    cells.add(cell.toString());
    return cells;
  }
}
