package org.introdl.music.io;

import static org.introdl.core.testing.ChartPixels.inkIn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.introdl.music.data.Melody;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a listener hears and a reader sees of a generated song: a loud, unclipped WAV and a labelled piano roll. */
class SongOutputsTest {
  @TempDir Path temp;

  /** A walk over two octaves with rests, as a model's song might be. */
  static Melody song(int rows, long seed) {
    Random random = new Random(seed);
    int[] notes = new int[rows];
    int note = 40;
    for (int i = 0; i < rows; i++) {
      note = Math.max(30, Math.min(54, note + random.nextInt(5) - 2));
      notes[i] = random.nextInt(8) == 0 ? Melody.REST : note;
    }
    return new Melody(notes);
  }

  @Test
  void everyWavPeaksNearMinusOneDbfsWithoutClipping() throws Exception {
    Path wav = SongRenderer.renderWav(song(96, 1), temp.resolve("song.wav")).wav();
    short[] samples = pcm16(wav);
    int peak = 0;
    for (short s : samples) {
      peak = Math.max(peak, Math.abs(s));
    }
    double peakDbfs = 20 * Math.log10(peak / 32768.0);
    assertTrue(peakDbfs > -1.1 && peakDbfs < -0.9, "peak " + peakDbfs + " dBFS");
    assertTrue(rmsDbfs(samples) > -30, "RMS " + rmsDbfs(samples) + " dBFS: audible, not just one loud click");
  }

  @Test
  void normalisingScalesTheLargestSampleToMinusOneDbfsAndKeepsSilence() {
    float[] quiet = {0.01f, -0.04f, 0.02f, 0f};
    short[] loud = SongRenderer.normalise(quiet);
    int target = (int) Math.round(32767 * Math.pow(10, -1 / 20.0)); // 29204
    assertArrayEquals(new short[] {(short) Math.round(target / 4.0), (short) -target, (short) Math.round(target / 2.0),
        0}, loud);
    assertArrayEquals(new short[3], SongRenderer.normalise(new float[3]));
  }

  @Test
  void thePitchAxisIsCroppedToTheNotesUsed() {
    // Notes 36 and 40 above the lowest pitch (24): MIDI 60 and 64, one semitone of margin, widened to an octave.
    assertArrayEquals(new int[] {56, 68}, PianoRoll.pitchRange(new Melody(new int[] {36, Melody.REST, 40})));
    assertArrayEquals(new int[] {47, 73}, PianoRoll.pitchRange(new Melody(new int[] {24, 48})));
    assertEquals("C4", PianoRoll.noteName(60));
    assertEquals("A#2", PianoRoll.noteName(46));
  }

  @Test
  void theTimeAxisHasFourToTwelveRoundTicks() {
    for (double seconds : new double[] {4, 8, 20, 70.5, 125, 400, 1200}) {
      int step = PianoRoll.tickStepSeconds(seconds);
      int ticks = (int) (seconds / step) + 1;
      assertTrue(ticks >= 4 && ticks <= 13, seconds + " s: a tick every " + step + " s gives " + ticks);
    }
    assertEquals(10, PianoRoll.tickStepSeconds(70.5)); // the lab's 64 + 500 rows
  }

  @Test
  void thePianoRollHasTitleLegendAxesAndBothParts() throws Exception {
    Melody seed = song(64, 2);
    Melody generated = song(500, 3);
    Path png = PianoRoll.write(seed, generated, "\"Song\" continued by the music LSTM", "LSTM reading 64 rows",
        temp.resolve("piano_roll.png"));
    BufferedImage image = ImageIO.read(png.toFile());
    int plotWidth = 2 * (64 + 500);
    int[] pitches = PianoRoll.pitchRange(seed.append(generated.notes()));
    assertEquals(PianoRoll.LEFT + plotWidth + PianoRoll.RIGHT, image.getWidth());
    assertEquals(PianoRoll.TOP + (pitches[1] - pitches[0] + 1) * 9 + PianoRoll.BOTTOM, image.getHeight());
    assertTrue(inkIn(image, PianoRoll.LEFT, 5, 200, 20) > 50, "title drawn");
    assertTrue(inkIn(image, image.getWidth() - 300, 50, 300, 16) > 50, "legend drawn");
    int axis = image.getHeight() - PianoRoll.BOTTOM;
    assertTrue(inkIn(image, PianoRoll.LEFT, axis + 6, plotWidth, 16) > 50, "time tick labels drawn");
    assertTrue(inkIn(image, PianoRoll.LEFT, axis + 28, plotWidth, 16) > 50, "time axis title drawn");
    assertTrue(inkIn(image, 20, PianoRoll.TOP, PianoRoll.LEFT - 24, axis - PianoRoll.TOP) > 20, "pitch names drawn");
    int seedEnd = PianoRoll.LEFT + 2 * 64;
    assertTrue(pixelsOf(image, PianoRoll.SEED, PianoRoll.LEFT, seedEnd) > 100, "seed notes in grey");
    assertTrue(pixelsOf(image, PianoRoll.GENERATED, seedEnd, PianoRoll.LEFT + plotWidth) > 500, "generated in blue");
    assertEquals(0, pixelsOf(image, PianoRoll.GENERATED, PianoRoll.LEFT, seedEnd - 2), "no blue in the seed part");
  }

  private static int pixelsOf(BufferedImage image, java.awt.Color color, int fromX, int toX) {
    int count = 0;
    for (int y = PianoRoll.TOP; y < image.getHeight() - PianoRoll.BOTTOM; y++) {
      for (int x = fromX; x < toX; x++) {
        count += (image.getRGB(x, y) & 0xffffff) == (color.getRGB() & 0xffffff) ? 1 : 0;
      }
    }
    return count;
  }

  /** The WAV's samples, read by the JDK's own reader (not the renderer's). */
  private static short[] pcm16(Path wav) throws Exception {
    try (AudioInputStream in = AudioSystem.getAudioInputStream(new BufferedInputStream(Files.newInputStream(wav)))) {
      assertEquals(16, in.getFormat().getSampleSizeInBits());
      byte[] bytes = in.readAllBytes();
      short[] out = new short[bytes.length / 2];
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(out);
      return out;
    }
  }

  private static double rmsDbfs(short[] samples) {
    double sum = 0;
    for (short s : samples) {
      sum += (double) s * s;
    }
    return 20 * Math.log10(Math.sqrt(sum / samples.length) / 32768.0);
  }
}
