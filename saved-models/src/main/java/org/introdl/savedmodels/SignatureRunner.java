package org.introdl.savedmodels;

import org.introdl.savedmodels.format.ProtoFiles;
import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.values.Dtypes;
import org.introdl.savedmodels.values.TensorSpec;
import org.introdl.savedmodels.values.TensorValue;
import org.introdl.savedmodels.values.Tensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.introdl.core.UserError;
import org.introdl.core.io.Npy;
import org.introdl.core.safety.RunLimits;
import org.introdl.savedmodels.safety.UnsafeOps;
import org.introdl.savedmodels.checkpoint.TensorBundleIndex;
import org.introdl.core.safety.Watchdog;
import org.introdl.savedmodels.repair.RepairedModel;
import org.introdl.savedmodels.repair.SignatureRepair;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.RunOptions;

/**
 * {@code savedmodel run}: checks the inputs against the signature, repairs what would stop the model from loading
 * here (see {@link RepairedModel}), scans what loading and the called signatures execute
 * ({@link UnsafeOps#scanSignatures}), and only then loads the model and runs the signature, or several signatures in
 * order on the one loaded model (a session script, for models with state), under the run's time limit.
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

  /** The outputs by key, in the signature's key order, the scan that preceded the run, and what was repaired. */
  public record Outcome(SavedModelDir.Signature signature, Map<String, Npy.Array> outputs, UnsafeOps.Report scan,
      List<String> notes) {}

  /**
   * One call of a session script: a signature and its raw inputs ({@code key=VALUE} as for {@code --input}), or
   * {@code examples}: JSON for the signature's one string input, as {@code tf.Example} protos (may be null).
   */
  public record Call(String signature, Map<String, String> rawInputs, String examples) {
    public Call(String signature, Map<String, String> rawInputs) {
      this(signature, rawInputs, null);
    }
  }

  /** Signatures called in order on one loaded model. */
  public record Script(Path dir, String tag, List<Call> calls, RunLimits limits) {
    /** With the default memory budget and timeout. */
    public Script(Path dir, String tag, List<Call> calls, boolean allowUnsafeOps) {
      this(dir, tag, calls, RunLimits.of(allowUnsafeOps));
    }
  }

  /** What one call returned. */
  public record CallResult(SavedModelDir.Signature signature, Map<String, TensorValue> outputs) {}

  /** Every call's result in order, the scan that preceded the run, and one line per repair made before loading. */
  public record ScriptOutcome(List<CallResult> results, UnsafeOps.Report scan, List<String> notes) {}

  public static Outcome run(Request request) {
    SavedModelDir model = SavedModelDir.open(request.dir());
    MetaGraphDef metaGraph = model.metaGraph(request.tag());
    SavedModelDir.Signature declared = model.signature(metaGraph, request.signature());
    SavedModelDir.Signature sig = SignatureRepair.followPlaceholders(metaGraph, declared);
    String what = request.dir() + " signature '" + sig.key() + "'";
    Map<String, Npy.Array> inputs = ModelInputs.resolve(request.rawInputs(), sig.inputs(), what,
        SignatureRepair.contradicted(declared, sig));
    return runChecked(model, metaGraph, sig, inputs, request.limits());
  }

  /** Runs a signature with inputs already checked by {@link ModelInputs#check}. */
  public static Outcome runChecked(SavedModelDir model, MetaGraphDef metaGraph, SavedModelDir.Signature sig,
      Map<String, Npy.Array> inputs, RunLimits limits) {
    Map<String, TensorValue> values = TensorValue.numbers(inputs);
    ScriptOutcome outcome = runPrepared(model, metaGraph, List.of(new PreparedCall(sig, values)), limits);
    Map<String, Npy.Array> arrays = new LinkedHashMap<>();
    outcome.results().get(0).outputs().forEach((k, v) -> arrays.put(k, numbers(v, model.dir() + " signature '"
        + sig.key() + "' output " + k)));
    return new Outcome(sig, arrays, outcome.scan(), outcome.notes());
  }

  /** Runs every call of {@code script} in order on one loaded model; every call's inputs are checked first. */
  public static ScriptOutcome run(Script script) {
    if (script.calls().isEmpty()) {
      throw new UserError("nothing to run: give a signature to call");
    }
    SavedModelDir model = SavedModelDir.open(script.dir());
    MetaGraphDef metaGraph = model.metaGraph(script.tag());
    List<PreparedCall> prepared = new ArrayList<>();
    for (Call call : script.calls()) {
      SavedModelDir.Signature declared = model.signature(metaGraph, call.signature());
      SavedModelDir.Signature sig = SignatureRepair.followPlaceholders(metaGraph, declared);
      String what = script.dir() + " signature '" + sig.key() + "'";
      Map<String, String> raw = call.examples() == null ? call.rawInputs() : withExamples(call, sig, what);
      prepared.add(new PreparedCall(sig, ModelInputs.resolveValues(raw, sig.inputs(), what,
          SignatureRepair.contradicted(declared, sig))));
    }
    return runPrepared(model, metaGraph, prepared, script.limits());
  }

  /** The raw inputs plus the examples, fed to the signature's one string input. */
  private static Map<String, String> withExamples(Call call, SavedModelDir.Signature sig, String what) {
    List<String> stringInputs = sig.inputs().values().stream().filter(TensorSpec::isString).map(TensorSpec::key)
        .toList();
    if (stringInputs.size() != 1) {
      throw new UserError(what + ": --examples needs a signature with one string input (serialized tf.Example), "
          + "this one takes " + sig.expectedInputs());
    }
    String key = stringInputs.get(0);
    if (call.rawInputs().containsKey(key)) {
      throw new UserError(what + ": input " + key + " is given twice (--input and --examples)");
    }
    if (!call.examples().strip().startsWith("[")) {
      throw new UserError("--examples: expected a JSON list of objects, e.g. '[{\"x\": 2.0}]'");
    }
    Map<String, String> raw = new LinkedHashMap<>(call.rawInputs());
    raw.put(key, call.examples());
    return raw;
  }

  private record PreparedCall(SavedModelDir.Signature signature, Map<String, TensorValue> inputs) {}

  private static ScriptOutcome runPrepared(SavedModelDir model, MetaGraphDef metaGraph, List<PreparedCall> calls,
      RunLimits limits) {
    for (PreparedCall call : calls) {
      for (TensorSpec out : call.signature().outputs().values()) {
        if (!out.isFetchable()) {
          throw new UserError(model.dir() + " signature '" + call.signature().key() + "': output " + out.describe()
              + " cannot be fetched as an array (real numbers, booleans and strings can)");
        }
      }
    }
    List<String> called = calls.stream().map(c -> c.signature().key()).distinct().toList();
    // The model as it came first: the repairs import its graph into TensorFlow, whose shape inference already
    // evaluates its stateless ops. The repaired graph is scanned again below (the rewrite adds only allowed ops).
    Path index = model.dir().resolve("variables/variables.index");
    UnsafeOps.Report asItCame = UnsafeOps.scanSignatures(metaGraph, called)
        .withCheckpoint(index.toString(), TensorBundleIndex.declaredBytes(index));
    UnsafeOps.requireSafeWithin(asItCame, model.dir().toString(), limits);
    try (RepairedModel repaired = RepairedModel.prepare(model, metaGraph, called)) {
      UnsafeOps.Report scan = repaired.metaGraph() == metaGraph ? asItCame
          : UnsafeOps.scanSignatures(repaired.metaGraph(), called)
              .withCheckpoint(index.toString(), TensorBundleIndex.declaredBytes(index));
      if (!scan.needsGpuKernel().isEmpty()) {
        // A cuDNN layer the rewrite refused: its note says why and what to do, better than "needs a GPU kernel".
        refusedRewrite(repaired.notes()).ifPresent(note -> {
          throw UserError.inFile(model.dir(), note);
        });
      }
      UnsafeOps.requireRunnable(scan, model.dir().toString(), limits);
      String[] tags = metaGraph.getMetaInfoDef().getTagsList().toArray(String[]::new);
      RunOptions options = Watchdog.runOptions(limits.timeout());
      String what = model.dir() + " signature" + (called.size() == 1 ? " '" : "s '") + String.join("', '", called)
          + "'";
      List<CallResult> results = Watchdog.call(limits.timeout(), what, () -> {
        try (SavedModelBundle bundle = load(repaired.loadDir(), tags, options, model.dir())) {
          return callAll(bundle, calls, options, model.dir());
        } catch (UserError e) {
          throw explained(e, repaired.notes(), model.dir());
        }
      });
      return new ScriptOutcome(results, scan, repaired.notes());
    }
  }

  /** Each call in order on the one loaded model. */
  private static List<CallResult> callAll(SavedModelBundle bundle, List<PreparedCall> calls, RunOptions options,
      Path dir) {
    List<CallResult> results = new ArrayList<>();
    for (PreparedCall call : calls) {
      String what = dir + " signature '" + call.signature().key() + "'";
      SavedModelDir.Signature fetched = withFetchCasts(bundle.graph(), call.signature());
      Map<String, TensorValue> outputs = feedAndFetchValues(bundle.session(), fetched, call.inputs(), what, options);
      call.signature().outputs().forEach((k, spec) -> {
        if (outputs.get(k) instanceof TensorValue.Numbers n && spec != fetched.outputs().get(k)) {
          outputs.put(k, new TensorValue.Numbers(n.array(), spec.dtype()));
        }
      });
      results.add(new CallResult(call.signature(), outputs));
    }
    return results;
  }

  /**
   * {@code sig} with each output of a dtype TensorFlow Java cannot fetch (int8, uint32, ...) replaced by a
   * {@code Cast} of it, added to the loaded graph, to a dtype it can; the others unchanged.
   */
  private static SavedModelDir.Signature withFetchCasts(org.tensorflow.Graph graph, SavedModelDir.Signature sig) {
    Map<String, TensorSpec> outputs = new LinkedHashMap<>();
    sig.outputs().forEach((k, spec) -> {
      var cast = spec.isExchangeable() ? java.util.Optional.<org.tensorflow.proto.DataType>empty()
          : Dtypes.fetchCast(spec.dtype());
      if (cast.isEmpty()) {
        outputs.put(k, spec);
        return;
      }
      String name = graph.baseScope().makeOpName("fetch_as_" + Dtypes.name(cast.get()));
      var op = graph.opBuilder("Cast", name, graph.baseScope()).addInput(graph.outputOrThrow(spec.tensorName()))
          .setAttr("DstT", cast.get()).build();
      outputs.put(k, new TensorSpec(k, op.name() + ":0", cast.get(), spec.shape()));
    });
    return new SavedModelDir.Signature(sig.key(), sig.methodName(), sig.inputs(), outputs);
  }

  /** A failure to load or run where a repair was refused: the refusal says why, better than TensorFlow does. */
  private static UserError explained(UserError e, List<String> notes, Path dir) {
    return e.getMessage().contains("OpKernel") ? refusedRewrite(notes).map(n -> UserError.inFile(dir, n)).orElse(e)
        : e;
  }

  private static java.util.Optional<String> refusedRewrite(List<String> notes) {
    return notes.stream().filter(n -> n.startsWith("cannot rewrite")).findFirst();
  }

  /** Loads a SavedModel that has been scanned; {@code options} bound the restore and init ops' run. */
  public static SavedModelBundle load(Path dir, String[] tags, RunOptions options) {
    return load(dir, tags, options, dir);
  }

  /** Loads {@code dir} (perhaps a repaired copy); errors name {@code shownAs}, the folder the user gave. */
  private static SavedModelBundle load(Path dir, String[] tags, RunOptions options, Path shownAs) {
    try {
      return SavedModelBundle.loader(dir.toString()).withTags(tags).withRunOptions(options).load();
    } catch (TensorFlowException | IllegalArgumentException e) {
      throw UserError.inFile(shownAs, "TensorFlow cannot load this SavedModel ("
          + ProtoFiles.firstLine(e.getMessage()) + ")");
    }
  }

  /** Feeds {@code inputs} by tensor name and fetches every output of {@code sig}. */
  public static Map<String, Npy.Array> feedAndFetch(Session session, SavedModelDir.Signature sig,
      Map<String, Npy.Array> inputs, String what, RunOptions options) {
    Map<String, TensorValue> values = TensorValue.numbers(inputs);
    Map<String, Npy.Array> arrays = new LinkedHashMap<>();
    feedAndFetchValues(session, sig, values, what, options).forEach((k, v) -> arrays.put(k, numbers(v, what + " output " + k)));
    return arrays;
  }

  /** Like {@link #feedAndFetch}, for values of any dtype the signature can exchange, strings included. */
  public static Map<String, TensorValue> feedAndFetchValues(Session session, SavedModelDir.Signature sig,
      Map<String, TensorValue> inputs, String what, RunOptions options) {
    List<Tensor> fed = new ArrayList<>();
    try {
      Session.Runner runner = session.runner().setOptions(options);
      for (Map.Entry<String, TensorValue> e : inputs.entrySet()) {
        TensorSpec spec = sig.inputs().get(e.getKey());
        Tensor t = Tensors.toTensor(e.getValue(), spec.dtype(), what + " input " + e.getKey());
        fed.add(t);
        runner.feed(spec.tensorName(), t);
      }
      List<String> keys = new ArrayList<>(sig.outputs().keySet());
      keys.forEach(k -> runner.fetch(sig.outputs().get(k).tensorName()));
      try (Result result = runner.run()) {
        Map<String, TensorValue> out = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
          out.put(keys.get(i), Tensors.toValue(result.get(i), what + " output " + keys.get(i)));
        }
        return out;
      }
    } catch (TensorFlowException | IllegalArgumentException e) {
      throw new UserError(what + ": the model failed to run (" + ProtoFiles.firstLine(e.getMessage()) + ")");
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  private static Npy.Array numbers(TensorValue value, String what) {
    if (value instanceof TensorValue.Numbers n) {
      return n.array();
    }
    throw new UserError(what + ": holds strings, which this command cannot compare or convert; use savedmodel run");
  }
}
