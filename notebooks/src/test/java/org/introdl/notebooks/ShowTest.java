package org.introdl.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Show#picture}: in a Java Jupyter kernel the picture goes to the kernel's {@code display(Object)} as an image;
 * without a kernel (its runtime class absent, or present with no kernel running) only the path is printed.
 */
class ShowTest {
  /** Stands for a kernel's runtime {@code Display} while a kernel runs: keeps what it was asked to display. */
  public static final class RunningKernelDisplay {
    static final List<Object> SHOWN = new ArrayList<>();

    public static String display(Object o) {
      SHOWN.add(o);
      return "display-id";
    }
  }

  /** Stands for a kernel's runtime {@code Display} on the class path of a plain JShell: it refuses, as theirs do. */
  public static final class IdleKernelDisplay {
    public static String display(Object o) {
      throw new RuntimeException("No JJava kernel running");
    }
  }

  @TempDir Path dir;

  @Test
  void inAKernelThePictureIsDisplayedAsAnImageAndThePathPrinted() throws Exception {
    Path png = picture(40, 30);
    RunningKernelDisplay.SHOWN.clear();
    String printed = printed(() -> Show.picture("loss chart", png,
        List.of("no.such.Display", RunningKernelDisplay.class.getName())));
    assertEquals("true\nloss chart: " + png + "\n", printed);
    assertEquals(1, RunningKernelDisplay.SHOWN.size());
    BufferedImage shown = (BufferedImage) RunningKernelDisplay.SHOWN.get(0);
    assertEquals(40, shown.getWidth());
    assertEquals(30, shown.getHeight());
    assertEquals(0xFF3366CC, shown.getRGB(5, 5), "the picture's own pixels");
  }

  @Test
  void withoutAKernelOnlyThePathIsPrinted() throws Exception {
    Path png = picture(4, 4);
    assertEquals("false\nROC: " + png + "\n", printed(() -> Show.picture("ROC", png, Show.KERNEL_DISPLAYS)));
    assertEquals("false\nROC: " + png + "\n", printed(() -> Show.picture("ROC", png,
        List.of(IdleKernelDisplay.class.getName()))));
  }

  @Test
  void aFileThatIsNotAPictureIsSaidInOneLine() throws Exception {
    Path notPng = Files.writeString(dir.resolve("notes.png"), "text");
    String printed = printed(() -> Show.picture("CAMs", notPng, List.of(RunningKernelDisplay.class.getName())));
    assertTrue(printed.endsWith("(cannot show notes.png: not a picture Java reads)\n"), printed);
    assertFalse(printed.contains("Exception"), printed);
  }

  private Path picture(int width, int height) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, 0xFF3366CC);
      }
    }
    Path png = dir.resolve("picture.png");
    ImageIO.write(image, "png", png.toFile());
    return png;
  }

  /** What the call printed, preceded by what it returned. */
  private static String printed(BooleanSupplier call) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    boolean shown;
    try {
      System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
      shown = call.getAsBoolean();
    } finally {
      System.setOut(stdout);
    }
    return shown + "\n" + bytes.toString(StandardCharsets.UTF_8);
  }
}
