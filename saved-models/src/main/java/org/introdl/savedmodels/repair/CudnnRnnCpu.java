package org.introdl.savedmodels.repair;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Operand;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Split;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The computation of a cuDNN recurrent layer ({@code CudnnRNN}, {@code CudnnRNNV2}, {@code CudnnRNNV3}) written with
 * plain TensorFlow ops that have CPU kernels: a {@code StatelessWhile} over time per layer and direction, reading
 * its weights from the same flat {@code params} buffer.
 *
 * <p>The params buffer, as TensorFlow and Keras pack it: first the weights of every pseudo-layer (layer 0 forward,
 * layer 0 backward, layer 1 forward, ...), then the biases of every pseudo-layer in the same order. A pseudo-layer's
 * weights are one {@code [units, input]} matrix per gate acting on the input ({@code W}), then one
 * {@code [units, units]} matrix per gate acting on the previous state ({@code R}), each row-major; its biases are one
 * {@code [units]} vector per gate for the input ({@code bW}), then one per gate for the state ({@code bR}). The gates,
 * in cuDNN's order:
 * <ul>
 *   <li>LSTM: i, f, c, o. {@code i = σ(Wi x + bWi + Ri h + bRi)}, f and o likewise, {@code c~ = tanh(Wc x + bWc +
 *       Rc h + bRc)}, {@code c' = f c + i c~}, {@code h' = o tanh(c')}. No forget bias is added.</li>
 *   <li>GRU: r, z, h (Keras writes z, r, h and swaps them when it packs). {@code r = σ(Wr x + bWr + Rr h + bRr)},
 *       {@code z} likewise, {@code h~ = tanh(Wh x + bWh + r (Rh h + bRh))} (the reset gate applied after the
 *       recurrent product: Keras's {@code reset_after=True}), {@code h' = (1 - z) h~ + z h}.</li>
 * </ul>
 * Per sequence, steps at or past its length leave the state unchanged and output zeros, as cuDNN does with
 * {@code sequence_lengths}; the backward direction reads each sequence reversed within its length.
 */
final class CudnnRnnCpu {
  private CudnnRnnCpu() {}

  /** What a cuDNN RNN node computes. */
  record Config(String mode, int layers, boolean bidirectional, boolean timeMajor, boolean hasSequenceLengths) {
    int gates() {
      return mode.equals("lstm") ? 4 : 3;
    }

    int directions() {
      return bidirectional ? 2 : 1;
    }
  }

  /** The function (first) and the loop functions it calls, with TensorFlow Java's generated names. */
  record Functions(List<FunctionDef> defs) {
    FunctionDef main() {
      return defs.get(0);
    }
  }

  /**
   * Builds the CPU function for {@code config}. Inputs, in the op's order: input, input_h, input_c, params and, for
   * {@code CudnnRNNV3}, sequence_lengths. Outputs: output, output_h, output_c, in the op's layouts.
   */
  static Functions build(Config config) {
    try (ConcreteFunction cond = ConcreteFunction.create(CudnnRnnCpu::condition);
        ConcreteFunction step = ConcreteFunction.create(tf -> step(tf, config.mode()));
        ConcreteFunction main = ConcreteFunction.create(tf -> layer(tf, config, cond, step))) {
      return new Functions(List.of(main.getFunctionDef(), cond.getFunctionDef(), step.getFunctionDef()));
    }
  }

  private static Signature layer(Ops tf, Config config, ConcreteFunction cond, ConcreteFunction step) {
    Placeholder<TFloat32> input = tf.placeholder(TFloat32.class);
    Placeholder<TFloat32> inputH = tf.placeholder(TFloat32.class);
    Placeholder<TFloat32> inputC = tf.placeholder(TFloat32.class);
    Placeholder<TFloat32> params = tf.placeholder(TFloat32.class);
    Placeholder<TInt32> sequenceLengths = config.hasSequenceLengths() ? tf.placeholder(TInt32.class) : null;

    Operand<TInt32> timeFirst = tf.constant(new int[] {1, 0, 2});
    // Time-major from here on: x [T, B, I], states [layers * directions, B, H].
    Operand<TFloat32> x = config.timeMajor() ? input : tf.linalg.transpose(input, timeFirst);
    Operand<TFloat32> h0 = config.timeMajor() ? inputH : tf.linalg.transpose(inputH, timeFirst);
    Operand<TInt32> xShape = tf.shape(x);
    Operand<TInt32> steps = scalar(tf, xShape, 0);
    Operand<TInt32> batch = scalar(tf, xShape, 1);
    Operand<TInt32> units = scalar(tf, tf.shape(h0), 2);
    Operand<TFloat32> c0 = config.mode().equals("lstm")
        ? (config.timeMajor() ? inputC : tf.linalg.transpose(inputC, timeFirst)) : tf.zerosLike(h0);
    Operand<TInt32> lengths = sequenceLengths != null ? sequenceLengths : tf.fill(tf.expandDims(batch,
        tf.constant(0)), steps);

    int g = config.gates();
    Operand<TInt32> gatedUnits = tf.math.mul(tf.constant(g), units);
    // Where the biases start: after the weights of all pseudo-layers.
    Operand<TInt32> inputSize0 = scalar(tf, xShape, 2);
    Operand<TInt32> upperInputSize = tf.math.mul(tf.constant(config.directions()), units);
    Operand<TInt32> weightCount = tf.constant(0);
    for (int layer = 0; layer < config.layers(); layer++) {
      Operand<TInt32> in = layer == 0 ? inputSize0 : upperInputSize;
      Operand<TInt32> perDirection = tf.math.mul(gatedUnits, tf.math.add(in, units));
      weightCount = tf.math.add(weightCount, tf.math.mul(tf.constant(config.directions()), perDirection));
    }

    List<Operand<TFloat32>> finalH = new ArrayList<>();
    List<Operand<TFloat32>> finalC = new ArrayList<>();
    Operand<TFloat32> layerInput = x;
    Operand<TInt32> weightStart = tf.constant(0);
    for (int layer = 0; layer < config.layers(); layer++) {
      Operand<TInt32> in = layer == 0 ? inputSize0 : upperInputSize;
      List<Operand<TFloat32>> outputs = new ArrayList<>();
      for (int d = 0; d < config.directions(); d++) {
        int pseudoLayer = layer * config.directions() + d;
        Operand<TInt32> wSize = tf.math.mul(gatedUnits, in);
        Operand<TInt32> rSize = tf.math.mul(gatedUnits, units);
        // W: the g input matrices stacked [gH, I]; transposed to [I, gH] so that x W gives the g gates side by side.
        Operand<TFloat32> w = tf.linalg.transpose(tf.reshape(slice(tf, params, weightStart, wSize),
            stack(tf, gatedUnits, in)), tf.constant(new int[] {1, 0}));
        Operand<TFloat32> r = tf.linalg.transpose(tf.reshape(slice(tf, params, tf.math.add(weightStart, wSize), rSize),
            stack(tf, gatedUnits, units)), tf.constant(new int[] {1, 0}));
        Operand<TInt32> biasStart = tf.math.add(weightCount,
            tf.math.mul(tf.constant(2 * pseudoLayer), gatedUnits));
        Operand<TFloat32> bW = slice(tf, params, biasStart, gatedUnits);
        Operand<TFloat32> bR = slice(tf, params, tf.math.add(biasStart, gatedUnits), gatedUnits);
        weightStart = tf.math.add(weightStart, tf.math.add(wSize, rSize));

        Operand<TFloat32> sequence = d == 0 ? layerInput : tf.reverseSequence(layerInput, lengths, 0L,
            org.tensorflow.op.core.ReverseSequence.batchDim(1L));
        // The input half of every gate for all steps at once: [T, B, gH].
        Operand<TFloat32> xw = tf.reshape(tf.math.add(tf.linalg.matMul(tf.reshape(sequence,
            stack(tf, tf.constant(-1), in)), w), bW), stack(tf, steps, batch, gatedUnits));
        Operand<TFloat32> hStart = tf.gather(h0, tf.constant(pseudoLayer), tf.constant(0));
        Operand<TFloat32> cStart = tf.gather(c0, tf.constant(pseudoLayer), tf.constant(0));
        Operand<TFloat32> noOutput = tf.zeros(stack(tf, steps, batch, units), TFloat32.class);
        List<Operand<?>> loop = List.of(tf.constant(0), hStart, cStart, noOutput, xw, r, bR, lengths);
        var done = tf.statelessWhile(loop, cond, step).output();
        @SuppressWarnings("unchecked")
        Operand<TFloat32> out = (Operand<TFloat32>) done.get(3);
        outputs.add(d == 0 ? out : tf.reverseSequence(out, lengths, 0L,
            org.tensorflow.op.core.ReverseSequence.batchDim(1L)));
        @SuppressWarnings("unchecked")
        Operand<TFloat32> hEnd = (Operand<TFloat32>) done.get(1);
        @SuppressWarnings("unchecked")
        Operand<TFloat32> cEnd = (Operand<TFloat32>) done.get(2);
        finalH.add(hEnd);
        finalC.add(cEnd);
      }
      layerInput = outputs.size() == 1 ? outputs.get(0) : tf.concat(outputs, tf.constant(2));
    }
    Operand<TFloat32> outputH = tf.stack(finalH);
    Operand<TFloat32> outputC = tf.stack(finalC);
    if (!config.timeMajor()) {
      layerInput = tf.linalg.transpose(layerInput, timeFirst);
      outputH = tf.linalg.transpose(outputH, timeFirst);
      outputC = tf.linalg.transpose(outputC, timeFirst);
    }
    Signature.Builder sig = Signature.builder().key("cudnn_rnn_cpu").input("input", input)
        .input("input_h", inputH).input("input_c", inputC).input("params", params);
    if (sequenceLengths != null) {
      sig.input("sequence_lengths", sequenceLengths);
    }
    return sig.output("output", tf.identity(layerInput)).output("output_h", tf.identity(outputH))
        .output("output_c", tf.identity(outputC)).build();
  }

  /** Loop condition: t < T. Loop variables: t, h, c, out [T, B, H], xw [T, B, gH], r [H, gH], bR [gH], lengths. */
  private static Signature condition(Ops tf) {
    Placeholder<TInt32> t = tf.placeholder(TInt32.class);
    Signature.Builder sig = Signature.builder().key("cudnn_rnn_cpu_cond").input("t", t);
    Placeholder<TFloat32> xw = null;
    for (String name : List.of("h", "c", "out", "xw", "r", "b_r")) {
      Placeholder<TFloat32> p = tf.placeholder(TFloat32.class);
      sig.input(name, p);
      if (name.equals("xw")) {
        xw = p;
      }
    }
    sig.input("lengths", tf.placeholder(TInt32.class));
    return sig.output("more", tf.math.less(t, scalar(tf, tf.shape(xw), 0))).build();
  }

  /** One time step for every sequence of the batch; see the class comment for the equations. */
  private static Signature step(Ops tf, String mode) {
    Placeholder<TInt32> t = tf.placeholder(TInt32.class);
    Placeholder<TFloat32> h = tf.placeholder(TFloat32.class);
    Placeholder<TFloat32> c = tf.placeholder(TFloat32.class);
    Placeholder<TFloat32> out = tf.placeholder(TFloat32.class);
    Placeholder<TFloat32> xw = tf.placeholder(TFloat32.class);
    Placeholder<TFloat32> r = tf.placeholder(TFloat32.class);
    Placeholder<TFloat32> bR = tf.placeholder(TFloat32.class);
    Placeholder<TInt32> lengths = tf.placeholder(TInt32.class);

    Operand<TFloat32> xwT = tf.gather(xw, t, tf.constant(0));
    Operand<TFloat32> hr = tf.math.add(tf.linalg.matMul(h, r), bR);
    Operand<TFloat32> newH;
    Operand<TFloat32> newC;
    if (mode.equals("lstm")) {
      List<Operand<TFloat32>> gate = gates(tf, tf.math.add(xwT, hr), 4); // i, f, c, o
      Operand<TFloat32> i = tf.math.sigmoid(gate.get(0));
      Operand<TFloat32> f = tf.math.sigmoid(gate.get(1));
      Operand<TFloat32> candidate = tf.math.tanh(gate.get(2));
      Operand<TFloat32> o = tf.math.sigmoid(gate.get(3));
      newC = tf.math.add(tf.math.mul(f, c), tf.math.mul(i, candidate));
      newH = tf.math.mul(o, tf.math.tanh(newC));
    } else {
      List<Operand<TFloat32>> xg = gates(tf, xwT, 3); // r, z, h
      List<Operand<TFloat32>> hg = gates(tf, hr, 3);
      Operand<TFloat32> reset = tf.math.sigmoid(tf.math.add(xg.get(0), hg.get(0)));
      Operand<TFloat32> update = tf.math.sigmoid(tf.math.add(xg.get(1), hg.get(1)));
      Operand<TFloat32> candidate = tf.math.tanh(tf.math.add(xg.get(2), tf.math.mul(reset, hg.get(2))));
      newH = tf.math.add(tf.math.mul(tf.math.sub(tf.onesLike(update), update), candidate), tf.math.mul(update, h));
      newC = c;
    }
    // Sequences already past their length keep their state and output zeros.
    Operand<org.tensorflow.types.TBool> active = tf.expandDims(tf.math.less(t, lengths), tf.constant(1));
    Operand<TFloat32> keptH = tf.select(active, newH, h);
    Operand<TFloat32> keptC = tf.select(active, newC, c);
    Operand<TFloat32> written = tf.select(active, newH, tf.zerosLike(newH));
    Operand<TFloat32> newOut = tf.tensorScatterNdUpdate(out, tf.reshape(t, tf.constant(new int[] {1, 1})),
        tf.expandDims(written, tf.constant(0)));
    return Signature.builder().key("cudnn_rnn_cpu_step")
        .input("t", t).input("h", h).input("c", c).input("out", out).input("xw", xw).input("r", r)
        .input("b_r", bR).input("lengths", lengths)
        .output("t_next", tf.math.add(t, tf.constant(1))).output("h_next", keptH).output("c_next", keptC)
        .output("out_next", newOut).output("xw_same", tf.identity(xw)).output("r_same", tf.identity(r))
        .output("b_r_same", tf.identity(bR)).output("lengths_same", tf.identity(lengths)).build();
  }

  private static List<Operand<TFloat32>> gates(Ops tf, Operand<TFloat32> all, int count) {
    Split<TFloat32> split = tf.split(tf.constant(1), all, (long) count);
    return new ArrayList<>(split.output());
  }

  private static Operand<TInt32> scalar(Ops tf, Operand<TInt32> shape, int index) {
    return tf.gather(shape, tf.constant(index), tf.constant(0));
  }

  private static Operand<TInt32> stack(Ops tf, Operand<TInt32>... dims) {
    return tf.stack(List.of(dims));
  }

  private static Operand<TFloat32> slice(Ops tf, Operand<TFloat32> flat, Operand<TInt32> start,
      Operand<TInt32> size) {
    return tf.slice(flat, tf.expandDims(start, tf.constant(0)), tf.expandDims(size, tf.constant(0)));
  }
}
