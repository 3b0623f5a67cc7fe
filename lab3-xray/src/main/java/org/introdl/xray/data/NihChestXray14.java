package org.introdl.xray.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import java.util.stream.Stream;
import org.introdl.core.UserError;

/**
 * The NIH ChestX-ray14 data set as users download it: {@code Data_Entry_2017.csv} (one row per image: {@code Image
 * Index}, {@code Finding Labels} with findings separated by {@code |}, {@code Patient ID}, ...) beside the images,
 * unpacked in {@code images*}{@code /} folders ({@code images_001/images/00000001_000.png}) or still packed in the
 * {@code images_NNN.tar.gz} parts (any mix; only the images present are used).
 *
 * <p>The lab's two classes: every present image whose findings include "Pneumothorax" (label 1), and of the "No
 * Finding" images a seeded random sample of {@link #NEGATIVES_PER_POSITIVE} per pneumothorax (label 0); images with
 * other findings only are left out. The split is by patient: a patient's images are all held out or all trained on
 * (many NIH patients have several follow-up films; split by image, a model could recognise the patient).
 *
 * <p>Streaming: the CSV is read line by line, and images are decoded one at a time, straight to the size asked: only
 * the selected images, at that size, are kept. A tar.gz part is read start to end twice (once to list, once to
 * load its selected images), never unpacked to disk.
 */
public final class NihChestXray14 {
  public static final String DATA_ENTRY = "Data_Entry_2017.csv";
  /** "No Finding" images drawn per pneumothorax image (NIH has 5,302 with pneumothorax, 60,361 without findings). */
  public static final int NEGATIVES_PER_POSITIVE = 2;
  private static final List<String> REQUIRED = List.of("Image Index", "Finding Labels", "Patient ID");
  private static final String PNEUMOTHORAX = "pneumothorax";
  private static final String NO_FINDING = "no finding";

  private NihChestXray14() {}

  /** One CSV row of the two classes. */
  record Listed(String image, String patient, int label) {}

  /** Where an image is: a file, or an entry of a tar.gz part ({@code tarEntry} non-null). */
  record Location(Path file, String tarEntry) {}

  record Selected(Listed row, Location location) {}

  /** A folder NIH's way: {@code Data_Entry_2017.csv} and no {@code labels.csv} (the fetched sample's layout). */
  public static boolean isLayout(Path folder) {
    return Files.isDirectory(folder) && Files.isRegularFile(folder.resolve(DATA_ENTRY))
        && !Files.exists(folder.resolve("labels.csv"));
  }

  /**
   * The selected images at {@code size} x {@code size}, ordered so that {@link XrayDataset#split} with {@code seed}
   * holds out {@code heldOutOf.applyAsInt(n)} of them, whole patients only.
   */
  public static XrayDataset read(Path folder, int size, long seed, IntUnaryOperator heldOutOf) {
    Path csv = folder.resolve(DATA_ENTRY);
    List<Listed> listed = readDataEntry(csv);
    Map<String, Location> present = locateImages(folder);
    List<Selected> selected = select(listed, present, seed);
    long positives = selected.stream().filter(s -> s.row().label() == XrayDataset.PNEUMOTHORAX).count();
    if (positives == 0) {
      throw UserError.inFile(csv, "none of the " + present.size() + " images found beside it is listed with"
          + " Pneumothorax (which images_* folders or parts are there?)");
    }
    long values = (long) selected.size() * size * size;
    if (values > XrayH5Dataset.MAX_ELEMENTS) {
      throw UserError.inFile(csv, selected.size() + " selected images at " + size + " px are " + values
          + " values, more than the " + XrayH5Dataset.MAX_ELEMENTS + " held at once; use a smaller --image-size");
    }
    List<Selected> ordered = byPatient(selected, heldOutOf.applyAsInt(selected.size()), seed, csv);
    String source = String.format(Locale.ROOT, "NIH ChestX-ray14 in %s: %d with pneumothorax, %d of the no-finding"
        + " images (%d per pneumothorax, seed %d), split by patient", folder, positives, selected.size() - positives,
        NEGATIVES_PER_POSITIVE, seed);
    return load(ordered, size, source);
  }

  /** The rows labelled Pneumothorax or No Finding; a malformed file is refused naming its line. */
  static List<Listed> readDataEntry(Path csv) {
    List<Listed> rows = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(csv)) {
      String headerLine = in.readLine();
      if (headerLine == null) {
        throw UserError.inFile(csv, "is empty (expected NIH's header: " + String.join(",", REQUIRED) + ", ...)");
      }
      List<String> header = XrayFolderDataset.splitCsv(headerLine.replace("\uFEFF", ""));
      int[] col = new int[REQUIRED.size()];
      for (int c = 0; c < col.length; c++) {
        col[c] = indexOf(header, REQUIRED.get(c));
        if (col[c] < 0) {
          throw UserError.inFile(csv, "header lacks the column '" + REQUIRED.get(c) + "' (NIH's has "
              + String.join(", ", REQUIRED) + ", ...)");
        }
      }
      int needed = Math.max(col[0], Math.max(col[1], col[2])) + 1;
      String line;
      for (int lineNo = 2; (line = in.readLine()) != null; lineNo++) {
        if (line.isBlank()) {
          continue;
        }
        List<String> cells = XrayFolderDataset.splitCsv(line);
        if (cells.size() < needed) {
          throw UserError.inFile(csv, "line " + lineNo + " has " + cells.size() + " cells, too few for the column '"
              + REQUIRED.get(2) + "' (cell " + (col[2] + 1) + ")");
        }
        String image = cells.get(col[0]).strip();
        String patient = cells.get(col[2]).strip();
        if (image.isEmpty() || patient.isEmpty() || image.contains("/") || image.contains("\\")) {
          throw UserError.inFile(csv, "line " + lineNo + ": Image Index '" + image + "' and Patient ID '" + patient
              + "' must both be given, the image as a file name");
        }
        int label = label(cells.get(col[1]));
        if (label >= 0) {
          rows.add(new Listed(image, patient, label));
        }
      }
    } catch (IOException e) {
      throw UserError.inFile(csv, "cannot read (" + e.getMessage() + ")");
    }
    return rows;
  }

  /** 1 for findings that include Pneumothorax, 0 for "No Finding", -1 for anything else (left out). */
  private static int label(String findings) {
    boolean noFinding = false;
    for (String f : findings.split("\\|")) {
      String finding = f.strip().toLowerCase(Locale.ROOT);
      if (finding.equals(PNEUMOTHORAX)) {
        return XrayDataset.PNEUMOTHORAX;
      }
      noFinding |= finding.equals(NO_FINDING);
    }
    return noFinding ? 0 : -1;
  }

  private static int indexOf(List<String> header, String name) {
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).strip().equalsIgnoreCase(name)) {
        return i;
      }
    }
    return -1;
  }

  /** Every image beside the CSV by file name: PNGs under {@code images*} folders, entries of {@code images*.tar.gz}. */
  static Map<String, Location> locateImages(Path folder) {
    Map<String, Location> found = new HashMap<>();
    List<Path> parts;
    try (Stream<Path> top = Files.list(folder)) {
      parts = top.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).startsWith("images"))
          .sorted().toList();
    } catch (IOException e) {
      throw UserError.inFile(folder, "cannot list (" + e.getMessage() + ")");
    }
    for (Path part : parts) {
      String name = part.getFileName().toString().toLowerCase(Locale.ROOT);
      if (Files.isDirectory(part)) {
        try (Stream<Path> files = Files.walk(part, 2)) {
          files.filter(f -> Files.isRegularFile(f) && f.toString().toLowerCase(Locale.ROOT).endsWith(".png"))
              .forEach(f -> found.putIfAbsent(f.getFileName().toString(), new Location(f, null)));
        } catch (IOException e) {
          throw UserError.inFile(part, "cannot list (" + e.getMessage() + ")");
        }
      } else if (name.endsWith(".tar.gz") || name.endsWith(".tgz")) {
        TarGzParts.names(part).stream().filter(entry -> entry.toLowerCase(Locale.ROOT).endsWith(".png"))
            .forEach(entry -> found.putIfAbsent(fileName(entry), new Location(part, entry)));
      }
    }
    if (found.isEmpty()) {
      throw UserError.inFile(folder, "holds " + DATA_ENTRY + " but no images: expected images_001/images/*.png"
          + " folders or images_001.tar.gz parts beside it");
    }
    return found;
  }

  private static String fileName(String entry) {
    return entry.substring(entry.lastIndexOf('/') + 1);
  }

  /** All present pneumothorax images and a seeded sample of the present no-finding ones, in file-name order. */
  static List<Selected> select(List<Listed> listed, Map<String, Location> present, long seed) {
    List<Selected> positives = new ArrayList<>();
    List<Selected> negatives = new ArrayList<>();
    for (Listed row : listed) {
      Location where = present.get(row.image());
      if (where != null) {
        (row.label() == XrayDataset.PNEUMOTHORAX ? positives : negatives).add(new Selected(row, where));
      }
    }
    negatives.sort(Comparator.comparing(s -> s.row().image()));
    int keep = Math.min(negatives.size(), NEGATIVES_PER_POSITIVE * positives.size());
    int[] order = XrayDataset.shuffled(negatives.size(), seed);
    List<Selected> selected = new ArrayList<>(positives);
    for (int i = 0; i < keep; i++) {
      selected.add(negatives.get(order[i]));
    }
    selected.sort(Comparator.comparing(s -> s.row().image()));
    return selected;
  }

  /**
   * The images placed so that {@link XrayDataset#split}{@code (heldOut, seed)} holds out whole patients: patients
   * in a seeded order join the held-out set while they fit, until it has exactly {@code heldOut} images.
   */
  static List<Selected> byPatient(List<Selected> selected, int heldOut, long seed, Path csv) {
    int n = selected.size();
    if (heldOut <= 0 || heldOut >= n) {
      return selected;
    }
    Map<String, List<Selected>> patients = new LinkedHashMap<>();
    selected.forEach(s -> patients.computeIfAbsent(s.row().patient(), p -> new ArrayList<>()).add(s));
    List<List<Selected>> groups = new ArrayList<>(patients.values());
    int[] patientOrder = XrayDataset.shuffled(groups.size(), seed);
    List<Selected> held = new ArrayList<>();
    List<Selected> train = new ArrayList<>();
    for (int g : patientOrder) {
      List<Selected> group = groups.get(g);
      (held.size() + group.size() <= heldOut ? held : train).addAll(group);
    }
    if (held.size() != heldOut) {
      throw UserError.inFile(csv, "cannot hold out exactly " + heldOut + " of " + n + " images without splitting a"
          + " patient's images between the two sides; try another --held-out");
    }
    Selected[] placed = new Selected[n];
    int[] positions = XrayDataset.shuffled(n, seed);
    for (int i = 0; i < n; i++) {
      placed[positions[i]] = i < heldOut ? held.get(i) : train.get(i - heldOut);
    }
    return List.of(placed);
  }

  /** Decodes the images one at a time at {@code size}: files directly, each tar.gz part in one pass. */
  private static XrayDataset load(List<Selected> images, int size, String source) {
    int per = size * size;
    float[] pixels = new float[images.size() * per];
    int[] labels = new int[images.size()];
    Map<Path, Map<String, Integer>> wantedInPart = new LinkedHashMap<>();
    for (int i = 0; i < images.size(); i++) {
      Selected s = images.get(i);
      labels[i] = s.row().label();
      if (s.location().tarEntry() == null) {
        System.arraycopy(XrayFolderDataset.readGrayscale(s.location().file(), size), 0, pixels, i * per, per);
      } else {
        wantedInPart.computeIfAbsent(s.location().file(), p -> new HashMap<>()).put(s.location().tarEntry(), i);
      }
    }
    wantedInPart.forEach((part, wanted) -> TarGzParts.walk(part, new TarGzParts.EntryVisitor() {
      @Override
      public boolean wants(String entry) {
        return wanted.containsKey(entry);
      }

      @Override
      public void read(String entry, byte[] bytes) {
        float[] image = XrayFolderDataset.readGrayscale(bytes, Path.of(part + "!" + entry), size);
        System.arraycopy(image, 0, pixels, wanted.remove(entry) * per, per);
      }
    }));
    wantedInPart.forEach((part, missing) -> {
      if (!missing.isEmpty()) {
        throw UserError.inFile(part, "changed while being read: " + missing.keySet().iterator().next() + " is gone");
      }
    });
    return new XrayDataset(source, size, pixels, labels, null);
  }
}
