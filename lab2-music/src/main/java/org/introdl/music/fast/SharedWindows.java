package org.introdl.music.fast;

import java.util.List;
import org.introdl.music.model.NotePredictor;
import org.introdl.music.model.Tf1BasicLstmCell;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The lab's sliding-window generation with the windows' common work done once.
 *
 * <p>The lab predicts each note from the last T rows, every window starting from a zero LSTM state: T cell steps per
 * note, T - 1 of them over rows the previous window read too (from another start, so their states differ). But a
 * window's steps over rows that are already known do not wait for the note being drawn. So the T windows that will
 * read the newest row run side by side, as the rows of one batch: each note costs one cell step at batch T, every
 * window reading the newest row. The oldest window has then read its T rows from a zero state, exactly the lab's
 * window: its output is the distribution of the next note. It leaves the batch and a fresh zero-state window joins
 * at the other end.
 *
 * <p>Starting from T zero-state windows and feeding the T seed rows primes it: the window that finishes with the
 * last seed row has read rows 0..T-1 from zero, the lab's first window. The notes are the lab's (the distributions
 * agree to float rounding: a batch-T matmul may sum in another order than a batch-1 one); {@code
 * GenerationAndExportTest} checks both against the window graph.
 */
public final class SharedWindows {
  private final Placeholder<TInt32> note;
  private final Placeholder<TFloat32> c;
  private final Placeholder<TFloat32> h;
  private final Operand<TFloat32> probabilities;
  private final Operand<TFloat32> nextC;
  private final Operand<TFloat32> nextH;
  private final int timesteps;
  private final int hidden;

  /** The graph of {@code timesteps} windows on the model's variables, as {@code cell} reads them. */
  public SharedWindows(Ops root, NoteStep cell, int timesteps) {
    Ops tf = root.withSubScope("shared_windows");
    this.timesteps = timesteps;
    hidden = cell.hidden();
    note = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(1)));
    c = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(timesteps, hidden)));
    h = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(timesteps, hidden)));
    // Every window reads the same newest row: one gathered [1, 4H] row broadcast over the T windows.
    Tf1BasicLstmCell.State stepped = cell.step(tf, note, c, h);
    Operand<TFloat32> oldestH = tf.slice(stepped.h(), tf.constant(new int[] {0, 0}), tf.constant(new int[] {1, hidden}));
    probabilities = cell.probabilities(tf, oldestH);
    nextC = dropOldestAddFresh(tf, stepped.c());
    nextH = dropOldestAddFresh(tf, stepped.h());
  }

  /** The windows after the oldest, then a zero-state window at the end. */
  private Operand<TFloat32> dropOldestAddFresh(Ops tf, Operand<TFloat32> state) {
    Operand<TFloat32> younger = tf.slice(state, tf.constant(new int[] {1, 0}), tf.constant(new int[] {-1, -1}));
    Operand<TFloat32> fresh = tf.zeros(tf.constant(new int[] {1, hidden}), TFloat32.class);
    return tf.concat(List.of(younger, fresh), tf.constant(0));
  }

  /** A stream of the lab's windows over {@code seed} (its T rows) and the notes appended after it. */
  public NotePredictor.WindowStream start(Session session, int[] seed) {
    if (seed.length != timesteps) {
      throw new IllegalArgumentException("the seed has " + seed.length + " rows, the model reads " + timesteps);
    }
    Stream stream = new Stream(session);
    float[] p = null;
    for (int row : seed) {
      p = stream.read(row);
    }
    stream.next = p;
    return stream;
  }

  private final class Stream implements NotePredictor.WindowStream {
    private final Session session;
    private final CarriedState windows = CarriedState.zeros(timesteps, hidden);
    private float[] next;

    Stream(Session session) {
      this.session = session;
    }

    @Override
    public float[] next() {
      return next;
    }

    @Override
    public void append(int row) {
      next = read(row);
    }

    /** Every window reads {@code row}; returns the finished window's distribution of the note after it. */
    private float[] read(int row) {
      try (TInt32 noteT = TInt32.vectorOf(NoteStep.index(row))) {
        return windows.advance(session.runner().feed(note, noteT).feed(c, windows.c()).feed(h, windows.h())
            .fetch(probabilities).fetch(nextC).fetch(nextH).run());
      }
    }

    @Override
    public void close() {
      windows.close();
    }
  }
}
