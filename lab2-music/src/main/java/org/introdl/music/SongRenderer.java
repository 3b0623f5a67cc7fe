package org.introdl.music;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.sound.midi.MidiEvent;
import javax.sound.midi.MidiMessage;
import javax.sound.midi.MidiSystem;
import javax.sound.midi.MidiUnavailableException;
import javax.sound.midi.Receiver;
import javax.sound.midi.Sequence;
import javax.sound.midi.ShortMessage;
import javax.sound.midi.Synthesizer;
import javax.sound.midi.Track;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.introdl.core.UserError;
import org.introdl.core.io.AtomicFiles;

/**
 * Listening without a sound card: a melody rendered to a WAV file by the JDK's software synthesizer (Gervill, run
 * offline into a stream, so it works headless), and drawn as a piano roll PNG.
 *
 * <p>Gervill's offline mode is reached through its own interface, which the JDK does not export; the
 * {@code ./labs} launcher opens it ({@code --add-exports java.desktop/com.sun.media.sound=ALL-UNNAMED}). Where it is
 * not open, a plain additive synthesizer (decaying harmonics) renders the same notes instead, and says so.
 */
public final class SongRenderer {
  public static final float SAMPLE_RATE = 22050f;
  /** The MIDI default tempo: 120 quarter notes per minute. */
  private static final double MICROS_PER_QUARTER = 500_000.0;
  private static final double TAIL_SECONDS = 1.0;

  private SongRenderer() {}

  /** Which synthesizer produced a WAV. */
  public enum Engine { JDK_SOFTWARE_SYNTHESIZER, ADDITIVE_FALLBACK }

  public record Rendered(Path wav, Engine engine, double seconds, double peak) {}

  /** Renders {@code melody} (written with the lab's MIDI writer) to a 16-bit mono WAV file. */
  public static Rendered renderWav(Melody melody, Path wav) {
    Sequence sequence = MidiWriter.toSequence(melody);
    double seconds = sequence.getTickLength() * MICROS_PER_QUARTER / sequence.getResolution() / 1e6 + TAIL_SECONDS;
    int frames = (int) Math.ceil(seconds * SAMPLE_RATE);
    short[] samples;
    Engine engine;
    try {
      samples = renderWithGervill(sequence, frames);
      engine = Engine.JDK_SOFTWARE_SYNTHESIZER;
    } catch (ReflectiveOperationException | IllegalAccessError | MidiUnavailableException | IOException
        | RuntimeException e) {
      samples = renderAdditive(melody, frames);
      engine = Engine.ADDITIVE_FALLBACK;
    }
    writeWav(samples, wav);
    return new Rendered(wav, engine, frames / (double) SAMPLE_RATE, peak(samples));
  }

  private static short[] renderWithGervill(Sequence sequence, int frames)
      throws ReflectiveOperationException, MidiUnavailableException, IOException {
    Synthesizer synth = MidiSystem.getSynthesizer();
    AudioFormat format = new AudioFormat(SAMPLE_RATE, 16, 1, true, false);
    Method openStream = synth.getClass().getMethod("openStream", AudioFormat.class, Map.class);
    try (AudioInputStream stream = (AudioInputStream) openStream.invoke(synth, format, null)) {
      Receiver receiver = synth.getReceiver();
      double microsPerTick = MICROS_PER_QUARTER / sequence.getResolution();
      receiver.send(new ShortMessage(ShortMessage.PROGRAM_CHANGE, 0, 0, 0), 0);
      for (Track track : sequence.getTracks()) {
        for (int i = 0; i < track.size(); i++) {
          MidiEvent e = track.get(i);
          MidiMessage m = e.getMessage();
          if (m instanceof ShortMessage) {
            receiver.send(m, (long) (e.getTick() * microsPerTick));
          }
        }
      }
      byte[] pcm = stream.readNBytes(frames * 2);
      short[] out = new short[frames];
      for (int i = 0; i + 1 < pcm.length; i += 2) {
        out[i / 2] = (short) ((pcm[i] & 0xff) | (pcm[i + 1] << 8));
      }
      return out;
    } catch (javax.sound.midi.InvalidMidiDataException e) {
      throw new IllegalStateException(e);
    } finally {
      synth.close();
    }
  }

  /** A simple stand-in: each note a few decaying harmonics. */
  static short[] renderAdditive(Melody melody, int frames) {
    double[] mix = new double[frames];
    double rowSeconds = MidiWriter.TICKS_PER_ROW * MICROS_PER_QUARTER / MidiWriter.RESOLUTION / 1e6;
    int row = 0;
    while (row < melody.length()) {
      int note = melody.note(row);
      int end = row + 1;
      while (end < melody.length() && melody.note(end) == note) {
        end++;
      }
      if (note != Melody.REST) {
        double freq = 440.0 * Math.pow(2, (note + NoteStateMatrix.LOWEST_PITCH - 69) / 12.0);
        int from = (int) (row * rowSeconds * SAMPLE_RATE);
        int to = Math.min(frames, (int) ((end * rowSeconds + 0.3) * SAMPLE_RATE));
        for (int i = from; i < to; i++) {
          double t = (i - from) / SAMPLE_RATE;
          double env = Math.exp(-3 * t) * Math.min(1, t * 200);
          double s = Math.sin(2 * Math.PI * freq * t) + 0.4 * Math.sin(4 * Math.PI * freq * t)
              + 0.2 * Math.sin(6 * Math.PI * freq * t);
          mix[i] += 0.25 * env * s;
        }
      }
      row = end;
    }
    short[] out = new short[frames];
    for (int i = 0; i < frames; i++) {
      out[i] = (short) Math.round(Math.max(-1, Math.min(1, mix[i])) * 32767 * 0.8);
    }
    return out;
  }

  private static void writeWav(short[] samples, Path wav) {
    byte[] pcm = new byte[samples.length * 2];
    for (int i = 0; i < samples.length; i++) {
      pcm[2 * i] = (byte) samples[i];
      pcm[2 * i + 1] = (byte) (samples[i] >> 8);
    }
    AudioFormat format = new AudioFormat(SAMPLE_RATE, 16, 1, true, false);
    AtomicFiles.write(wav, out -> {
      try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm), format, samples.length)) {
        AudioSystem.write(in, AudioFileFormat.Type.WAVE, out);
      }
    });
  }

  private static double peak(short[] samples) {
    int peak = 0;
    for (short s : samples) {
      peak = Math.max(peak, Math.abs((int) s));
    }
    return peak / 32768.0;
  }

  /** Reads a WAV file back as samples (tests, checks). */
  public static short[] readWav(Path wav) {
    try (InputStream raw = java.nio.file.Files.newInputStream(wav);
        AudioInputStream in = AudioSystem.getAudioInputStream(new java.io.BufferedInputStream(raw))) {
      byte[] pcm = in.readAllBytes();
      short[] out = new short[pcm.length / 2];
      for (int i = 0; i < out.length; i++) {
        out[i] = (short) ((pcm[2 * i] & 0xff) | (pcm[2 * i + 1] << 8));
      }
      return out;
    } catch (IOException | javax.sound.sampled.UnsupportedAudioFileException e) {
      throw UserError.inFile(wav, "not a readable WAV file (" + e.getMessage() + ")");
    }
  }

  /**
   * A piano roll: time left to right (one column band per row), pitch bottom to top; the seed in grey, the
   * generated notes in blue, a line where generation starts.
   */
  public static Path pianoRoll(Melody seed, Melody generated, Path png) {
    int cell = 4;
    int rows = seed.length() + generated.length();
    int width = Math.max(1, rows * cell / 2);
    int height = Melody.NOTE_COUNT * cell;
    BufferedImage image = new BufferedImage(width + 40, height + 20, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.setColor(new Color(235, 235, 235));
      for (int n = 0; n < Melody.NOTE_COUNT; n += 12) {
        int y = 10 + height - (n + 1) * cell;
        g.drawLine(40, y, 40 + width, y);
        g.drawString("C" + ((n + NoteStateMatrix.LOWEST_PITCH) / 12 - 1), 2, y + cell);
      }
      for (int r = 0; r < rows; r++) {
        int note = r < seed.length() ? seed.note(r) : generated.note(r - seed.length());
        if (note == Melody.REST) {
          continue;
        }
        g.setColor(r < seed.length() ? Color.GRAY : new Color(30, 90, 200));
        g.fillRect(40 + r * cell / 2, 10 + height - (note + 1) * cell, Math.max(1, cell / 2), cell);
      }
      g.setColor(Color.RED);
      int x = 40 + seed.length() * cell / 2;
      g.drawLine(x, 0, x, height + 20);
    } finally {
      g.dispose();
    }
    AtomicFiles.write(png, out -> ImageIO.write(image, "png", out));
    return png;
  }
}
