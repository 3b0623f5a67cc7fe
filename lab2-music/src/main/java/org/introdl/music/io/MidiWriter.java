package org.introdl.music.io;

import java.nio.file.Path;
import javax.sound.midi.InvalidMidiDataException;
import javax.sound.midi.MetaMessage;
import javax.sound.midi.MidiEvent;
import javax.sound.midi.MidiSystem;
import javax.sound.midi.Sequence;
import javax.sound.midi.ShortMessage;
import javax.sound.midi.Track;
import org.introdl.core.io.AtomicFiles;
import org.introdl.music.data.Melody;
import org.introdl.music.data.NoteStateMatrix;

/**
 * The lab's {@code noteStateMatrixToMidi}: one track, 55 ticks per row at 220 ticks per quarter note (the Python
 * writer's default resolution), at each row first the note-offs of notes that stopped, then the note-ons
 * (velocity 40) of notes that started, and an end-of-track event one tick after the last event.
 *
 * <p>A melody matrix has no separate "struck" column, so a note held over several rows is one long note, as the lab's
 * writer plays a held cell. After the last row every sounding note is switched off, so that players stop it.
 */
public final class MidiWriter {
  public static final int TICKS_PER_ROW = 55;
  public static final int RESOLUTION = 220;
  public static final int VELOCITY = 40;

  private MidiWriter() {}

  /** The melody as a MIDI sequence. */
  public static Sequence toSequence(Melody melody) {
    try {
      Sequence sequence = new Sequence(Sequence.PPQ, RESOLUTION);
      Track track = sequence.createTrack();
      int previous = Melody.REST;
      long lastTick = 0;
      for (int row = 0; row <= melody.length(); row++) {
        int note = row < melody.length() ? melody.note(row) : Melody.REST;
        long tick = (long) row * TICKS_PER_ROW;
        if (note != previous) {
          if (previous != Melody.REST) {
            track.add(new MidiEvent(new ShortMessage(ShortMessage.NOTE_OFF, 0, previous + NoteStateMatrix.LOWEST_PITCH, 0), tick));
            lastTick = tick;
          }
          if (note != Melody.REST) {
            track.add(new MidiEvent(new ShortMessage(ShortMessage.NOTE_ON, 0, note + NoteStateMatrix.LOWEST_PITCH, VELOCITY), tick));
            lastTick = tick;
          }
          previous = note;
        }
      }
      // End of track one tick after the last row's time, so that trailing rests are kept when read back.
      long end = Math.max(lastTick, (long) melody.length() * TICKS_PER_ROW) + 1;
      track.add(new MidiEvent(new MetaMessage(0x2F, new byte[0], 0), end));
      return sequence;
    } catch (InvalidMidiDataException e) {
      throw new IllegalStateException("valid by construction", e);
    }
  }

  /** Writes {@code melody} as a Standard MIDI File (format 1, one track), atomically. */
  public static Path write(Melody melody, Path file) {
    Sequence sequence = toSequence(melody);
    AtomicFiles.write(file, out -> MidiSystem.write(sequence, 1, out));
    return file;
  }
}
