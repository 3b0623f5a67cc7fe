package org.introdl.music.io;

import java.nio.file.Path;
import java.util.Optional;
import org.introdl.core.UserError;
import org.introdl.music.data.Melody;
import org.introdl.music.data.NoteStateMatrix;

/** {@code ./labs music encode / decode}: a MIDI file to the lab's melody matrix and back. */
public final class MusicCodec {
  private MusicCodec() {}

  /** What encoding found. */
  public record Encoded(Path midi, Path matrix, int rows, int noteRows, int restRows, int lowestNote, int highestNote,
      int notesOutOfRange, Optional<String> stoppedAtTimeSignature) {}

  /** Encodes {@code midi}; a file without a note in the lab's range is refused, as it has no melody to learn. */
  public static Encoded encode(Path midi, Path matrixOut) {
    NoteStateMatrix matrix = NoteStateMatrix.read(midi);
    Melody m = matrix.melody();
    if (m.notes().length == 0 || java.util.Arrays.stream(m.notes()).allMatch(n -> n == Melody.REST)) {
      int outside = matrix.notesOutOfRange();
      throw UserError.inFile(midi, "no notes to encode" + (outside > 0
          ? " (" + (outside == 1 ? "its one note is" : "its " + outside + " notes are all")
              + " outside MIDI 24..101, the lab's range)"
          : matrix.stoppedAtTimeSignature().map(t -> " (the lab stops reading at its " + t + " time signature)")
              .orElse(" (the file holds no note-on events)")));
    }
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
    return new Encoded(midi, matrixOut, m.length(), notes, m.length() - notes, lo, hi, matrix.notesOutOfRange(),
        matrix.stoppedAtTimeSignature());
  }

  public record Decoded(Path matrix, Path midi, int rows) {}

  /** Decodes a melody matrix; one without rows or without a note is refused (it would be a silent MIDI file). */
  public static Decoded decode(Path matrix, Path midiOut) {
    Melody m = Melody.load(matrix);
    if (m.length() == 0) {
      throw UserError.inFile(matrix, "the matrix has no rows: nothing to decode");
    }
    if (java.util.Arrays.stream(m.notes()).allMatch(n -> n == Melody.REST)) {
      throw UserError.inFile(matrix, "the matrix's " + m.length() + " rows are all rests: nothing to play");
    }
    MidiWriter.write(m, midiOut);
    return new Decoded(matrix, midiOut, m.length());
  }
}
