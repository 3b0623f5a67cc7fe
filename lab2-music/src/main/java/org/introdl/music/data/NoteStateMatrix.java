package org.introdl.music.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import javax.sound.midi.InvalidMidiDataException;
import javax.sound.midi.MetaMessage;
import javax.sound.midi.MidiEvent;
import javax.sound.midi.MidiMessage;
import javax.sound.midi.MidiSystem;
import javax.sound.midi.Sequence;
import javax.sound.midi.ShortMessage;
import javax.sound.midi.Track;
import org.introdl.core.UserError;

/**
 * A song as the lab's {@code midiToNoteStateMatrix} sees it: one row per sixteenth note, one column per pitch from
 * 24 (inclusive) to 102 (exclusive); a cell is 1 while its note is held.
 *
 * <p>The lab walks every track tick by tick. A new row starts at each tick where
 * {@code tick % (resolution / 4) == resolution / 8} and copies which notes are held; note events then change the
 * current row (on with velocity &gt; 0 sets a cell, off or velocity 0 clears it; other pitches are ignored); a
 * time signature whose numerator is not 2 or 4 stops the song there. The walk ends at the last event of the
 * longest track. Here the walk jumps from event to event and counts the row boundaries in between, which gives
 * the same rows without visiting every tick (a hostile delta time cannot make it spin).
 */
public final class NoteStateMatrix {
  public static final int LOWEST_PITCH = 24;
  public static final int UPPER_PITCH = 102;
  public static final int NOTE_COUNT = UPPER_PITCH - LOWEST_PITCH;
  /** Larger files are refused before reading: the lab's songs are a few kilobytes. */
  public static final long MAX_FILE_BYTES = 16L << 20;
  /** A song longer than this (about 2 hours at 120 bpm) is refused instead of filling memory. */
  public static final int MAX_ROWS = 100_000;

  private static final int META_TIME_SIGNATURE = 0x58;

  private final List<byte[]> rows;
  private final int notesOutOfRange;
  private final String stoppedAtTimeSignature;

  private NoteStateMatrix(List<byte[]> rows, int notesOutOfRange, String stoppedAtTimeSignature) {
    this.rows = rows;
    this.notesOutOfRange = notesOutOfRange;
    this.stoppedAtTimeSignature = stoppedAtTimeSignature;
  }

  /** Reads a MIDI file; any problem is a one-line {@link UserError} naming the file. */
  public static NoteStateMatrix read(Path midiFile) {
    if (!Files.isRegularFile(midiFile)) {
      throw UserError.inFile(midiFile, Files.exists(midiFile) ? "not a file" : "no such file");
    }
    byte[] bytes;
    try {
      long size = Files.size(midiFile);
      if (size > MAX_FILE_BYTES) {
        throw UserError.inFile(midiFile, "too large for a MIDI song (" + size + " bytes)");
      }
      bytes = Files.readAllBytes(midiFile);
    } catch (IOException e) {
      throw UserError.inFile(midiFile, "cannot read (" + e.getMessage() + ")");
    }
    String problem = SmfChunks.problem(bytes);
    if (problem != null) {
      throw UserError.inFile(midiFile, problem);
    }
    Sequence sequence;
    try {
      sequence = MidiSystem.getSequence(new ByteArrayInputStream(bytes));
    } catch (InvalidMidiDataException | IOException | RuntimeException e) {
      throw UserError.inFile(midiFile, "not a readable MIDI file (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
    }
    return fromSequence(sequence, midiFile.toString());
  }

  /** Encodes a parsed sequence; {@code name} is used in error messages. */
  public static NoteStateMatrix fromSequence(Sequence sequence, String name) {
    if (sequence.getDivisionType() != Sequence.PPQ) {
      throw new UserError(name + ": SMPTE time division is not supported (the lab reads ticks per quarter note)");
    }
    int resolution = sequence.getResolution();
    int quarterOfBeat = resolution / 4;
    int eighthOfBeat = resolution / 8;
    if (quarterOfBeat <= 0) {
      throw new UserError(name + ": resolution " + resolution + " ticks per quarter note is too small (need >= 4)");
    }
    List<TimedEvent> events = new ArrayList<>();
    long lastTick = 0; // the lab's walk always visits tick 0, even in a file without tracks
    Track[] tracks = sequence.getTracks();
    for (int t = 0; t < tracks.length; t++) {
      Track track = tracks[t];
      for (int k = 0; k < track.size(); k++) {
        MidiEvent event = track.get(k);
        lastTick = Math.max(lastTick, event.getTick());
        TimedEvent timed = TimedEvent.of(event, t, k);
        if (timed != null) {
          events.add(timed);
        }
      }
    }
    events.sort(Comparator.comparingLong(TimedEvent::tick).thenComparingInt(TimedEvent::track)
        .thenComparingInt(TimedEvent::index));

    List<byte[]> rows = new ArrayList<>();
    byte[] current = new byte[NOTE_COUNT];
    rows.add(current);
    long nextBoundary = eighthOfBeat;
    int outOfRange = 0;
    for (TimedEvent e : events) {
      while (nextBoundary <= e.tick()) {
        current = startRow(rows, current, name);
        nextBoundary += quarterOfBeat;
      }
      if (e.stopsSong()) {
        return new NoteStateMatrix(rows, outOfRange, e.value() + "/" + e.detail());
      }
      outOfRange += e.isNoteOutOfRange() ? 1 : 0;
      e.apply(current);
    }
    while (nextBoundary <= lastTick) {
      current = startRow(rows, current, name);
      nextBoundary += quarterOfBeat;
    }
    return new NoteStateMatrix(rows, outOfRange, null);
  }

  private static byte[] startRow(List<byte[]> rows, byte[] previous, String name) {
    if (rows.size() >= MAX_ROWS) {
      throw new UserError(name + ": song is longer than " + MAX_ROWS + " sixteenth notes (corrupt delta times?)");
    }
    byte[] row = previous.clone();
    rows.add(row);
    return row;
  }

  /** Number of time steps (rows). */
  public int rows() {
    return rows.size();
  }

  /** Note-ons the lab's range (MIDI 24..101) leaves out, up to where the song stops. */
  public int notesOutOfRange() {
    return notesOutOfRange;
  }

  /** The time signature (as "3/4") at which the lab's walk stopped the song, if it did. */
  public java.util.Optional<String> stoppedAtTimeSignature() {
    return java.util.Optional.ofNullable(stoppedAtTimeSignature);
  }

  /** True when {@code note} (0 = MIDI pitch 24) sounds at {@code row}. */
  public boolean isOn(int row, int note) {
    return rows.get(row)[note] != 0;
  }

  /** The matrix as 0/1 values, row-major [rows][78]. */
  public float[][] toFloats() {
    float[][] out = new float[rows.size()][NOTE_COUNT];
    for (int r = 0; r < rows.size(); r++) {
      for (int n = 0; n < NOTE_COUNT; n++) {
        out[r][n] = rows.get(r)[n];
      }
    }
    return out;
  }

  /** The lab's melody: the highest sounding note of each row, or a rest. */
  public Melody melody() {
    int[] notes = new int[rows.size()];
    for (int r = 0; r < notes.length; r++) {
      notes[r] = Melody.REST;
      byte[] row = rows.get(r);
      for (int n = NOTE_COUNT - 1; n >= 0; n--) {
        if (row[n] != 0) {
          notes[r] = n;
          break;
        }
      }
    }
    return new Melody(notes);
  }

  @Override
  public String toString() {
    return "NoteStateMatrix[" + rows.size() + " x " + NOTE_COUNT + "]";
  }

  /** One note or time-signature event with its place in the lab's walk order (tick, then track, then position). */
  /** {@code value}: the pitch, or a time signature's numerator; {@code detail}: its denominator. */
  private record TimedEvent(long tick, int track, int index, int kind, int value, int detail) {
    static final int NOTE_ON = 1;
    static final int NOTE_OFF = 2;
    static final int TIME_SIGNATURE = 3;

    static TimedEvent of(MidiEvent event, int track, int index) {
      MidiMessage message = event.getMessage();
      if (message instanceof ShortMessage sm) {
        int command = sm.getCommand();
        if (command == ShortMessage.NOTE_ON) {
          return new TimedEvent(event.getTick(), track, index, sm.getData2() > 0 ? NOTE_ON : NOTE_OFF, sm.getData1(),
              0);
        }
        if (command == ShortMessage.NOTE_OFF) {
          return new TimedEvent(event.getTick(), track, index, NOTE_OFF, sm.getData1(), 0);
        }
      } else if (message instanceof MetaMessage mm && mm.getType() == META_TIME_SIGNATURE) {
        byte[] data = mm.getData();
        int numerator = data.length > 0 ? data[0] & 0xff : 4;
        int denominator = data.length > 1 && (data[1] & 0xff) < 31 ? 1 << (data[1] & 0xff) : 4;
        return new TimedEvent(event.getTick(), track, index, TIME_SIGNATURE, numerator, denominator);
      }
      return null;
    }

    boolean stopsSong() {
      return kind == TIME_SIGNATURE && value != 2 && value != 4;
    }

    boolean isNoteOutOfRange() {
      return kind == NOTE_ON && (value < LOWEST_PITCH || value >= UPPER_PITCH);
    }

    void apply(byte[] row) {
      if (kind == TIME_SIGNATURE || value < LOWEST_PITCH || value >= UPPER_PITCH) {
        return;
      }
      row[value - LOWEST_PITCH] = (byte) (kind == NOTE_ON ? 1 : 0);
    }
  }

  /**
   * Checks the chunk structure of a Standard MIDI File before the JDK parses it: the JDK allocates whatever a track
   * header claims, so a lying length would ask for gigabytes.
   */
  static final class SmfChunks {
    private SmfChunks() {}

    static String problem(byte[] b) {
      if (b.length < 14 || b[0] != 'M' || b[1] != 'T' || b[2] != 'h' || b[3] != 'd') {
        return b.length == 0 ? "empty file, not a MIDI file" : "not a MIDI file (no MThd header)";
      }
      long headerLength = u32(b, 4);
      if (headerLength < 6 || 8 + headerLength > b.length) {
        return "truncated or corrupt MIDI header (length " + headerLength + ")";
      }
      int declaredTracks = (b[10] & 0xff) << 8 | (b[11] & 0xff);
      long at = 8 + headerLength;
      int tracks = 0;
      while (at + 8 <= b.length) {
        long length = u32(b, (int) at + 4);
        boolean isTrack = Arrays.equals(Arrays.copyOfRange(b, (int) at, (int) at + 4), new byte[] {'M', 'T', 'r', 'k'});
        if (at + 8 + length > b.length) {
          return "truncated MIDI file (chunk at byte " + at + " claims " + length + " bytes, " + (b.length - at - 8)
              + " remain)";
        }
        tracks += isTrack ? 1 : 0;
        at += 8 + length;
      }
      if (tracks < declaredTracks) {
        return "truncated MIDI file (" + tracks + " of " + declaredTracks + " tracks present)";
      }
      return null;
    }

    private static long u32(byte[] b, int at) {
      return ((long) (b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
  }
}
