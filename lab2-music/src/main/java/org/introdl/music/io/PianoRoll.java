package org.introdl.music.io;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.introdl.core.io.AtomicFiles;
import org.introdl.music.data.Melody;
import org.introdl.music.data.NoteStateMatrix;

/**
 * A generated song as a piano roll PNG: time in seconds left to right, pitch bottom to top (cropped to the notes
 * the song uses, black-key rows shaded, every C named), the seed in grey, the generated notes in blue and a dashed
 * line where generation starts, with a title and a legend that say which is which.
 */
public final class PianoRoll {
  /** A melody row is a sixteenth note: 55 ticks at 220 per quarter, 120 quarters a minute. */
  static final double SECONDS_PER_ROW = MidiWriter.TICKS_PER_ROW / (double) MidiWriter.RESOLUTION * 0.5;
  static final Color SEED = new Color(140, 140, 140);
  static final Color GENERATED = new Color(30, 90, 200);
  static final Color GENERATION_STARTS = new Color(200, 40, 40);
  static final int LEFT = 56;
  static final int RIGHT = 24;
  static final int TOP = 78;
  static final int BOTTOM = 48;
  private static final int PITCH_HEIGHT = 9;
  private static final int MIN_PLOT_HEIGHT = 12 * PITCH_HEIGHT;
  private static final int MIN_PLOT_WIDTH = 640;
  private static final int MAX_PLOT_WIDTH = 1600;
  private static final String[] NOTE_NAMES = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};

  private PianoRoll() {}

  /** Draws {@code seed} followed by {@code generated} under {@code title} (first line) and {@code subtitle}. */
  public static Path write(Melody seed, Melody generated, String title, String subtitle, Path png) {
    BufferedImage image = draw(seed, generated, title, subtitle);
    AtomicFiles.write(png, out -> ImageIO.write(image, "png", out));
    return png;
  }

  static BufferedImage draw(Melody seed, Melody generated, String title, String subtitle) {
    Melody song = seed.append(generated.notes());
    int[] pitches = pitchRange(song);
    int pitchCount = pitches[1] - pitches[0] + 1;
    int plotHeight = Math.max(MIN_PLOT_HEIGHT, pitchCount * PITCH_HEIGHT);
    int plotWidth = Math.max(MIN_PLOT_WIDTH, Math.min(MAX_PLOT_WIDTH, song.length() * 2));
    BufferedImage image = new BufferedImage(LEFT + plotWidth + RIGHT, TOP + plotHeight + BOTTOM,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      Plot plot = new Plot(LEFT, TOP, plotWidth, plotHeight, song.length(), pitches[0], pitches[1]);
      drawPitchRows(g, plot);
      drawNotes(g, plot, song, seed.length());
      drawTimeAxis(g, plot);
      drawTitle(g, title, subtitle, image.getWidth());
      drawLegend(g, image.getWidth() - RIGHT, seed.length(), generated.length());
    } finally {
      g.dispose();
    }
    return image;
  }

  /** The lowest and highest MIDI pitch to show: the notes used, a semitone either side, at least an octave. */
  static int[] pitchRange(Melody song) {
    int low = Integer.MAX_VALUE;
    int high = Integer.MIN_VALUE;
    for (int note : song.notes()) {
      if (note != Melody.REST) {
        low = Math.min(low, note + NoteStateMatrix.LOWEST_PITCH);
        high = Math.max(high, note + NoteStateMatrix.LOWEST_PITCH);
      }
    }
    if (low > high) { // only rests: show the octave of middle C
      return new int[] {60, 71};
    }
    low -= 1;
    high += 1;
    while (high - low < 11) {
      low--;
      high++;
    }
    return new int[] {low, high};
  }

  /** Seconds between time-axis ticks: a round step that gives 4 to 12 ticks. */
  static int tickStepSeconds(double seconds) {
    for (int step : new int[] {1, 2, 5, 10, 15, 30, 60, 120, 300}) {
      if (seconds / step <= 12) {
        return step;
      }
    }
    return 600;
  }

  /** Where rows and pitches land in the picture. */
  private record Plot(int x, int y, int width, int height, int rows, int lowPitch, int highPitch) {
    double rowWidth() {
      return width / (double) rows;
    }

    double pitchHeight() {
      return height / (double) (highPitch - lowPitch + 1);
    }

    int xOfRow(double row) {
      return x + (int) Math.round(row * rowWidth());
    }

    /** The top edge of a pitch's band. */
    int yOfPitch(int pitch) {
      return y + (int) Math.round((highPitch - pitch) * pitchHeight());
    }
  }

  private static void drawPitchRows(Graphics2D g, Plot p) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics metrics = g.getFontMetrics();
    for (int pitch = p.lowPitch(); pitch <= p.highPitch(); pitch++) {
      int top = p.yOfPitch(pitch);
      int bottom = p.yOfPitch(pitch - 1);
      if (NOTE_NAMES[pitch % 12].endsWith("#")) {
        g.setColor(new Color(243, 243, 246));
        g.fillRect(p.x(), top, p.width(), bottom - top);
      }
      if (pitch % 12 == 0) {
        g.setColor(new Color(200, 200, 205));
        g.drawLine(p.x(), bottom, p.x() + p.width(), bottom);
        String name = noteName(pitch);
        g.setColor(Color.BLACK);
        g.drawString(name, p.x() - 8 - metrics.stringWidth(name), (top + bottom) / 2 + metrics.getAscent() / 2 - 1);
      }
    }
    g.setColor(Color.DARK_GRAY);
    g.drawRect(p.x(), p.y(), p.width(), p.height());
    drawRotated(g, "pitch", 14, p.y() + p.height() / 2);
  }

  private static void drawNotes(Graphics2D g, Plot p, Melody song, int seedRows) {
    int row = 0;
    while (row < song.length()) {
      int note = song.note(row);
      int end = row + 1;
      // A held note is one bar; the seed/generated border splits it so each part keeps its colour.
      while (end < song.length() && song.note(end) == note && (end != seedRows)) {
        end++;
      }
      if (note != Melody.REST) {
        int pitch = note + NoteStateMatrix.LOWEST_PITCH;
        int top = p.yOfPitch(pitch) + 1;
        int height = Math.max(2, p.yOfPitch(pitch - 1) - top - 1);
        g.setColor(row < seedRows ? SEED : GENERATED);
        g.fillRect(p.xOfRow(row), top, Math.max(1, p.xOfRow(end) - p.xOfRow(row) - 1), height);
      }
      row = end;
    }
    g.setColor(GENERATION_STARTS);
    g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    int x = p.xOfRow(seedRows);
    g.drawLine(x, p.y(), x, p.y() + p.height());
    g.setStroke(new BasicStroke());
  }

  private static void drawTimeAxis(Graphics2D g, Plot p) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics metrics = g.getFontMetrics();
    double seconds = p.rows() * SECONDS_PER_ROW;
    int step = tickStepSeconds(seconds);
    int axis = p.y() + p.height();
    for (int s = 0; s <= seconds; s += step) {
      int x = p.xOfRow(s / SECONDS_PER_ROW);
      g.setColor(Color.DARK_GRAY);
      g.drawLine(x, axis, x, axis + 5);
      String label = s + " s";
      g.setColor(Color.BLACK);
      g.drawString(label, x - metrics.stringWidth(label) / 2, axis + 7 + metrics.getAscent());
    }
    String title = "time (s): a row is a sixteenth note at 120 bpm";
    g.drawString(title, p.x() + (p.width() - metrics.stringWidth(title)) / 2, axis + 40);
  }

  private static void drawTitle(Graphics2D g, String title, String subtitle, int width) {
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(title, LEFT, 22);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.setColor(Color.DARK_GRAY);
    g.drawString(subtitle, LEFT, 42);
  }

  /** The legend, right-aligned at {@code right} above the plot. */
  private static void drawLegend(Graphics2D g, int right, int seedRows, int generatedNotes) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics metrics = g.getFontMetrics();
    String[] labels = {"seed (" + seedRows + " rows)", "generated (" + generatedNotes + " notes)", "generation starts"};
    Color[] colors = {SEED, GENERATED, GENERATION_STARTS};
    int x = right;
    int y = 52;
    for (int i = labels.length - 1; i >= 0; i--) {
      x -= metrics.stringWidth(labels[i]);
      g.setColor(Color.BLACK);
      g.drawString(labels[i], x, y + 10);
      x -= 20;
      g.setColor(colors[i]);
      if (i == labels.length - 1) {
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f}, 0f));
        g.drawLine(x + 7, y - 2, x + 7, y + 12);
        g.setStroke(new BasicStroke());
      } else {
        g.fillRect(x, y + 1, 14, 9);
      }
      x -= 18;
    }
  }

  private static void drawRotated(Graphics2D g, String text, int x, int y) {
    Graphics2D rotated = (Graphics2D) g.create();
    try {
      rotated.setColor(Color.BLACK);
      rotated.rotate(-Math.PI / 2, x, y);
      rotated.drawString(text, x - rotated.getFontMetrics().stringWidth(text) / 2, y);
    } finally {
      rotated.dispose();
    }
  }

  /** Scientific pitch notation: MIDI 60 is C4. */
  static String noteName(int midiPitch) {
    return NOTE_NAMES[midiPitch % 12] + (midiPitch / 12 - 1);
  }
}
