package org.introdl.music.io;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
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
import org.introdl.music.data.Melody;
import org.introdl.music.data.NoteStateMatrix;

/**
 * Listening without a sound card: a melody rendered to a WAV file by the JDK's software synthesizer (Gervill, run
 * offline into a stream, so it works headless), as loud as it can be without clipping.
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
  /** Every WAV's peak: 1 dB below full scale, loud on any speaker and clear of clipping. */
  public static final double PEAK_DBFS = -1.0;
  private static final double FULL_SCALE = 32767;

  private SongRenderer() {}

  /** Which synthesizer produced a WAV. */
  public enum Engine { JDK_SOFTWARE_SYNTHESIZER, ADDITIVE_FALLBACK }

  public record Rendered(Path wav, Engine engine, double seconds, double peak) {}

  /**
   * Renders {@code melody} (written with the lab's MIDI writer) to a 16-bit mono WAV file whose peak is
   * {@link #PEAK_DBFS}: the lab's soft velocity (40) would otherwise play near -28 dBFS, too quiet for laptop speakers.
   */
  public static Rendered renderWav(Melody melody, Path wav) {
    Sequence sequence = MidiWriter.toSequence(melody);
    double seconds = sequence.getTickLength() * MICROS_PER_QUARTER / sequence.getResolution() / 1e6 + TAIL_SECONDS;
    int frames = (int) Math.ceil(seconds * SAMPLE_RATE);
    float[] signal;
    Engine engine;
    try {
      signal = renderWithGervill(sequence, frames);
      engine = Engine.JDK_SOFTWARE_SYNTHESIZER;
    } catch (ReflectiveOperationException | IllegalAccessError | MidiUnavailableException | IOException
        | RuntimeException e) {
      signal = renderAdditive(melody, frames);
      engine = Engine.ADDITIVE_FALLBACK;
    }
    short[] samples = normalise(signal);
    writeWav(samples, wav);
    return new Rendered(wav, engine, frames / (double) SAMPLE_RATE, peak(samples));
  }

  /**
   * Scales {@code signal} so that its largest sample sits at {@link #PEAK_DBFS} and quantises it to 16 bits; the
   * scaled peak is below full scale, so nothing clips. Silence stays silence.
   */
  static short[] normalise(float[] signal) {
    double peak = 0;
    for (float x : signal) {
      peak = Math.max(peak, Math.abs(x));
    }
    double gain = peak == 0 ? 0 : Math.pow(10, PEAK_DBFS / 20) * FULL_SCALE / peak;
    short[] out = new short[signal.length];
    for (int i = 0; i < signal.length; i++) {
      out[i] = (short) Math.round(signal[i] * gain);
    }
    return out;
  }

  /** Gervill renders in 32-bit float, so that normalising a quiet song adds no 16-bit rounding noise. */
  private static float[] renderWithGervill(Sequence sequence, int frames)
      throws ReflectiveOperationException, MidiUnavailableException, IOException {
    Synthesizer synth = MidiSystem.getSynthesizer();
    AudioFormat format = new AudioFormat(AudioFormat.Encoding.PCM_FLOAT, SAMPLE_RATE, 32, 1, 4, SAMPLE_RATE, false);
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
      FloatBuffer pcm = ByteBuffer.wrap(stream.readNBytes(frames * 4)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      float[] out = new float[frames];
      pcm.get(out, 0, pcm.remaining());
      return out;
    } catch (javax.sound.midi.InvalidMidiDataException e) {
      throw new IllegalStateException(e);
    } finally {
      synth.close();
    }
  }

  /** A simple stand-in: each note a few decaying harmonics. */
  static float[] renderAdditive(Melody melody, int frames) {
    float[] mix = new float[frames];
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
    return mix;
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
}
