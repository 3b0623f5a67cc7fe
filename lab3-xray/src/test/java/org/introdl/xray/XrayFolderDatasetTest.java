package org.introdl.xray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.introdl.core.UserError;
import org.introdl.core.testing.BadInputs;
import org.introdl.core.testing.SharedFixtures;
import org.introdl.xray.data.XrayDataset;
import org.introdl.xray.data.XrayFolderDataset;
import org.introdl.xray.data.XrayH5Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XrayFolderDatasetTest {
  @TempDir Path tmp;

  @Test
  void realPngsBecomeTheSameImagesAsTheLabH5() {
    Path dir = SharedFixtures.require("chest-xray-samples");
    XrayDataset folder = XrayFolderDataset.read(dir, 256);
    XrayDataset h5 = XrayH5Dataset.read(dir.resolve("nih_pneumothorax_samples_256.h5"));
    assertEquals(20, folder.count());
    assertArrayEquals(h5.labels(), folder.labels());
    // The h5 was resized with LANCZOS, the reader averages 4x4 blocks: close, not bit-equal (see the fixture README).
    for (int i = 0; i < 20; i++) {
      float[] a = folder.image(i);
      float[] b = h5.image(i);
      double meanAbs = 0;
      for (int p = 0; p < a.length; p++) {
        meanAbs += Math.abs(a[p] - b[p]);
      }
      meanAbs /= a.length;
      assertTrue(meanAbs < 2.0, "image " + i + ": mean |folder - h5| = " + meanAbs);
    }
  }

  @Test
  void nihLabelsCsvLayout() throws Exception {
    writeGray(tmp.resolve("a.png"), 64, 10);
    writeGray(tmp.resolve("b.png"), 64, 200);
    Files.writeString(tmp.resolve("Data_Entry_2017.csv"), "Image Index,Finding Labels,Follow-up #\n"
        + "a.png,Effusion|Pneumothorax,0\nb.png,No Finding,0\n");
    XrayDataset d = XrayFolderDataset.read(tmp, 32);
    assertArrayEquals(new int[] {1, 0}, d.labels());
    assertEquals(10f, d.image(0)[0], 1e-6);
    assertEquals(200f, d.image(1)[5], 1e-6);
  }

  @Test
  void hugeTinyAndBrokenImagesAreRefusedBeforeDecoding() throws Exception {
    Files.write(tmp.resolve("huge.png"), pngHeaderOnly(20000, 20000));
    assertBadImage(tmp.resolve("huge.png"), "20000x20000, larger than");
    writeGray(tmp.resolve("tiny.png"), 1, 0);
    assertBadImage(tmp.resolve("tiny.png"), "1x1, too small");
    Files.writeString(tmp.resolve("text.png"), "this is not an image");
    assertBadImage(tmp.resolve("text.png"), "not a PNG or JPEG");
    byte[] real = Files.readAllBytes(SharedFixtures.require("chest-xray-samples/png/00000129_000.png"));
    int n = 0;
    for (byte[] bad : XrayH5DatasetTest.concat(BadInputs.truncations(real, 12), BadInputs.randomBytes(9, 8, 2048))) {
      Path file = tmp.resolve("bad-" + n++ + ".png");
      Files.write(file, bad);
      try {
        XrayFolderDataset.readGrayscale(file, 256);
      } catch (UserError e) {
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
      }
    }
  }

  @Test
  void badLabelFilesNameTheProblem() throws Exception {
    writeGray(tmp.resolve("a.png"), 32, 10);
    Files.writeString(tmp.resolve("labels.csv"), "name,whatever\na.png,1\n");
    assertBadFolder("lacks the columns");
    Files.writeString(tmp.resolve("labels.csv"), "Image Index,Finding Labels\nmissing.png,Pneumothorax\n");
    assertBadFolder("lists missing.png");
    Files.writeString(tmp.resolve("labels.csv"), "");
    assertBadFolder("empty");
    Files.delete(tmp.resolve("labels.csv"));
    assertBadFolder("no labels file");
  }

  @Test
  void labelsSavedWithAByteOrderMarkInUtf16OrInLatin1AreRead() throws Exception {
    writeGray(tmp.resolve("a.png"), 32, 10);
    writeGray(tmp.resolve("b.png"), 32, 200);
    // Accented notes: in Latin-1 these bytes are not valid UTF-8 (file names stay ASCII for any file system).
    String text = "Image Index,Finding Labels,Note\na.png,Pneumothorax,\u00e9l\u00e8ve\nb.png,No Finding,\u00e7a\n";
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    for (byte[] bytes : new byte[][] {
        concat(bom, text.getBytes(StandardCharsets.UTF_8)),
        text.getBytes(StandardCharsets.UTF_16), // Java writes a big-endian byte-order mark
        concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, text.getBytes(StandardCharsets.UTF_16LE)),
        text.getBytes(StandardCharsets.UTF_16LE),
        text.getBytes(StandardCharsets.ISO_8859_1)}) {
      Files.write(tmp.resolve("labels.csv"), bytes);
      assertArrayEquals(new int[] {1, 0}, XrayFolderDataset.read(tmp, 32).labels());
    }
  }

  @Test
  void aRowWithMoreCellsThanTheHeaderIsRefused() throws Exception {
    writeGray(tmp.resolve("a.png"), 32, 10);
    Files.writeString(tmp.resolve("labels.csv"), "Image Index,Finding Labels\na.png,Effusion,Pneumothorax\n");
    assertBadFolder("line 2 has 3 cells, the header has 2 (a comma inside a value needs double quotes)");
    Files.writeString(tmp.resolve("labels.csv"), "Image Index,Finding Labels\na.png,Pneumothorax,\n");
    assertArrayEquals(new int[] {1}, XrayFolderDataset.read(tmp, 32).labels(), "a trailing comma is no extra cell");
  }

  @Test
  void anAbsoluteImagePathIsRefusedLikeDotDot() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    writeGray(outside.resolve("x.png"), 32, 10);
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("labels.csv"), "Image Index,Finding Labels\n" + outside.resolve("x.png") + ",No Finding\n");
    UserError e = assertThrows(UserError.class, () -> XrayFolderDataset.read(data, 32));
    assertTrue(e.getMessage().contains("bad image name '" + outside.resolve("x.png") + "'"), e.getMessage());
    Files.writeString(data.resolve("labels.csv"), "Image Index,Finding Labels\n../outside/x.png,No Finding\n");
    assertThrows(UserError.class, () -> XrayFolderDataset.read(data, 32));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  void assertBadFolder(String expected) {
    UserError e = assertThrows(UserError.class, () -> XrayFolderDataset.read(tmp, 32));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  static void assertBadImage(Path file, String expected) {
    UserError e = assertThrows(UserError.class, () -> XrayFolderDataset.readGrayscale(file, 256));
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  static void writeGray(Path file, int size, int value) throws Exception {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
    int[] px = new int[size * size];
    java.util.Arrays.fill(px, value);
    image.getRaster().setPixels(0, 0, size, size, px);
    ImageIO.write(image, "png", file.toFile());
  }

  /** A PNG signature and IHDR chunk (8-bit gray, given size) with a correct CRC, then IEND: no pixel data at all. */
  static byte[] pngHeaderOnly(int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    byte[] typeBytes = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    out.writeBytes(typeBytes);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
