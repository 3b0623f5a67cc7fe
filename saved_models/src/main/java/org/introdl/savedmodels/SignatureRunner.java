package org.introdl.savedmodels;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.introdl.core.UserError;
import org.introdl.core.io.Npy;
import org.introdl.core.safety.RunLimits;
import org.introdl.core.safety.UnsafeOps;
import org.introdl.core.safety.Watchdog;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.RunOptions;

/**
 * {@code savedmodel run}: checks the inputs against the signature, scans what loading and that signature execute
 * ({@link UnsafeOps#scanSignature}), and only then loads the model and runs the signature, under the run's time limit.
 */
public final class SignatureRunner {
  private SignatureRunner() {}

  /** What to run. */
  public record Request(Path dir, String tag, String signature, Map<String, String> rawInputs, RunLimits limits) {
    /** With the default memory budget and timeout. */
    public Request(Path dir, String tag, String signature, Map<String, String> rawInputs, boolean allowUnsafeOps) {
      this(dir, tag, signature, rawInputs, RunLimits.of(allowUnsafeOps));
    }
  }

  /** The outputs by key, in the signature's key order, and the scan that preceded the run. */
  public record Outcome(SavedModelDir.Signature signature, Map<String, Npy.Array> outputs, UnsafeOps.Report scan) {}

  public static Outcome run(Request request) {
    SavedModelDir model = SavedModelDir.open(request.dir());
    MetaGraphDef metaGraph = model.metaGraph(request.tag());
    SavedModelDir.Signature sig = model.signature(metaGraph, request.signature());
    String what = request.dir() + " signature '" + sig.key() + "'";
    Map<String, Npy.Array> inputs = ModelInputs.resolve(request.rawInputs(), sig.inputs(), what);
    return runChecked(model, metaGraph, sig, inputs, request.limits());
  }

  /** Runs a signature with inputs already checked by {@link ModelInputs#check}. */
  public static Outcome runChecked(SavedModelDir model, MetaGraphDef metaGraph, SavedModelDir.Signature sig,
      Map<String, Npy.Array> inputs, RunLimits limits) {
    UnsafeOps.Report scan = UnsafeOps.scanSignature(metaGraph, sig.key());
    UnsafeOps.requireRunnable(scan, model.dir().toString(), limits);
    for (TensorSpec out : sig.outputs().values()) {
      if (!out.isDense() || out.npyType().isEmpty()) {
        throw new UserError(model.dir() + " signature '" + sig.key() + "': output " + out.describe()
            + " cannot be fetched as an array (float32, float64, int32, int64, bool, uint8 can)");
      }
    }
    String[] tags = metaGraph.getMetaInfoDef().getTagsList().toArray(String[]::new);
    String what = model.dir() + " signature '" + sig.key() + "'";
    RunOptions options = Watchdog.runOptions(limits.timeout());
    Map<String, Npy.Array> outputs = Watchdog.call(limits.timeout(), what, () -> {
      try (SavedModelBundle bundle = load(model.dir(), tags, options)) {
        return feedAndFetch(bundle.session(), sig, inputs, model.dir().toString(), options);
      }
    });
    return new Outcome(sig, outputs, scan);
  }

  /** Loads a SavedModel that has been scanned; {@code options} bound the restore and init ops' run. */
  public static SavedModelBundle load(Path dir, String[] tags, RunOptions options) {
    try {
      return SavedModelBundle.loader(dir.toString()).withTags(tags).withRunOptions(options).load();
    } catch (TensorFlowException | IllegalArgumentException e) {
      throw UserError.inFile(dir, "TensorFlow cannot load this SavedModel (" + ProtoFiles.firstLine(e.getMessage())
          + ")");
    }
  }

  /** Feeds {@code inputs} by tensor name and fetches every output of {@code sig}. */
  public static Map<String, Npy.Array> feedAndFetch(Session session, SavedModelDir.Signature sig,
      Map<String, Npy.Array> inputs, String what, RunOptions options) {
    List<Tensor> fed = new ArrayList<>();
    try {
      Session.Runner runner = session.runner().setOptions(options);
      for (Map.Entry<String, Npy.Array> e : inputs.entrySet()) {
        Tensor t = Tensors.toTensor(e.getValue());
        fed.add(t);
        runner.feed(sig.inputs().get(e.getKey()).tensorName(), t);
      }
      List<String> keys = new ArrayList<>(sig.outputs().keySet());
      keys.forEach(k -> runner.fetch(sig.outputs().get(k).tensorName()));
      try (Result result = runner.run()) {
        Map<String, Npy.Array> out = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
          out.put(keys.get(i), Tensors.toArray(result.get(i), what + " output " + keys.get(i)));
        }
        return out;
      }
    } catch (TensorFlowException | IllegalArgumentException e) {
      throw new UserError(what + ": the model failed to run (" + ProtoFiles.firstLine(e.getMessage()) + ")");
    } finally {
      fed.forEach(Tensor::close);
    }
  }
}
