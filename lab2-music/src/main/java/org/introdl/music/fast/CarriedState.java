package org.introdl.music.fast;

import org.introdl.music.model.MusicTensors;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * The LSTM's (c, h) carried from one session run to the next, as the tensors the last run returned (fed straight
 * back, no copy through Java arrays). It owns them and closes each one it replaces.
 */
public final class CarriedState implements AutoCloseable {
  private Tensor c;
  private Tensor h;

  CarriedState(Tensor c, Tensor h) {
    this.c = c;
    this.h = h;
  }

  /** A zero state of {@code rows} x {@code hidden}. */
  public static CarriedState zeros(int rows, int hidden) {
    return new CarriedState(zeroTensor(rows, hidden), zeroTensor(rows, hidden));
  }

  private static Tensor zeroTensor(int rows, int hidden) {
    return TFloat32.tensorOf(Shape.of(rows, hidden), d -> d.scalars().forEach(x -> x.setFloat(0f)));
  }

  Tensor c() {
    return c;
  }

  Tensor h() {
    return h;
  }

  /** Takes {@code newC} and {@code newH} as the state, closing the old one. */
  void replace(Tensor newC, Tensor newH) {
    close();
    c = newC;
    h = newH;
  }

  /**
   * Reads a run that fetched probabilities, then the new c and h: returns the probabilities and keeps the new state
   * (the Result is not closed, so that its c and h live on).
   */
  public float[] advance(Result r) {
    float[] p;
    try (Tensor probabilities = r.get(0)) {
      p = MusicTensors.floats((TFloat32) probabilities);
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
    replace(r.get(1), r.get(2));
    return p;
  }

  @Override
  public void close() {
    c.close();
    h.close();
  }
}
