package org.introdl.xray.cam;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.introdl.core.io.AtomicFiles;

/**
 * Drawing CAMs as the lab shows them: the x-ray in gray, the map normalised to [0, 1] and coloured with matplotlib's
 * "jet" colormap, blended on top; and a contact sheet of several such panels with their captions, a colour bar and,
 * for phantoms, a legend of the lesion outline.
 */
public final class Heatmap {
  /** Weight of the colour layer over the x-ray. */
  static final float ALPHA = 0.45f;
  static final int PAD = 6;
  static final int CAPTION_HEIGHT = 34;
  static final int SHEET_TITLE_HEIGHT = 28;
  static final int KEY_HEIGHT = 40;
  static final int SHEET_MIN_WIDTH = 620;
  static final int COLOUR_BAR_WIDTH = 180;
  /** Where the colour bar starts, right of its caption. */
  static final int COLOUR_BAR_OFFSET = 150;

  private Heatmap() {}

  /** Min-max normalisation to [0, 1] (a constant map becomes all zeros). */
  public static float[] normalize(float[] map) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float v : map) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    float[] out = new float[map.length];
    float range = max - min;
    for (int i = 0; i < map.length; i++) {
      out[i] = range > 0 ? (map[i] - min) / range : 0f;
    }
    return out;
  }

  /** matplotlib's jet at {@code t} in [0, 1], as RGB: piecewise-linear dark blue, blue, cyan, yellow, red, dark red. */
  public static int jet(float t) {
    double x = Math.max(0, Math.min(1, t));
    int r = channel(1.5 - Math.abs(4 * x - 3));
    int g = channel(1.5 - Math.abs(4 * x - 2));
    int b = channel(1.5 - Math.abs(4 * x - 1));
    return (r << 16) | (g << 8) | b;
  }

  private static int channel(double v) {
    return (int) Math.round(255 * Math.max(0, Math.min(1, v)));
  }

  /** The x-ray (0-255 gray) with its normalised CAM blended over it in jet colours. */
  public static BufferedImage overlay(float[] xray, float[] normalizedCam, int size) {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < size * size; i++) {
      int gray = Math.max(0, Math.min(255, Math.round(xray[i])));
      int color = jet(normalizedCam[i]);
      int r = Math.round((1 - ALPHA) * gray + ALPHA * ((color >> 16) & 0xFF));
      int g = Math.round((1 - ALPHA) * gray + ALPHA * ((color >> 8) & 0xFF));
      int b = Math.round((1 - ALPHA) * gray + ALPHA * (color & 0xFF));
      image.setRGB(i % size, i / size, (r << 16) | (g << 8) | b);
    }
    return image;
  }

  /** The x-ray alone, in gray. */
  public static BufferedImage gray(float[] xray, int size) {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < size * size; i++) {
      int g = Math.max(0, Math.min(255, Math.round(xray[i])));
      image.setRGB(i % size, i / size, (g << 16) | (g << 8) | g);
    }
    return image;
  }

  /** Colour of the lesion outline. */
  static final int[] LESION_COLOUR = {0xFFFFFF};
  /** Colours of the confounder outlines: drain, ECG lead, marker. */
  static final int[] CONFOUNDER_COLOURS = {0x00FF66, 0xFFCC00, 0xFF66FF};

  /**
   * For phantoms, so the reader sees where the CAM should peak and what it should not: the lesion outlined in white,
   * then the confounders (drain green, ECG leads yellow, marker pink). Real x-rays ({@code lesion} null) are left as
   * they are.
   */
  public static BufferedImage outlinePhantom(BufferedImage image, byte[] lesion, byte[] confounders, int size) {
    if (lesion != null) {
      outlineCodes(image, lesion, size, LESION_COLOUR);
      if (confounders != null) {
        outlineCodes(image, confounders, size, CONFOUNDER_COLOURS);
      }
    }
    return image;
  }

  /** Draws the edge of each region of {@code mask} whose code c (1, 2, ...) has a colour, in {@code colours[c - 1]}. */
  private static void outlineCodes(BufferedImage image, byte[] mask, int size, int[] colours) {
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        byte code = mask[y * size + x];
        if (code >= 1 && code <= colours.length && isEdge(mask, size, x, y)) {
          image.setRGB(x, y, colours[code - 1]);
        }
      }
    }
  }

  private static boolean isEdge(byte[] mask, int size, int x, int y) {
    byte m = mask[y * size + x];
    return x == 0 || y == 0 || x == size - 1 || y == size - 1 || mask[y * size + x - 1] != m
        || mask[y * size + x + 1] != m || mask[(y - 1) * size + x] != m || mask[(y + 1) * size + x] != m;
  }

  /** A labelled panel of the contact sheet. */
  public record Panel(BufferedImage image, String caption) {}

  /**
   * Panels in a grid with their captions underneath, at most {@code columns} across, under {@code title}; a key at
   * the bottom shows the colour scale and, where {@code lesionsOutlined}, what the white outline means.
   */
  public static BufferedImage contactSheet(String title, List<Panel> panels, int columns, int tile,
      boolean lesionsOutlined) {
    int cols = Math.min(columns, panels.size());
    int rows = (panels.size() + cols - 1) / cols;
    int width = Math.max(SHEET_MIN_WIDTH, cols * (tile + PAD) + PAD);
    int gridTop = SHEET_TITLE_HEIGHT;
    int keyTop = gridTop + rows * (tile + CAPTION_HEIGHT + PAD) + PAD;
    BufferedImage sheet = new BufferedImage(width, keyTop + KEY_HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = sheet.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
      drawTitle(g, title, width - 2 * PAD);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      for (int i = 0; i < panels.size(); i++) {
        int x = PAD + (i % cols) * (tile + PAD);
        int y = gridTop + PAD + (i / cols) * (tile + CAPTION_HEIGHT + PAD);
        g.drawImage(panels.get(i).image(), x, y, tile, tile, null);
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1));
        String[] lines = panels.get(i).caption().split("\n");
        for (int l = 0; l < lines.length && l < 2; l++) {
          g.drawString(lines[l], x + 2, y + tile + 14 + 14 * l);
        }
      }
      drawKey(g, PAD + 2, keyTop, lesionsOutlined);
    } finally {
      g.dispose();
    }
    return sheet;
  }

  /** The title in bold, smaller where it is wide, cut with "..." where even that does not fit. */
  private static void drawTitle(Graphics2D g, String title, int maxWidth) {
    g.setColor(Color.BLACK);
    String text = title;
    for (int size = 14; ; size--) {
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size));
      if (g.getFontMetrics().stringWidth(text) <= maxWidth || size == 10) {
        break;
      }
    }
    while (g.getFontMetrics().stringWidth(text) > maxWidth && text.length() > 4) {
      text = text.substring(0, text.length() - 4) + "...";
    }
    g.drawString(text, PAD + 2, 20);
  }

  /** The colour bar (jet from 0 to 1, each map min-max normalised) and the lesion outline's meaning. */
  private static void drawKey(Graphics2D g, int x, int top, boolean lesionsOutlined) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    g.setColor(Color.BLACK);
    g.drawString("CAM, scaled per image:", x, top + 14);
    int barX = x + COLOUR_BAR_OFFSET;
    for (int i = 0; i < COLOUR_BAR_WIDTH; i++) {
      g.setColor(new Color(jet(i / (float) (COLOUR_BAR_WIDTH - 1))));
      g.drawLine(barX + i, top + 4, barX + i, top + 16);
    }
    g.setColor(Color.DARK_GRAY);
    g.drawRect(barX - 1, top + 3, COLOUR_BAR_WIDTH + 1, 14);
    g.setColor(Color.BLACK);
    g.drawString("0 (least)", barX, top + 30);
    String high = "1 (most evidence)";
    g.drawString(high, barX + COLOUR_BAR_WIDTH - g.getFontMetrics().stringWidth(high), top + 30);
    if (lesionsOutlined) {
      int legendX = barX + COLOUR_BAR_WIDTH + 24;
      g.setColor(Color.DARK_GRAY);
      g.fillRect(legendX, top + 2, 16, 16);
      g.setColor(Color.WHITE);
      g.drawRect(legendX + 3, top + 5, 9, 9);
      g.setColor(Color.BLACK);
      g.drawString("the phantom's lesion: where a good CAM peaks", legendX + 22, top + 14);
      g.drawString("not anatomy:", legendX + 22, top + 30);
      int nameX = legendX + 22 + g.getFontMetrics().stringWidth("not anatomy: ");
      String[] names = {"drain", "ECG lead", "marker"};
      for (int k = 0; k < names.length; k++) {
        g.setColor(new Color(CONFOUNDER_COLOURS[k]).darker());
        g.drawString(names[k], nameX, top + 30);
        nameX += g.getFontMetrics().stringWidth(names[k] + "  ");
      }
    }
  }

  /** Writes a PNG atomically. */
  public static Path writePng(BufferedImage image, Path file) {
    AtomicFiles.write(file, out -> {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      if (!ImageIO.write(image, "png", bytes)) {
        throw new IOException("no PNG writer");
      }
      bytes.writeTo(out);
    });
    return file;
  }
}
