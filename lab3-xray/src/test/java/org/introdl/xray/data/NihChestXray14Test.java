package org.introdl.xray.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.introdl.core.UserError;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NIH ChestX-ray14 as downloaded, in miniature: {@code Data_Entry_2017.csv} with NIH's header, PNGs in
 * {@code images_001/images/} and in an {@code images_002.tar.gz} part. Each image is one flat gray value, so every
 * loaded image says which file it came from, and with that its label and patient from the CSV written here.
 */
class NihChestXray14Test {
  private static final String HEADER = "Image Index,Finding Labels,Follow-up #,Patient ID,Patient Age,Patient Gender,"
      + "View Position,OriginalImage[Width,Height],OriginalImagePixelSpacing[x,y]";

  /** Image, findings, patient, where it is stored (folder, tar, or absent), its gray value. */
  private record Row(String image, String findings, String patient, String stored, int gray) {}

  private static final List<Row> ROWS = List.of(
      new Row("00000001_000.png", "Pneumothorax", "1", "folder", 10),
      new Row("00000001_001.png", "No Finding", "1", "tar", 20), // patient 1: a folder image and a tar.gz one
      new Row("00000002_000.png", "Effusion|Pneumothorax", "2", "folder", 30),
      new Row("00000003_000.png", "No Finding", "3", "folder", 40),
      new Row("00000004_000.png", "No Finding", "4", "tar", 50),
      new Row("00000005_000.png", "Effusion", "5", "folder", 60), // another finding: left out
      new Row("00000006_000.png", "No Finding", "6", "folder", 70),
      new Row("00000007_000.png", "Pneumothorax", "7", "tar", 80),
      new Row("00000008_000.png", "No Finding", "8", "folder", 90),
      new Row("00000009_000.png", "No Finding", "9", "absent", 100), // listed, not downloaded
      new Row("00000010_000.png", "No Finding", "10", "folder", 110),
      new Row("00000010_001.png", "No Finding", "10", "folder", 120));

  @TempDir Path tmp;
  private final Map<Integer, Row> byGray = new LinkedHashMap<>();

  @BeforeEach
  void writeTheLayout() throws IOException {
    StringBuilder csv = new StringBuilder(HEADER + "\n");
    Path folder = Files.createDirectories(tmp.resolve("images_001").resolve("images"));
    Map<String, byte[]> tarred = new LinkedHashMap<>();
    for (Row r : ROWS) {
      csv.append(r.image()).append(',').append(r.findings()).append(",0,").append(r.patient())
          .append(",58,M,PA,2682,2749,0.143,0.143\n");
      byGray.put(r.gray(), r);
      if (r.stored().equals("folder")) {
        Files.write(folder.resolve(r.image()), png(r.gray()));
      } else if (r.stored().equals("tar")) {
        tarred.put("images/" + r.image(), png(r.gray()));
      }
    }
    Files.writeString(tmp.resolve(NihChestXray14.DATA_ENTRY), csv);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp.resolve("images_002.tar.gz")))) {
      out.write(tar(tarred));
    }
  }

  @Test
  void selectsEveryPneumothoraxAndTwoNoFindingPerPneumothoraxFromFoldersAndParts() {
    assertTrue(NihChestXray14.isLayout(tmp));
    XrayDataset d = DataOption.load(tmp.toString(), 16, 3, n -> n);
    // Present: 3 pneumothorax (one in the tar.gz part), 7 no finding, of which 2 x 3 = 6 are drawn.
    assertEquals(9, d.count());
    assertEquals(3, d.positives());
    Set<String> loaded = new HashSet<>();
    for (int i = 0; i < d.count(); i++) {
      Row r = rowOf(d, i);
      loaded.add(r.image());
      assertEquals(r.findings().contains("Pneumothorax") ? 1 : 0, d.labels()[i], r.image());
    }
    assertTrue(loaded.contains("00000007_000.png"), "the pneumothorax packed in the tar.gz part is read");
    assertFalse(loaded.contains("00000005_000.png"), "an image with another finding only is left out");
    assertFalse(loaded.contains("00000009_000.png"), "an image not downloaded is left out");
    assertTrue(d.source().contains("split by patient"), d.source());
  }

  @Test
  void noPatientIsOnBothSidesOfTheSplit() {
    int checked = 0;
    for (long seed = 1; seed <= 6; seed++) {
      for (int heldOut = 1; heldOut < 9; heldOut++) {
        int h = heldOut;
        XrayDataset all;
        try {
          all = DataOption.load(tmp.toString(), 16, seed, n -> h);
        } catch (UserError e) { // patients of two images can make an exact count impossible: said, not split
          assertTrue(e.getMessage().contains("without splitting a patient"), e.getMessage());
          continue;
        }
        XrayDataset[] split = all.split(h, seed);
        assertEquals(h, split[1].count());
        Set<String> train = patients(split[0]);
        Set<String> held = patients(split[1]);
        held.retainAll(train);
        assertEquals(Set.of(), held, "seed " + seed + ", " + h + " held out");
        checked++;
      }
    }
    assertTrue(checked >= 30, checked + " splits checked");
  }

  @Test
  void aSplitByImageWouldPutAPatientOnBothSides() {
    // The control: the same images in file-name order, split as the trainer splits, mix patients for some seed.
    XrayDataset all = DataOption.load(tmp.toString(), 16, 3, n -> n);
    boolean mixed = false;
    for (long seed = 1; seed <= 6 && !mixed; seed++) {
      XrayDataset[] split = all.split(4, seed);
      Set<String> held = patients(split[1]);
      held.retainAll(patients(split[0]));
      mixed = !held.isEmpty();
    }
    assertTrue(mixed, "an image-wise split never mixed a patient: the test above could not fail");
  }

  @Test
  void aMalformedDataEntryFileIsOneLineNamingItAndWhatIsWrong() throws IOException {
    Path csv = tmp.resolve(NihChestXray14.DATA_ENTRY);
    Files.writeString(csv, "Image Index,Finding Labels,Follow-up #\n00000001_000.png,Pneumothorax,0\n");
    assertRefused(csv, "lacks the column 'Patient ID'");
    Files.writeString(csv, HEADER + "\n00000001_000.png,Pneumothorax,0,1,58,M,PA,1,1,1,1\n00000003_000.png,No Finding\n");
    assertRefused(csv, "line 3 has 2 cells");
    Files.writeString(csv, HEADER + "\n00000003_000.png,No Finding,0,3,58,M,PA,1,1,1,1\n");
    assertRefused(csv, "none of the");
    Files.writeString(csv, "");
    assertRefused(csv, "is empty");
  }

  @Test
  void aDamagedPartOrNoImagesIsOneLineNamingTheFile() throws IOException {
    Path part = tmp.resolve("images_002.tar.gz");
    byte[] whole = Files.readAllBytes(part);
    Files.write(part, Arrays.copyOf(whole, whole.length / 2));
    assertRefused(part, "tar.gz");
    Files.write(part, "not gzip at all".getBytes(StandardCharsets.US_ASCII));
    assertRefused(part, "not a readable tar.gz part");
    Files.delete(part);
    try (var files = Files.walk(tmp.resolve("images_001"))) {
      files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
    }
    assertRefused(tmp, "no images");
  }

  private void assertRefused(Path file, String what) {
    UserError e = assertThrows(UserError.class, () -> DataOption.load(tmp.toString(), 16, 1, n -> n / 3));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(what), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
  }

  private Row rowOf(XrayDataset d, int i) {
    float[] image = d.image(i);
    Row r = byGray.get(Math.round(image[0]));
    assertTrue(r != null && image[image.length - 1] == r.gray(), "image " + i + " is one of the files written");
    return r;
  }

  private Set<String> patients(XrayDataset d) {
    Set<String> out = new HashSet<>();
    for (int i = 0; i < d.count(); i++) {
      out.add(rowOf(d, i).patient());
    }
    return out;
  }

  private static byte[] png(int gray) throws IOException {
    BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY);
    int[] values = new int[32 * 32];
    Arrays.fill(values, gray);
    image.getRaster().setPixels(0, 0, 32, 32, values);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  /** A POSIX ustar archive of {@code files}, written by hand (header, data padded to 512, two zero blocks). */
  private static byte[] tar(Map<String, byte[]> files) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      byte[] header = new byte[512];
      put(header, 0, f.getKey());
      put(header, 100, "0000644");
      put(header, 108, "0000000");
      put(header, 116, "0000000");
      put(header, 124, String.format("%011o", f.getValue().length));
      put(header, 136, "00000000000");
      header[156] = '0';
      put(header, 257, "ustar");
      put(header, 263, "00");
      Arrays.fill(header, 148, 156, (byte) ' ');
      long sum = 0;
      for (byte b : header) {
        sum += b & 0xFF;
      }
      put(header, 148, String.format("%06o", sum));
      out.write(header);
      out.write(f.getValue());
      out.write(new byte[(512 - f.getValue().length % 512) % 512]);
    }
    out.write(new byte[1024]);
    return out.toByteArray();
  }

  private static void put(byte[] header, int offset, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, header, offset, bytes.length);
  }
}
