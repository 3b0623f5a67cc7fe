package org.introdl.music.model;

/**
 * What generation needs from a trained model: the distribution of the next note given the last {@code timesteps}
 * rows. Backed by a checkpoint ({@link CheckpointPredictor}) or a SavedModel ({@link MusicExport.SavedModelPredictor}).
 */
public interface NotePredictor extends AutoCloseable {
  /** Rows the model reads (the lab's {@code timesteps}). */
  int timesteps();

  /** Probabilities of the 78 notes after {@code window} ({@code timesteps} note indices, rests as REST). */
  float[] predict(int[] window);

  /**
   * The lab's window scheme as a stream over {@code seed} ({@code timesteps} rows): {@link WindowStream#next()} is
   * the distribution of the note after the last {@code timesteps} rows, {@link WindowStream#append} adds the note
   * drawn. This default predicts every window from scratch; a model may share the windows' common work.
   */
  default WindowStream windows(int[] seed) {
    return recomputedWindows(this, seed);
  }

  /** The notebook's loop: every window predicted from scratch. */
  static WindowStream recomputedWindows(NotePredictor model, int[] seed) {
    return new WindowStream() {
      private final int[] window = seed.clone();

      @Override
      public float[] next() {
        return model.predict(window);
      }

      @Override
      public void append(int note) {
        System.arraycopy(window, 1, window, 0, window.length - 1);
        window[window.length - 1] = note;
      }

      @Override
      public void close() {}
    };
  }

  /** The windows of a song being generated: the distribution after the newest one, then the note drawn from it. */
  interface WindowStream extends AutoCloseable {
    /** Probabilities of the note after the last {@code timesteps} rows. */
    float[] next();

    /** Adds the note drawn (the window moves on by one row). */
    void append(int note);

    @Override
    void close();
  }

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
