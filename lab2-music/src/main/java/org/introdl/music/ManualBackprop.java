package org.introdl.music;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Backpropagation through time written out for the BasicLSTMCell recurrence of {@link MusicLstm.Cell#PROJECTED_BPTT}:
 * the forward keeps each step's gate activations; the backward runs the steps in reverse with only the
 * {@code dA_t @ W_h^T} product per step, and forms the recurrent kernel's gradient as one large product
 * {@code H_prev^T @ dA} over all steps (autodiff makes 64 small ones and sums them). Same mathematics as TF's
 * gradients of the unrolled graph; the tests hold it to 1e-5.
 */
final class ManualBackprop {
  private final Ops tf;
  private final Operand<TFloat32> recurrentKernel;
  private final Operand<TFloat32> zero;
  private final List<Operand<TFloat32>> i = new ArrayList<>();
  private final List<Operand<TFloat32>> j = new ArrayList<>();
  private final List<Operand<TFloat32>> f = new ArrayList<>();
  private final List<Operand<TFloat32>> o = new ArrayList<>();
  private final List<Operand<TFloat32>> tanhC = new ArrayList<>();
  private final List<Operand<TFloat32>> cPrev = new ArrayList<>();
  private final List<Operand<TFloat32>> hPrev = new ArrayList<>();
  private Operand<TFloat32> lastH;

  private final int hidden;

  ManualBackprop(Ops tf, Operand<TFloat32> recurrentKernel, Operand<TFloat32> zeroState, int hidden) {
    this.tf = tf;
    this.hidden = hidden;
    this.recurrentKernel = recurrentKernel;
    this.zero = zeroState;
  }

  record Grads(Operand<TFloat32> kernel, Operand<TFloat32> bias) {}

  /** One forward step (as {@link MusicLstm#cellUpdate}), keeping what the backward pass needs. */
  @SuppressWarnings("unchecked")
  Operand<TFloat32>[] step(Operand<TFloat32> gates, Operand<TFloat32> c, Operand<TFloat32> h) {
    List<Output<TFloat32>> ijfo = tf.split(tf.constant(1), gates, 4L).output();
    Operand<TFloat32> si = tf.math.sigmoid(ijfo.get(0));
    Operand<TFloat32> tj = tf.math.tanh(ijfo.get(1));
    Operand<TFloat32> sf = tf.math.sigmoid(tf.math.add(ijfo.get(2), tf.constant(MusicLstm.FORGET_BIAS)));
    Operand<TFloat32> so = tf.math.sigmoid(ijfo.get(3));
    Operand<TFloat32> newC = tf.math.add(tf.math.mul(c, sf), tf.math.mul(si, tj));
    Operand<TFloat32> tc = tf.math.tanh(newC);
    Operand<TFloat32> newH = tf.math.mul(tc, so);
    i.add(si);
    j.add(tj);
    f.add(sf);
    o.add(so);
    tanhC.add(tc);
    cPrev.add(c);
    hPrev.add(h);
    lastH = newH;
    return new Operand[] {newC, newH};
  }

  Operand<TFloat32> lastH() {
    return lastH;
  }

  /** Gradients of the kernel [I+H, 4H] and bias [4H] given the gradient at the last hidden state. */
  Grads backward(Operand<TFloat32> dLastH, int inputSize, Operand<TInt32> noteIndices, Operand<TFloat32> oneHot) {
    int steps = i.size();
    Operand<TFloat32>[] dA = newArray(steps);
    Operand<TFloat32> dh = dLastH;
    Operand<TFloat32> dc = null;
    Operand<TFloat32> one = tf.constant(1f);
    for (int t = steps - 1; t >= 0; t--) {
      Operand<TFloat32> dTanhC = tf.math.mul(dh, o.get(t));
      Operand<TFloat32> dcT = tf.math.mul(dTanhC, tf.math.sub(one, tf.math.square(tanhC.get(t))));
      if (dc != null) {
        dcT = tf.math.add(dcT, dc);
      }
      Operand<TFloat32> dai = tf.math.mul(tf.math.mul(dcT, j.get(t)), tf.math.mul(i.get(t), tf.math.sub(one, i.get(t))));
      Operand<TFloat32> daj = tf.math.mul(tf.math.mul(dcT, i.get(t)), tf.math.sub(one, tf.math.square(j.get(t))));
      Operand<TFloat32> daf = t == 0 ? tf.zerosLike(dai)
          : tf.math.mul(tf.math.mul(dcT, cPrev.get(t)), tf.math.mul(f.get(t), tf.math.sub(one, f.get(t))));
      Operand<TFloat32> dao = tf.math.mul(tf.math.mul(dh, tanhC.get(t)), tf.math.mul(o.get(t), tf.math.sub(one, o.get(t))));
      dA[t] = tf.concat(List.of(dai, daj, daf, dao), tf.constant(1));
      if (t > 0) {
        dh = tf.linalg.matMul(dA[t], recurrentKernel, MatMul.transposeB(true));
        dc = tf.math.mul(dcT, f.get(t));
      }
    }
    int fourH = 4 * hidden;
    Operand<TFloat32> allDA = tf.reshape(tf.concat(List.of(dA), tf.constant(0)), tf.constant(new long[] {-1, fourH}));
    Operand<TFloat32> bias = tf.reduceSum(allDA, tf.constant(0));
    // h_prev of step 0 is the zero state: steps 1.. are enough for the recurrent kernel.
    List<Operand<TFloat32>> later = new ArrayList<>(List.of(dA).subList(1, steps));
    Operand<TFloat32> laterDA = tf.reshape(tf.concat(later, tf.constant(0)), tf.constant(new long[] {-1, fourH}));
    Operand<TFloat32> prevH = tf.reshape(tf.concat(hPrev.subList(1, steps), tf.constant(0)),
        tf.constant(new long[] {-1, hidden}));
    Operand<TFloat32> dRecurrent = tf.linalg.matMul(prevH, laterDA, MatMul.transposeA(true));
    Operand<TFloat32> dInput;
    if (noteIndices != null) {
      Operand<TInt32> flat = tf.reshape(noteIndices, tf.constant(new long[] {-1}));
      Operand<TFloat32> rows = tf.math.unsortedSegmentSum(allDA, flat, tf.constant(inputSize + 1));
      dInput = tf.slice(rows, tf.constant(new int[] {0, 0}), tf.constant(new int[] {inputSize, fourH}));
    } else {
      Operand<TFloat32> timeMajor = tf.linalg.transpose(oneHot, tf.constant(new int[] {1, 0, 2}));
      Operand<TFloat32> x = tf.reshape(timeMajor, tf.constant(new long[] {-1, inputSize}));
      dInput = tf.linalg.matMul(x, allDA, MatMul.transposeA(true));
    }
    return new Grads(tf.concat(List.of(dInput, dRecurrent), tf.constant(0)), bias);
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32>[] newArray(int n) {
    return new Operand[n];
  }

  Operand<TFloat32> zero() {
    return zero;
  }
}
