package org.introdl.keras;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * SimpleRNN, LSTM and GRU, unrolled over the input's fixed number of steps: one readable block of graph ops per
 * step, the way Keras itself runs {@code unroll=True}. The input projection x.W + b is computed for all steps at
 * once; each step then adds h.U and applies the gates. Keras's gate orders: LSTM i, f, c, o; GRU z, r, h. A masked
 * step (Masking, or Embedding with mask_zero) keeps the previous state, as Keras does.
 */
final class Recurrent {
  private static final Pattern KERAS1_WEIGHT = Pattern.compile(".*_([WUb])_([a-z])(:\\d+)?$");

  private Recurrent() {}

  /** Gates per cell: SimpleRNN 1, GRU 3, LSTM 4. */
  private static int gates(String className) {
    return switch (className) {
      case "LSTM" -> 4;
      case "GRU" -> 3;
      default -> 1;
    };
  }

  static Layers.Built build(LayerCall call) {
    Ops tf = call.tf;
    String kind = call.layer.className();
    LayerConfig cfg = call.config;
    int units = cfg.units();
    int g = gates(kind);
    Fused w = fusedWeights(call, g, units);
    String activation = cfg.activation("activation", "tanh");
    String recurrentActivation = cfg.has("recurrent_activation") ? cfg.activation("recurrent_activation", "sigmoid")
        : cfg.activation("inner_activation", call.kerasMajor >= 3 ? "sigmoid" : "hard_sigmoid");
    boolean resetAfter = kind.equals("GRU") && (w.bias != null && w.bias.rank() == 2);

    Operand<TFloat32> x = call.input();
    if (x.shape().numDimensions() != 3) {
      throw call.error("expects input [batch, steps, features], got " + KerasGraph.shapeText(x.shape()));
    }
    long steps = call.dim(x, 1, "number of time steps (declare the input's sequence length)");
    Operand<TFloat32> kernel = call.variable("kernel", w.kernel);
    Operand<TFloat32> recurrent = call.variable("recurrent_kernel", w.recurrent);
    Operand<TFloat32> bias = w.bias == null ? null : call.variable("bias", w.bias);
    Operand<TFloat32> inputBias = bias;
    Operand<TFloat32> recurrentBias = null;
    if (resetAfter) {
      inputBias = row(tf, bias, 0, g * units);
      recurrentBias = row(tf, bias, 1, g * units);
    }
    Operand<TFloat32> projected = Layers.matMulLast(tf, x, kernel, g * units);
    if (inputBias != null) {
      projected = tf.math.add(projected, inputBias);
    }
    List<Operand<TFloat32>> xs = unstack(tf, projected, steps);
    List<Operand<TBool>> masks = call.inputMask() == null ? null : unstackMask(tf, call.inputMask(), steps);
    if (cfg.bool("go_backwards", false)) {
      Collections.reverse(xs);
      if (masks != null) {
        Collections.reverse(masks);
      }
    }

    Operand<TFloat32> h = zeros(tf, x, units);
    Operand<TFloat32> c = kind.equals("LSTM") ? h : null;
    Step step = new Step(tf, units, recurrent, recurrentBias, activation, recurrentActivation, call);
    List<Operand<TFloat32>> outputs = new ArrayList<>();
    for (int t = 0; t < xs.size(); t++) {
      State next = switch (kind) {
        case "LSTM" -> step.lstm(xs.get(t), h, c);
        case "GRU" -> step.gru(xs.get(t), h, resetAfter);
        default -> step.simple(xs.get(t), h);
      };
      if (masks != null) {
        Operand<TBool> m = masks.get(t);
        h = tf.select(m, next.h(), h);
        c = c == null ? null : tf.select(m, next.c(), c);
      } else {
        h = next.h();
        c = next.c();
      }
      outputs.add(h);
    }
    boolean sequences = cfg.bool("return_sequences", false);
    Operand<TFloat32> output = sequences ? tf.stack(outputs, org.tensorflow.op.core.Stack.axis(1L)) : h;
    Operand<TBool> outMask = sequences ? call.inputMask() : null;
    if (cfg.bool("return_state", false)) {
      List<Operand<TFloat32>> all = new ArrayList<>(List.of(output, h));
      if (c != null) {
        all.add(c);
      }
      return new Layers.Built(all, outMask);
    }
    return Layers.Built.of(output, outMask);
  }

  /** A cell's state after a step: h, and c for an LSTM (null otherwise). */
  private record State(Operand<TFloat32> h, Operand<TFloat32> c) {}

  /** One step of each cell. */
  private record Step(Ops tf, int units, Operand<TFloat32> recurrent, Operand<TFloat32> recurrentBias,
      String activation, String recurrentActivation, LayerCall call) {

    Operand<TFloat32> act(Operand<TFloat32> v) {
      return Layers.activation(call, activation, v);
    }

    Operand<TFloat32> gate(Operand<TFloat32> v) {
      return Layers.activation(call, recurrentActivation, v);
    }

    State simple(Operand<TFloat32> xw, Operand<TFloat32> h) {
      return new State(act(tf.math.add(xw, tf.linalg.matMul(h, recurrent))), null);
    }

    State lstm(Operand<TFloat32> xw, Operand<TFloat32> h, Operand<TFloat32> c) {
      List<Operand<TFloat32>> z = split(tf.math.add(xw, tf.linalg.matMul(h, recurrent)), 4);
      Operand<TFloat32> i = gate(z.get(0));
      Operand<TFloat32> f = gate(z.get(1));
      Operand<TFloat32> candidate = act(z.get(2));
      Operand<TFloat32> o = gate(z.get(3));
      Operand<TFloat32> cNew = tf.math.add(tf.math.mul(f, c), tf.math.mul(i, candidate));
      return new State(tf.math.mul(o, act(cNew)), cNew);
    }

    /**
     * reset_after=False (Keras 1 and 2's default): the reset gate scales h before the recurrent product.
     * reset_after=True (Keras 3's and cuDNN's): it scales the product, which has its own bias.
     */
    State gru(Operand<TFloat32> xw, Operand<TFloat32> h, boolean resetAfter) {
      List<Operand<TFloat32>> xg = split(xw, 3);
      Operand<TFloat32> z;
      Operand<TFloat32> r;
      Operand<TFloat32> candidate;
      if (resetAfter) {
        Operand<TFloat32> inner = tf.linalg.matMul(h, recurrent);
        if (recurrentBias != null) {
          inner = tf.math.add(inner, recurrentBias);
        }
        List<Operand<TFloat32>> hg = split(inner, 3);
        z = gate(tf.math.add(xg.get(0), hg.get(0)));
        r = gate(tf.math.add(xg.get(1), hg.get(1)));
        candidate = act(tf.math.add(xg.get(2), tf.math.mul(r, hg.get(2))));
      } else {
        Operand<TFloat32> zr = tf.linalg.matMul(h, columns(recurrent, 0, 2 * units));
        List<Operand<TFloat32>> hg = split(zr, 2);
        z = gate(tf.math.add(xg.get(0), hg.get(0)));
        r = gate(tf.math.add(xg.get(1), hg.get(1)));
        candidate = act(tf.math.add(xg.get(2), tf.linalg.matMul(tf.math.mul(r, h),
            columns(recurrent, 2 * units, units))));
      }
      // h' = z * h + (1 - z) * candidate
      Operand<TFloat32> hNew = tf.math.add(tf.math.mul(z, h),
          tf.math.mul(tf.math.sub(tf.constant(1f), z), candidate));
      return new State(hNew, null);
    }

    List<Operand<TFloat32>> split(Operand<TFloat32> v, int n) {
      return new ArrayList<>(tf.split(tf.constant(1), v, (long) n).output());
    }

    Operand<TFloat32> columns(Operand<TFloat32> m, int from, int count) {
      return tf.slice(m, tf.constant(new int[] {0, from}), tf.constant(new int[] {-1, count}));
    }
  }

  /** Keras 2 and 3: kernel, recurrent_kernel, bias. Keras 1: one W, U, b per gate, fused here in Keras 2's order. */
  private record Fused(WeightArray kernel, WeightArray recurrent, WeightArray bias) {}

  private static Fused fusedWeights(LayerCall call, int g, int units) {
    List<WeightArray> ws = call.weights();
    boolean bias = call.config.useBias();
    if (ws.size() == 3 * g && g > 1) {
      String order = g == 4 ? "ifco" : "zrh";
      WeightArray[][] parts = new WeightArray[3][g];
      for (WeightArray w : ws) {
        Matcher m = KERAS1_WEIGHT.matcher(w.name());
        int gate = m.matches() ? order.indexOf(m.group(2)) : -1;
        if (gate < 0) {
          throw call.error("has a Keras 1 weight '" + w.name() + "' that is not W/U/b of a gate " + order);
        }
        parts["WUb".indexOf(m.group(1))][gate] = w;
      }
      return new Fused(WeightArray.concatLast("kernel", List.of(parts[0])),
          WeightArray.concatLast("recurrent_kernel", List.of(parts[1])),
          WeightArray.concatLast("bias", List.of(parts[2])));
    }
    call.expectWeights(bias ? 3 : 2);
    WeightArray kernel = call.weight(0);
    WeightArray recurrent = call.weight(1);
    if (kernel.rank() != 2 || kernel.dim(1) != g * units || recurrent.rank() != 2 || recurrent.dim(0) != units) {
      throw call.error("has kernels " + kernel.shapeText() + " and " + recurrent.shapeText() + ", expected (features, "
          + g * units + ") and (" + units + ", " + g * units + ")");
    }
    return new Fused(kernel, recurrent, bias ? call.weight(2) : null);
  }

  /** Bidirectional: the forward layer, the backward one on the reversed steps, merged (concat by default). */
  static Layers.Built bidirectional(LayerCall call) {
    Ops tf = call.tf;
    List<WeightArray> ws = call.weights();
    if (ws.size() % 2 != 0) {
      throw call.error("has " + ws.size() + " weights, expected as many for each direction");
    }
    List<WeightArray> forwardWeights = ws.subList(0, ws.size() / 2);
    List<WeightArray> backwardWeights = ws.subList(ws.size() / 2, ws.size());
    List<Operand<? extends TType>> in = List.of(call.input());
    List<Operand<TBool>> masks = call.inputMask() == null ? List.of() : List.of(call.inputMask());
    LayerCall forward = call.wrapped("layer", in, masks, forwardWeights);
    LayerCall backward;
    if (call.layer.config().has("backward_layer")) {
      backward = call.wrapped("backward_layer", in, masks, backwardWeights);
    } else {
      ObjectNode flipped = call.layer.config().deepCopy();
      ObjectNode inner = (ObjectNode) flipped.get("layer");
      ObjectNode innerConfig = (ObjectNode) inner.get("config");
      innerConfig.put("go_backwards", !innerConfig.path("go_backwards").asBoolean(false));
      innerConfig.put("name", "backward_" + innerConfig.path("name").asText("layer"));
      KerasModel.Layer copy = new KerasModel.Layer(call.layer.name(), call.layer.className(), flipped,
          call.layer.raw(), call.layer.calls(), null);
      backward = call.withLayer(copy).wrapped("layer", in, masks, backwardWeights);
    }
    if (forward.config.bool("return_state", false)) {
      throw call.error("wraps a layer with return_state, which this importer does not build for Bidirectional");
    }
    Operand<TFloat32> f = build(forward).outputs().get(0);
    Layers.Built b = build(backward);
    Operand<TFloat32> bo = b.outputs().get(0);
    boolean sequences = forward.config.bool("return_sequences", false);
    if (sequences) {
      bo = tf.reverse(bo, tf.constant(new int[] {1}));
    }
    String mode = call.config.string("merge_mode", "concat");
    Operand<TFloat32> y = switch (mode) {
      case "concat" -> tf.concat(List.of(f, bo), tf.constant(-1));
      case "sum" -> tf.math.add(f, bo);
      case "mul" -> tf.math.mul(f, bo);
      case "ave" -> tf.math.mul(tf.math.add(f, bo), tf.constant(0.5f));
      default -> throw call.error("uses merge_mode '" + mode + "', which this importer does not build");
    };
    return Layers.Built.of(y, sequences ? call.inputMask() : null);
  }

  private static Operand<TFloat32> row(Ops tf, Operand<TFloat32> m, int r, int width) {
    return tf.reshape(tf.slice(m, tf.constant(new int[] {r, 0}), tf.constant(new int[] {1, width})),
        tf.constant(new int[] {width}));
  }

  private static List<Operand<TFloat32>> unstack(Ops tf, Operand<TFloat32> x, long steps) {
    return new ArrayList<>(tf.unstack(x, steps, org.tensorflow.op.core.Unstack.axis(1L)).output());
  }

  /** The mask [batch, steps] as one [batch, 1] condition per step. */
  private static List<Operand<TBool>> unstackMask(Ops tf, Operand<TBool> mask, long steps) {
    List<Operand<TBool>> out = new ArrayList<>();
    for (Operand<TBool> m : tf.unstack(mask, steps, org.tensorflow.op.core.Unstack.axis(1L)).output()) {
      out.add(tf.expandDims(m, tf.constant(-1)));
    }
    return out;
  }

  /** A zero state [batch, units], the batch taken from x at run time. */
  private static Operand<TFloat32> zeros(Ops tf, Operand<TFloat32> x, int units) {
    Operand<TInt32> batch = tf.slice(tf.shape(x), tf.constant(new int[] {0}), tf.constant(new int[] {1}));
    return tf.fill(tf.concat(List.of(batch, tf.constant(new int[] {units})), tf.constant(0)), tf.constant(0f));
  }
}
