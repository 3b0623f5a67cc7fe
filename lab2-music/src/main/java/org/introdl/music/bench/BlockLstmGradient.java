package org.introdl.music.bench;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
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

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<Operand<?>> gradient(Ops tf, GraphOperation op, List<Output<?>> upstream) {
    Output<TFloat32>[] out = new Output[7];
    for (int k = 0; k < 7; k++) {
      out[k] = (Output<TFloat32>) (Output<?>) op.output(k);
    }
    Operand<TFloat32> csGrad = orZeros(tf, upstream.get(1), out[1]);
    Operand<TFloat32> hGrad = orZeros(tf, upstream.get(6), out[6]);
    // Op BlockLSTMGrad (V1, gates i, c, f, o like the forward op); TF Java's nn.blockLSTMGrad builds the V2 op,
    // whose gate layout (i, f, c, o) does not match.
    OperationBuilder b = tf.scope().opBuilder("BlockLSTMGrad", tf.scope().makeOpName("BlockLSTMGrad"));
    for (int k = 0; k < 9; k++) {
      b.addInput(op.input(k));
    }
    for (int k = 0; k < 7; k++) {
      b.addInput(out[k]);
    }
    b.addInput(csGrad.asOutput()).addInput(hGrad.asOutput()).setAttr("use_peephole", false);
    Operation g = b.build();
    // The sequence length is an integer input: its "gradient" is zeros (TF Java's adapter takes no null here).
    List<Operand<?>> grads = new ArrayList<>(List.of(tf.zerosLike((Operand<TInt64>) (Output<?>) op.input(0))));
    for (int k = 0; k < 8; k++) {
      grads.add(g.output(k));
    }
    return grads;
  }

  private static Operand<TFloat32> orZeros(Ops tf, Output<?> grad, Output<TFloat32> like) {
    @SuppressWarnings("unchecked")
    Output<TFloat32> g = (Output<TFloat32>) grad;
    return g != null ? g : tf.zerosLike(like);
  }
}
