package org.introdl.music;

import java.nio.file.Path;

/** {@code ./labs music encode / decode}: a MIDI file to the lab's melody matrix and back. */
public final class MusicCodec {
  private MusicCodec() {}

  /** What encoding found. */
  public record Encoded(Path midi, Path matrix, int rows, int noteRows, int restRows, int lowestNote, int highestNote) {}

  public static Encoded encode(Path midi, Path matrixOut) {
    Melody m = NoteStateMatrix.read(midi).melody();
    m.save(matrixOut);
    int notes = 0;
    int lo = Integer.MAX_VALUE;
    int hi = Integer.MIN_VALUE;
    for (int r = 0; r < m.length(); r++) {
      if (m.note(r) != Melody.REST) {
        notes++;
        lo = Math.min(lo, m.note(r) + NoteStateMatrix.LOWEST_PITCH);
        hi = Math.max(hi, m.note(r) + NoteStateMatrix.LOWEST_PITCH);
      }
    }
    return new Encoded(midi, matrixOut, m.length(), notes, m.length() - notes, notes == 0 ? -1 : lo, notes == 0 ? -1 : hi);
  }

  public record Decoded(Path matrix, Path midi, int rows) {}

  public static Decoded decode(Path matrix, Path midiOut) {
    Melody m = Melody.load(matrix);
    MidiWriter.write(m, midiOut);
    return new Decoded(matrix, midiOut, m.length());
  }
}
