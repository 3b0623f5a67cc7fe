package org.introdl.savedmodels;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.introdl.core.UserError;
import org.introdl.core.io.Npy;
import org.introdl.core.safety.UnsafeOps;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.MetaGraphDef;

/**
 * {@code savedmodel run}: checks the inputs against the signature, scans the graph for unsafe ops, and only then
 * loads the model and runs the signature.
 */
public final class SignatureRunner {
  private SignatureRunner() {}

  /** What to run. */
  public record Request(Path dir, String tag, String signature, Map<String, String> rawInputs,
      boolean allowUnsafeOps) {}

  /** The outputs by key, in the signature's key order, and the scan that preceded the run. */
  public record Outcome(SavedModelDir.Signature signature, Map<String, Npy.Array> outputs, UnsafeOps.Report scan) {}

  public static Outcome run(Request request) {
    SavedModelDir model = SavedModelDir.open(request.dir());
    MetaGraphDef metaGraph = model.metaGraph(request.tag());
    SavedModelDir.Signature sig = model.signature(metaGraph, request.signature());
    String what = request.dir() + " signature '" + sig.key() + "'";
    Map<String, Npy.Array> inputs = ModelInputs.resolve(request.rawInputs(), sig.inputs(), what);
    return runChecked(model, metaGraph, sig, inputs, request.allowUnsafeOps());
  }

  /** Runs a signature with inputs already checked by {@link ModelInputs#check}. */
  public static Outcome runChecked(SavedModelDir model, MetaGraphDef metaGraph, SavedModelDir.Signature sig,
      Map<String, Npy.Array> inputs, boolean allowUnsafeOps) {
    UnsafeOps.Report scan = UnsafeOps.scan(metaGraph);
    if (!allowUnsafeOps) {
      UnsafeOps.requireSafe(scan, model.dir().toString());
    }
    for (TensorSpec out : sig.outputs().values()) {
      if (!out.isDense() || out.npyType().isEmpty()) {
        throw new UserError(model.dir() + " signature '" + sig.key() + "': output " + out.describe()
            + " cannot be fetched as an array (float32, float64, int32, int64, bool, uint8 can)");
      }
    }
    String[] tags = metaGraph.getMetaInfoDef().getTagsList().toArray(String[]::new);
    try (SavedModelBundle bundle = load(model.dir(), tags)) {
      return new Outcome(sig, feedAndFetch(bundle.session(), sig, inputs, model.dir().toString()), scan);
    }
  }

  public static SavedModelBundle load(Path dir, String[] tags) {
    try {
      return SavedModelBundle.loader(dir.toString()).withTags(tags).load();
    } catch (TensorFlowException | IllegalArgumentException e) {
      throw UserError.inFile(dir, "TensorFlow cannot load this SavedModel (" + ProtoFiles.firstLine(e.getMessage())
          + ")");
    }
  }

  /** Feeds {@code inputs} by tensor name and fetches every output of {@code sig}. */
  public static Map<String, Npy.Array> feedAndFetch(Session session, SavedModelDir.Signature sig,
      Map<String, Npy.Array> inputs, String what) {
    List<Tensor> fed = new ArrayList<>();
    try {
      Session.Runner runner = session.runner();
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
