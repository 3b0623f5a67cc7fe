package org.introdl.exercises.plug;

import java.util.Arrays;
import org.introdl.exercises.api.MusicModel;
import org.introdl.exercises.grading.Watchdog;
import org.introdl.music.data.Melody;
import org.introdl.music.model.NotePredictor;

/**
 * The lab's trained model as a student's {@code generateSong} sees it ({@link MusicModel}: windows of one-hot rows
 * in, 78 probabilities out). A window that is the previous one moved on by one row reuses the lab's shared windows
 * (the same numbers as predicting it from scratch, which any other window does). Time spent here is the lab's, not
 * counted by the watchdog against the student's loop.
 */
final class PredictorModel implements MusicModel, AutoCloseable {
  private final NotePredictor model;
  private final Watchdog watchdog;
  private NotePredictor.WindowStream stream;
  private int[] last;

  PredictorModel(NotePredictor model, Watchdog watchdog) {
    this.model = model;
    this.watchdog = watchdog;
  }

  @Override
  public int timesteps() {
    return model.timesteps();
  }

  @Override
  public int noteCount() {
    return Melody.NOTE_COUNT;
  }

  /** {@code log p}: the dense layer's logits up to a constant, which is all the softmax of them depends on. */
  @Override
  public float[] logits(float[][] window) {
    float[] p = prediction(window);
    float[] out = new float[p.length];
    for (int k = 0; k < p.length; k++) {
      out[k] = (float) Math.log(p[k]);
    }
    return out;
  }

  @Override
  public float[] prediction(float[][] window) {
    if (window == null || window.length != timesteps()) {
      throw new IllegalArgumentException("the window has " + (window == null ? "no" : window.length)
          + " rows; the model reads the last " + timesteps());
    }
    int[] notes = new int[window.length];
    for (int t = 0; t < window.length; t++) {
      notes[t] = noteOf(window[t], t);
    }
    return watchdog.excluding(() -> {
      if (stream != null && movedOnByOne(last, notes)) {
        stream.append(notes[notes.length - 1]);
      } else {
        close();
        stream = model.windows(notes);
      }
      last = notes;
      return stream.next().clone();
    });
  }

  private static boolean movedOnByOne(int[] before, int[] now) {
    return Arrays.equals(before, 1, before.length, now, 0, now.length - 1);
  }

  @Override
  public void close() {
    if (stream != null) {
      stream.close();
      stream = null;
    }
  }

  /** The note of a one-hot row; an all-zero row is a rest. */
  private static int noteOf(float[] row, int t) {
    int note = Melody.REST;
    for (int k = 0; row != null && k < row.length; k++) {
      if (row[k] == 1f && note == Melody.REST) {
        note = k;
      } else if (row[k] != 0f) {
        note = -2;
      }
    }
    if (row == null || row.length != Melody.NOTE_COUNT || note == -2) {
      throw new IllegalArgumentException("window row " + t + " is not a one-hot row of " + Melody.NOTE_COUNT
          + " notes");
    }
    return note;
  }

  /** The seed's note indices as one-hot rows (a rest: a row of zeros). */
  static float[][] oneHot(int[] notes) {
    float[][] rows = new float[notes.length][Melody.NOTE_COUNT];
    for (int t = 0; t < notes.length; t++) {
      if (notes[t] != Melody.REST) {
        rows[t][notes[t]] = 1f;
      }
    }
    return rows;
  }

  /** The generated rows as note indices; rows that are not one-hot, or too few of them, are the student's error. */
  static int[] notes(float[][] rows, int expected) {
    if (rows == null || rows.length != expected) {
      throw new org.introdl.core.UserError("your generateSong returned " + (rows == null ? "null" : rows.length
          + " rows") + " for " + expected + " notes: return only the new rows, one per note");
    }
    int[] notes = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      try {
        notes[i] = noteOf(rows[i], i);
      } catch (IllegalArgumentException e) {
        throw new org.introdl.core.UserError("your generateSong's " + e.getMessage().replace("window row", "row"));
      }
    }
    return notes;
  }
}
