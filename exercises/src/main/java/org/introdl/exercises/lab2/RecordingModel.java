package org.introdl.exercises.lab2;

import java.util.ArrayList;
import java.util.List;
import org.introdl.exercises.api.MusicModel;

/**
 * The generation grader's model: whatever the window, it predicts one fixed distribution, and it records every
 * window it is fed (as note indices) and which of its two outputs was read.
 */
final class RecordingModel implements MusicModel {
  private final int timesteps;
  private final int notes;
  private final float[] probabilities;
  private final float[] logits;
  private final List<int[]> windows = new ArrayList<>();
  private int logitsCalls;
  private int predictionCalls;

  RecordingModel(int timesteps, int notes, double[] p) {
    this.timesteps = timesteps;
    this.notes = notes;
    probabilities = new float[notes];
    logits = new float[notes];
    for (int k = 0; k < notes; k++) {
      probabilities[k] = (float) p[k];
      // log p, shifted: softmax gives p back; impossible notes get a very negative logit.
      logits[k] = (float) (p[k] > 0 ? Math.log(p[k]) + 2 : -30);
    }
  }

  @Override
  public int timesteps() {
    return timesteps;
  }

  @Override
  public int noteCount() {
    return notes;
  }

  @Override
  public float[] logits(float[][] window) {
    record(window);
    logitsCalls++;
    return logits.clone();
  }

  @Override
  public float[] prediction(float[][] window) {
    record(window);
    predictionCalls++;
    return probabilities.clone();
  }

  private void record(float[][] window) {
    if (window == null || window.length != timesteps) {
      throw new IllegalArgumentException("the window has " + (window == null ? "no" : window.length)
          + " rows; the model reads " + timesteps);
    }
    windows.add(notesOf(List.of(window)));
  }

  List<int[]> windows() {
    return windows;
  }

  int logitsCalls() {
    return logitsCalls;
  }

  int predictionCalls() {
    return predictionCalls;
  }

  /** The note of each row: its index if one-hot, -1 for a rest, -2 for anything else. */
  static int[] notesOf(List<float[]> rows) {
    int[] out = new int[rows.size()];
    for (int i = 0; i < out.length; i++) {
      float[] row = rows.get(i);
      int note = noteOf(row);
      out[i] = note >= 0 ? note : isRest(row) ? -1 : -2;
    }
    return out;
  }

  /** The index of the single 1 of a one-hot row, else -1. */
  static int noteOf(float[] row) {
    int note = -1;
    for (int k = 0; k < row.length; k++) {
      if (row[k] == 1f && note < 0) {
        note = k;
      } else if (row[k] != 0f) {
        return -1;
      }
    }
    return note;
  }

  private static boolean isRest(float[] row) {
    for (float v : row) {
      if (v != 0f) {
        return false;
      }
    }
    return true;
  }
}
