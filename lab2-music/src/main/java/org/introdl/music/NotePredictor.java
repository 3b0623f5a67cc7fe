package org.introdl.music;

/**
 * What generation needs from a trained model: the distribution of the next note given the last {@code timesteps}
 * rows. Backed by a checkpoint ({@link CheckpointPredictor}) or a SavedModel ({@link MusicExport.SavedModelPredictor}).
 */
public interface NotePredictor extends AutoCloseable {
  /** Rows the model reads (the lab's {@code timesteps}). */
  int timesteps();

  /** Probabilities of the 78 notes after {@code window} ({@code timesteps} note indices, rests as REST). */
  float[] predict(int[] window);

  /** Carries the LSTM's (c, h) from note to note: one cell step per call. */
  interface StatefulStepper extends AutoCloseable {
    /** Feeds one row and returns the probabilities of the next note. */
    float[] step(int note);

    @Override
    void close();
  }

  @Override
  void close();
}
