package org.introdl.music.fast;

import java.util.ArrayList;
import java.util.List;
import org.introdl.music.model.Tf1BasicLstmCell;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * {@link #STEPS} stateful steps in one run: feed the previous note, (c, h) and one uniform number per step; each
 * step's distribution (softmax, then p^(1/T)) is sampled by inverse CDF (or argmax when greedy) and fed to the next.
 * One run per chunk instead of one per note.
 */
public final class SampledChunk {
  public static final int STEPS = 50;
  private final Placeholder<TInt32> note;
  private final Placeholder<TFloat32> c;
  private final Placeholder<TFloat32> h;
  private final Placeholder<TFloat32> uniforms;
  private final Placeholder<TFloat32> inverseTemperature;
  private final Placeholder<TBool> greedy;
  private final Operand<TInt32> notes;
  private final Operand<TFloat32> lastC;
  private final Operand<TFloat32> lastH;

  public SampledChunk(Ops root, NoteStep cell) {
    Ops tf = root.withSubScope("chunk");
    int hidden = cell.hidden();
    note = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(1)));
    c = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, hidden)));
    h = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, hidden)));
    uniforms = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(STEPS)));
    inverseTemperature = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    greedy = tf.placeholder(TBool.class, Placeholder.shape(Shape.scalar()));
    List<Output<TFloat32>> u = tf.unstack(uniforms, (long) STEPS).output();
    Operand<TInt32> current = note;
    Tf1BasicLstmCell.State state = new Tf1BasicLstmCell.State(c, h);
    List<Operand<TInt32>> drawn = new ArrayList<>();
    for (int t = 0; t < STEPS; t++) {
      state = cell.step(tf, current, state.c(), state.h());
      Operand<TFloat32> p = cell.probabilities(tf, state.h());
      Operand<TFloat32> w = tf.math.pow(p, inverseTemperature);
      Operand<TFloat32> cumulative = tf.math.cumsum(w, tf.constant(1));
      Operand<TFloat32> threshold = tf.math.mul(u.get(t), tf.reduceSum(w, tf.constant(1)));
      Operand<TInt32> below = tf.reduceSum(tf.dtypes.cast(tf.math.lessEqual(cumulative, threshold), TInt32.class),
          tf.constant(1));
      Operand<TInt32> sampled = tf.math.minimum(below, tf.constant(new int[] {FastMusicLstm.NOTE_COUNT - 1}));
      Operand<TInt32> best = tf.math.argMax(p, tf.constant(1), TInt32.class);
      current = tf.select(greedy, best, sampled);
      drawn.add(current);
    }
    notes = tf.concat(drawn, tf.constant(0));
    lastC = state.c();
    lastH = state.h();
  }

  /**
   * The {@link #STEPS} notes after {@code previous}, drawn with the uniform numbers {@code u} at {@code temperature}
   * (or greedily); {@code state} goes on to the state after the last of them.
   */
  public int[] run(Session session, CarriedState state, int previous, float[] u, double temperature, boolean greedyDraw) {
    try (TInt32 noteT = TInt32.vectorOf(NoteStep.index(previous));
        TFloat32 uT = TFloat32.vectorOf(u);
        TFloat32 invT = TFloat32.scalarOf((float) (1.0 / temperature));
        TBool greedyT = TBool.scalarOf(greedyDraw)) {
      Result r = session.runner().feed(note, noteT).feed(c, state.c()).feed(h, state.h()).feed(uniforms, uT)
          .feed(inverseTemperature, invT).feed(greedy, greedyT).fetch(notes).fetch(lastC).fetch(lastH).run();
      try {
        int[] out = new int[STEPS];
        try (TInt32 n = (TInt32) r.get(0)) {
          for (int i = 0; i < STEPS; i++) {
            out[i] = n.getInt(i);
          }
        }
        state.replace(r.get(1), r.get(2)); // the state now owns the new c and h
        return out;
      } catch (RuntimeException e) {
        r.close();
        throw e;
      }
    }
  }
}
