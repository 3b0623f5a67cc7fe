package org.introdl.music.fast;

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
 * The stateful scheme's graph: one cell step at batch 1 ({@link NoteStep}), note index, c, h in; probabilities,
 * c', h' out. The state tensors one run returns are fed straight back into the next (no copy through Java arrays).
 */
public final class StatefulStep {
  private final Placeholder<TInt32> note;
  private final Placeholder<TFloat32> c;
  private final Placeholder<TFloat32> h;
  private final Operand<TFloat32> probabilities;
  private final Operand<TFloat32> newC;
  private final Operand<TFloat32> newH;
  private final int hidden;

  public StatefulStep(Ops root, NoteStep cell) {
    Ops tf = root.withSubScope("step");
    hidden = cell.hidden();
    note = tf.withName("note").placeholder(TInt32.class, Placeholder.shape(Shape.of(1)));
    c = tf.withName("c").placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, hidden)));
    h = tf.withName("h").placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, hidden)));
    Tf1BasicLstmCell.State next = cell.step(tf, note, c, h);
    newC = next.c();
    newH = next.h();
    probabilities = cell.probabilities(tf, newH);
  }

  /** A stepper from the zero state, running in {@code session}. */
  public NotePredictor.StatefulStepper start(Session session) {
    CarriedState state = CarriedState.zeros(1, hidden);
    return new NotePredictor.StatefulStepper() {
      @Override
      public float[] step(int n) {
        return read(session, state, n);
      }

      @Override
      public void close() {
        state.close();
      }
    };
  }

  /** Reads {@code note} into {@code state} and returns the distribution of the note after it. */
  public float[] read(Session session, CarriedState state, int n) {
    try (TInt32 noteT = TInt32.vectorOf(NoteStep.index(n))) {
      return state.advance(session.runner().feed(note, noteT).feed(c, state.c()).feed(h, state.h())
          .fetch(probabilities).fetch(newC).fetch(newH).run());
    }
  }
}
