package org.introdl.exercises.api;

/**
 * A trained music model as the generation loop sees it: give it a window of note rows ({@code timesteps x 78}, one-hot,
 * the oldest row first) and it returns its guess for the next row, as raw logits or as softmax probabilities.
 */
public interface MusicModel {
  /** The rows the model reads at once (the lab's 64). */
  int timesteps();

  /** The note rows' width (78 notes). */
  int noteCount();

  /** The dense layer's output for the next row: any real numbers, not probabilities. */
  float[] logits(float[][] window);

  /** {@code softmax(logits)}: one probability per note, summing to 1 (the notebook's {@code prediction}). */
  float[] prediction(float[][] window);
}
