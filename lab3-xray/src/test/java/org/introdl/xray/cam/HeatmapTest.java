package org.introdl.xray.cam;

import static org.introdl.core.testing.ChartPixels.inkIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeatmapTest {
  static final int TILE = 160;

  static List<Heatmap.Panel> panels(int count) {
    List<Heatmap.Panel> panels = new ArrayList<>();
    int size = 32;
    for (int p = 0; p < count; p++) {
      float[] xray = new float[size * size];
      float[] cam = new float[size * size];
      for (int i = 0; i < xray.length; i++) {
        xray[i] = 100 + (i % size);
        cam[i] = (float) Math.exp(-Math.hypot(i % size - 8 - p, i / size - 20) / 6);
      }
      panels.add(new Heatmap.Panel(Heatmap.overlay(xray, Heatmap.normalize(cam), size), "#" + p + " label PTX\npred PTX"));
    }
    return panels;
  }

  @Test
  void matplotlibsJetEndsAtDarkBlueAndDarkRedThroughGreen() {
    assertEquals(0x000080, Heatmap.jet(0f) & 0xFFFFFF, Integer.toHexString(Heatmap.jet(0f)));
    assertEquals(0x800000, Heatmap.jet(1f) & 0xFFFFFF, Integer.toHexString(Heatmap.jet(1f)));
    assertEquals(0xFF00, Heatmap.jet(0.5f) & 0xFF00);
  }

  @Test
  void theSheetHasATitlePanelsAndAColourBarFromLowToHigh() {
    BufferedImage sheet = Heatmap.contactSheet("Class Activation Maps", panels(7), 5, TILE, true);
    int rows = 2;
    int keyTop = Heatmap.SHEET_TITLE_HEIGHT + rows * (TILE + Heatmap.CAPTION_HEIGHT + Heatmap.PAD) + Heatmap.PAD;
    assertEquals(5 * (TILE + Heatmap.PAD) + Heatmap.PAD, sheet.getWidth());
    assertEquals(keyTop + Heatmap.KEY_HEIGHT, sheet.getHeight());
    assertTrue(inkIn(sheet, 0, 0, 300, Heatmap.SHEET_TITLE_HEIGHT) > 50, "title drawn");

    // The bar's first and last columns are jet(0) and jet(1), and its colours run through the scale in order.
    int barX = Heatmap.PAD + 2 + Heatmap.COLOUR_BAR_OFFSET;
    int barY = keyTop + 10;
    assertEquals(Heatmap.jet(0f), sheet.getRGB(barX, barY) & 0xFFFFFF);
    assertEquals(Heatmap.jet(1f), sheet.getRGB(barX + Heatmap.COLOUR_BAR_WIDTH - 1, barY) & 0xFFFFFF);
    assertEquals(Heatmap.jet(0.5f) & 0xFF00, sheet.getRGB(barX + Heatmap.COLOUR_BAR_WIDTH / 2, barY) & 0xFF00);
    assertTrue(inkIn(sheet, barX, keyTop + 20, Heatmap.COLOUR_BAR_WIDTH, 14) > 30, "scale labels drawn");
  }

  @Test
  void aLongTitleFitsTheSheet() {
    BufferedImage sheet = Heatmap.contactSheet("Class Activation Maps of class 1 (pneumothorax): SYNTHETIC chest"
        + " phantoms (drawn, not real x-rays), 400 images, seed 1", panels(2), 5, TILE, true);
    assertEquals(0, inkIn(sheet, sheet.getWidth() - Heatmap.PAD, 0, Heatmap.PAD, Heatmap.SHEET_TITLE_HEIGHT));
    assertTrue(inkIn(sheet, 0, 0, sheet.getWidth() / 2, Heatmap.SHEET_TITLE_HEIGHT) > 100);
  }

  @Test
  void theLesionLegendShowsOnlyWhereLesionsAreOutlined() {
    int legendX = Heatmap.PAD + 2 + Heatmap.COLOUR_BAR_OFFSET + Heatmap.COLOUR_BAR_WIDTH + 24;
    BufferedImage phantoms = Heatmap.contactSheet("t", panels(2), 5, TILE, true);
    BufferedImage real = Heatmap.contactSheet("t", panels(2), 5, TILE, false);
    int keyTop = phantoms.getHeight() - Heatmap.KEY_HEIGHT;
    assertTrue(inkIn(phantoms, legendX, keyTop, 300, 20) > 50);
    assertEquals(0, inkIn(real, legendX, keyTop, 300, 20));
    assertEquals(Heatmap.SHEET_MIN_WIDTH, real.getWidth(), "wide enough for the key with few panels");
  }
}
