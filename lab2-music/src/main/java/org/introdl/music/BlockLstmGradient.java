package org.introdl.music;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The gradient of TF's fused {@code BlockLSTM} op, which TF Java does not define: TF1 Python's {@code _BlockLSTMGrad}
 * rebuilt on the {@code BlockLSTMGrad} kernel. Gradients flowing into the cell-state and hidden outputs go in; the
 * sequence length gets none. Registration is process-wide and happens once.
 */
final class BlockLstmGradient {
  private static boolean registered;

  private BlockLstmGradient() {}

  static synchronized void register() {
    if (registered) {
      return;
    }
    TensorFlow.registerCustomGradient("BlockLSTM", BlockLstmGradient::gradient);
    registered = true;
  }

  @SuppressWarnings("unchecked")
  private static List<Operand<?>> gradient(Ops tf, GraphOperation op, List<Output<?>> upstream) {
    Output<TFloat32>[] in = new Output[9];
    for (int k = 1; k < 9; k++) {
      in[k] = (Output<TFloat32>) (Output<?>) op.input(k);
    }
    Output<TFloat32>[] out = new Output[7];
    for (int k = 0; k < 7; k++) {
      out[k] = (Output<TFloat32>) (Output<?>) op.output(k);
    }
    Operand<TFloat32> csGrad = orZeros(tf, upstream.get(1), out[1]);
    Operand<TFloat32> hGrad = orZeros(tf, upstream.get(6), out[6]);
    var g = tf.nn.blockLSTMGrad((Operand<TInt64>) (Output<?>) op.input(0), in[1], in[2], in[3], in[4], in[5], in[6], in[7], in[8],
        out[0], out[1], out[2], out[3], out[4], out[5], out[6], csGrad, hGrad, false);
    List<Operand<?>> grads = new ArrayList<>(Arrays.asList((Operand<?>) null));
    grads.addAll(List.of(g.xGrad(), g.csPrevGrad(), g.hPrevGrad(), g.wGrad(), g.wciGrad(), g.wcfGrad(), g.wcoGrad(),
        g.bGrad()));
    return grads;
  }

  private static Operand<TFloat32> orZeros(Ops tf, Output<?> grad, Output<TFloat32> like) {
    @SuppressWarnings("unchecked")
    Output<TFloat32> g = (Output<TFloat32>) grad;
    return g != null ? g : tf.zerosLike(like);
  }
}
