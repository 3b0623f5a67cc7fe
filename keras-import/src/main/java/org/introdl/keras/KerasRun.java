package org.introdl.keras;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.introdl.core.io.Npy;
import org.introdl.core.safety.RunLimits;
import org.introdl.core.safety.Watchdog;
import org.introdl.savedmodels.ModelInputs;
import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.SignatureRunner;
import org.introdl.savedmodels.values.TensorSpec;
import org.tensorflow.Session;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.proto.DataType;

/**
 * {@code keras run}: builds the model's graph, checks the inputs against the model's input layers (names, dtype,
 * shape), runs it and returns each output by the name of its output layer.
 */
public final class KerasRun {
  private KerasRun() {}

  /**
   * {@code inputs} are the raw {@code --input} options: {@code NAME=JSON}, {@code NAME=@file.npy}, or unnamed;
   * {@code limits} bound what the model may declare and how long building and running may take.
   */
  public record Request(KerasSource source, List<String> inputs, RunLimits limits) {
    /** With the default memory budget and timeout. */
    public Request(KerasSource source, List<String> inputs) {
      this(source, inputs, RunLimits.of(false));
    }
  }

  public record Outcome(Map<String, TensorSpec> inputs, Map<String, Npy.Array> outputs) {}

  public static Outcome run(Request request) {
    KerasFile file = request.source().open();
    String what = request.source().shown().toString();
    RunLimits limits = request.limits();
    return Watchdog.call(limits.timeout(), what, () -> {
      try (KerasGraph graph = KerasGraph.build(file, limits)) {
        SavedModelDir.Signature sig = signature(graph);
        Map<String, Npy.Array> inputs = resolve(ModelInputs.parseOptions(request.inputs()), sig.inputs(), what);
        return runChecked(graph, sig, inputs, what, Watchdog.runOptions(limits.timeout()));
      }
    });
  }

  /** Runs the model on arrays already in memory (checked against its inputs first). */
  public static Outcome run(KerasSource source, Map<String, Npy.Array> inputs) {
    try (KerasGraph graph = KerasGraph.build(source.open())) {
      SavedModelDir.Signature sig = signature(graph);
      String what = source.shown().toString();
      ModelInputs.check(inputs, inputs.keySet(), sig.inputs(), what);
      return runChecked(graph, sig, inputs, what, RunOptions.getDefaultInstance());
    }
  }

  /**
   * The inputs as arrays. A float64 {@code .npy} (NumPy's default, {@code np.random.random}) fed to a float32 input
   * is cast to float32, as Keras's {@code predict} does; everything else is read and checked as
   * {@code savedmodel run} does.
   */
  static Map<String, Npy.Array> resolve(Map<String, String> given, Map<String, TensorSpec> expected, String what) {
    Map<String, String> raw = ModelInputs.named(given, expected, what);
    Map<String, String> rest = new LinkedHashMap<>(raw);
    Map<String, Npy.Array> cast = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : raw.entrySet()) {
      TensorSpec spec = expected.get(e.getKey());
      String v = e.getValue();
      if (spec != null && spec.dtype() == DataType.DT_FLOAT && v.startsWith("@") && v.endsWith(".npy")) {
        Npy.Array a = Npy.read(java.nio.file.Path.of(v.substring(1)));
        if (a.dtype() == Npy.DType.FLOAT64) {
          cast.put(e.getKey(), Npy.Array.of(a.toFloats(), a.shape()));
          rest.remove(e.getKey());
        }
      }
    }
    Map<String, TensorSpec> restSpecs = new LinkedHashMap<>(expected);
    restSpecs.keySet().removeAll(cast.keySet());
    Map<String, Npy.Array> inputs = new LinkedHashMap<>(ModelInputs.resolve(rest, restSpecs, what));
    inputs.putAll(cast);
    ModelInputs.check(inputs, raw.keySet(), expected, what);
    return inputs;
  }

  private static Outcome runChecked(KerasGraph graph, SavedModelDir.Signature sig, Map<String, Npy.Array> inputs,
      String what, RunOptions options) {
    try (Session session = graph.openSession()) {
      return new Outcome(sig.inputs(), SignatureRunner.feedAndFetch(session, sig, inputs, what, options));
    }
  }

  /** The graph's inputs and outputs as a signature: what {@code savedmodel run} feeds and fetches by. */
  static SavedModelDir.Signature signature(KerasGraph graph) {
    Map<String, TensorSpec> ins = new LinkedHashMap<>();
    for (KerasGraph.Input in : graph.inputs()) {
      ins.put(in.name(), new TensorSpec(in.name(), in.placeholder().op().name() + ":0", in.dtype(), in.shape()));
    }
    Map<String, TensorSpec> outs = new LinkedHashMap<>();
    graph.outputs().forEach((k, v) -> outs.put(k, new TensorSpec(k, v.op().name() + ":0", DataType.DT_FLOAT,
        v.shape().isUnknown() ? null : v.shape().asArray())));
    return new SavedModelDir.Signature("keras", "tensorflow/serving/predict", ins, outs);
  }
}
