package org.introdl.music.data;

import java.nio.file.Path;
import java.util.Arrays;
import org.introdl.core.UserError;
import org.introdl.core.io.Npy;

/**
 * A melody: for each sixteenth-note row, the one note that sounds (0 = MIDI pitch 24 ... 77 = pitch 101) or a rest.
 * The lab stores it as a one-hot [rows, 78] matrix (an all-zero row for a rest); this keeps the indices, from which
 * the matrix, the model's one-hot input and the gather indices of the fast path all follow.
 */
public final class Melody {
  /** A row where no note sounds (an all-zero row of the matrix). */
  public static final int REST = -1;
  public static final int NOTE_COUNT = NoteStateMatrix.NOTE_COUNT;

  private final int[] notes;

  public Melody(int[] notes) {
    for (int n : notes) {
      if (n != REST && (n < 0 || n >= NOTE_COUNT)) {
        throw new IllegalArgumentException("note index " + n + " outside 0.." + (NOTE_COUNT - 1));
      }
    }
    this.notes = notes.clone();
  }

  public int length() {
    return notes.length;
  }

  /** The note at {@code row}, or {@link #REST}. */
  public int note(int row) {
    return notes[row];
  }

  public int[] notes() {
    return notes.clone();
  }

  /** Rows {@code from} (inclusive) to {@code to} (exclusive). */
  public Melody slice(int from, int to) {
    return new Melody(Arrays.copyOfRange(notes, from, to));
  }

  /** This melody followed by {@code more}. */
  public Melody append(int[] more) {
    int[] all = Arrays.copyOf(notes, notes.length + more.length);
    System.arraycopy(more, 0, all, notes.length, more.length);
    return new Melody(all);
  }

  /** The lab's one-hot matrix, row-major [rows * 78]. */
  public float[] oneHot() {
    float[] out = new float[notes.length * NOTE_COUNT];
    for (int r = 0; r < notes.length; r++) {
      if (notes[r] != REST) {
        out[r * NOTE_COUNT + notes[r]] = 1f;
      }
    }
    return out;
  }

  /** Reads a [rows, 78] matrix back; each row must be one-hot or all zero. */
  public static Melody fromMatrix(float[] values, long rows, long cols, String name) {
    if (cols != NOTE_COUNT) {
      throw new UserError(name + ": a melody matrix has " + NOTE_COUNT + " columns, this one has " + cols);
    }
    int[] notes = new int[Math.toIntExact(rows)];
    for (int r = 0; r < notes.length; r++) {
      notes[r] = REST;
      for (int c = 0; c < NOTE_COUNT; c++) {
        float v = values[r * NOTE_COUNT + c];
        if (v == 1f && notes[r] == REST) {
          notes[r] = c;
        } else if (v != 0f) {
          throw new UserError(name + ": row " + r + " is not one-hot (value " + v + " in column " + c + ")");
        }
      }
    }
    return new Melody(notes);
  }

  /** Writes the one-hot matrix as {@code .npy} (float32) or {@code .csv} (0/1), atomically. */
  public void save(Path file) {
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".npy")) {
      Npy.write(file, Npy.Array.of(oneHot(), notes.length, NOTE_COUNT));
    } else if (name.endsWith(".csv")) {
      StringBuilder sb = new StringBuilder();
      float[] m = oneHot();
      for (int r = 0; r < notes.length; r++) {
        for (int c = 0; c < NOTE_COUNT; c++) {
          sb.append(c == 0 ? "" : ",").append((int) m[r * NOTE_COUNT + c]);
        }
        sb.append('\n');
      }
      org.introdl.core.io.AtomicFiles.writeString(file, sb.toString());
    } else {
      throw new UserError(file + ": unknown matrix format (use .npy or .csv)");
    }
  }

  /** Reads a melody matrix written by {@link #save} (or by numpy: float or integer, [rows, 78]). */
  public static Melody load(Path file) {
    if (!java.nio.file.Files.isRegularFile(file)) {
      throw UserError.inFile(file, java.nio.file.Files.exists(file) ? "not a file" : "no such file");
    }
    try {
      // The longest song allowed, as float64 CSV text or .npy, is well under this.
      long limit = 64L << 20;
      if (java.nio.file.Files.size(file) > limit) {
        throw UserError.inFile(file, "too large for a melody matrix (" + java.nio.file.Files.size(file) + " bytes)");
      }
    } catch (java.io.IOException e) {
      throw UserError.inFile(file, "cannot read (" + e.getMessage() + ")");
    }
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".npy")) {
      Npy.Array a = Npy.read(file);
      if (a.shape().length != 2) {
        throw UserError.inFile(file, "a melody matrix is 2-D [rows, 78], this one has shape " + Arrays.toString(a.shape()));
      }
      return fromMatrix(a.toFloats(), a.shape()[0], a.shape()[1], file.toString());
    }
    if (name.endsWith(".csv")) {
      return MelodyCsv.read(file);
    }
    throw new UserError(file + ": unknown matrix format (use .npy or .csv)");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Melody m && Arrays.equals(notes, m.notes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(notes);
  }

  @Override
  public String toString() {
    return "Melody[" + notes.length + " rows]";
  }
}
