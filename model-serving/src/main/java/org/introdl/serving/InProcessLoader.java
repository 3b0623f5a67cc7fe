package org.introdl.serving;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.introdl.core.UserError;
import org.introdl.core.io.AtomicFiles;
import org.introdl.savedmodels.safety.UnsafeOps;
import org.introdl.core.safety.Watchdog;
import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.SignatureRunner;
import org.introdl.savedmodels.values.TensorSpec;
import org.introdl.savedmodels.values.TensorValue;
import org.introdl.savedmodels.values.Tensors;
import org.introdl.savedmodels.repair.RepairedModel;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.RunOptions;

/**
 * Loads a version into this process the way {@code savedmodel run} does (what each {@link ServingWorker} does in
 * its own process, and the server's {@code --in-process} mode for trusted models): the folder is read and scanned in
 * Java (loading and every signature, since a client may call any), repaired where this runtime needs it, scanned
 * again, and only then handed to TensorFlow. A model with unsafe ops, or declaring more memory than the budget, is
 * refused unless its config allows unsafe ops. A Keras file is imported into a SavedModel first ({@link KerasFiles}).
 */
public final class InProcessLoader implements ModelLoader {
  @Override
  public ServableModel load(Path versionDir, ModelConfig config) {
    if (!KerasFiles.isKerasFile(versionDir)) {
      return load(realPath(versionDir), versionDir, config);
    }
    Path imported;
    try {
      imported = KerasFiles.toSavedModel(versionDir, config.limits());
    } catch (UserError e) {
      throw new LoadFailure(ServingError.Code.UNKNOWN, e.getMessage());
    }
    try {
      return load(imported, versionDir, config);
    } finally {
      AtomicFiles.deleteTreeQuietly(imported.getParent());
    }
  }

  /** Loads the SavedModel in {@code dir}; messages name {@code versionDir}, the path the user gave. */
  private static ServableModel load(Path dir, Path versionDir, ModelConfig config) {
    try {
      SavedModelDir model = SavedModelDir.open(dir);
      MetaGraphDef metaGraph = model.metaGraph(SavedModelDir.DEFAULT_TAG);
      List<String> signatures = new ArrayList<>(metaGraph.getSignatureDefMap().keySet());
      signatures.remove(UnsafeOps.INIT_SIGNATURE);
      UnsafeOps.Report asItCame = UnsafeOps.scanSignatures(metaGraph, signatures);
      refuseUnsafe(() -> UnsafeOps.requireSafeWithin(asItCame, versionDir.toString(), config.limits()));
      try (RepairedModel repaired = RepairedModel.prepare(model, metaGraph, signatures)) {
        UnsafeOps.Report scan = repaired.metaGraph() == metaGraph ? asItCame
            : UnsafeOps.scanSignatures(repaired.metaGraph(), signatures);
        refuseUnsafe(() -> UnsafeOps.requireRunnable(scan, versionDir.toString(), config.limits()));
        String[] tags = metaGraph.getMetaInfoDef().getTagsList().toArray(String[]::new);
        RunOptions options = Watchdog.runOptions(config.limits().timeout());
        SavedModelBundle bundle = Watchdog.call(config.limits().timeout(), versionDir + ": loading",
            () -> SignatureRunner.load(repaired.loadDir(), tags, options));
        return new InProcessModel(model, repaired.metaGraph(), bundle);
      }
    } catch (UserError e) {
      throw new LoadFailure(ServingError.Code.UNKNOWN, e.getMessage());
    }
  }

  /**
   * A version folder that is a link (a deployment that links the newest export in) is scanned and loaded where it
   * points, so that the scan sees the files TensorFlow will read; a plain folder keeps the name the user gave.
   */
  private static Path realPath(Path versionDir) {
    if (!Files.isSymbolicLink(versionDir)) {
      return versionDir;
    }
    try {
      return versionDir.toRealPath();
    } catch (java.io.IOException e) {
      throw new LoadFailure(ServingError.Code.NOT_FOUND, versionDir + ": cannot be read (" + e.getMessage() + ")");
    }
  }

  /** A scan refusal is the model's fault, not a load error: FAILED_PRECONDITION in the status API. */
  private static void refuseUnsafe(Runnable check) {
    try {
      check.run();
    } catch (UserError e) {
      throw new LoadFailure(ServingError.Code.FAILED_PRECONDITION, e.getMessage());
    }
  }

  /** A SavedModelBundle shared by every request thread (TensorFlow sessions allow concurrent runs). */
  private static final class InProcessModel implements ServableModel {
    private final SavedModelDir model;
    private final MetaGraphDef metaGraph;
    private final SavedModelBundle bundle;

    InProcessModel(SavedModelDir model, MetaGraphDef metaGraph, SavedModelBundle bundle) {
      this.model = model;
      this.metaGraph = metaGraph;
      this.bundle = bundle;
    }

    @Override
    public MetaGraphDef metaGraph() {
      return metaGraph;
    }

    @Override
    public SavedModelDir.Signature signature(String key) {
      return ServableModel.signatureOf(metaGraph, key);
    }

    @Override
    public Map<String, TensorValue> run(SavedModelDir.Signature signature, Map<String, TensorValue> inputs,
        Duration timeout) {
      List<Tensor> fed = new ArrayList<>();
      try {
        Session.Runner runner = bundle.session().runner().setOptions(Watchdog.runOptions(timeout));
        for (Map.Entry<String, TensorValue> e : inputs.entrySet()) {
          TensorSpec spec = signature.inputs().get(e.getKey());
          Tensor t = Tensors.toTensor(e.getValue(), spec.dtype(), "input " + e.getKey());
          fed.add(t);
          runner.feed(spec.tensorName(), t);
        }
        List<String> keys = new ArrayList<>(signature.outputs().keySet());
        for (String key : keys) {
          TensorSpec spec = signature.outputs().get(key);
          if (!spec.isExchangeable()) {
            throw new ServingError(ServingError.Code.UNIMPLEMENTED, "output " + spec.describe()
                + " cannot be returned as JSON (real numbers, integers, booleans and strings can)");
          }
          runner.fetch(spec.tensorName());
        }
        try (Result result = runner.run()) {
          Map<String, TensorValue> out = new LinkedHashMap<>();
          for (int i = 0; i < keys.size(); i++) {
            out.put(keys.get(i), Tensors.toValue(result.get(i), "output " + keys.get(i)));
          }
          return out;
        }
      } catch (UserError e) {
        throw ServingError.invalid(e.getMessage());
      } catch (RuntimeException e) {
        if (!e.getClass().getPackageName().equals(TensorFlowException.class.getPackageName())) {
          throw e;
        }
        throw new ServingError(code(e), e.getMessage() == null ? e.toString() : e.getMessage().strip());
      } finally {
        fed.forEach(Tensor::close);
      }
    }

    /** The canonical code of TensorFlow's error, so that a bad input is a 400 and a broken model a 500. */
    private static ServingError.Code code(RuntimeException e) {
      String message = String.valueOf(e.getMessage());
      return switch (e.getClass().getSimpleName()) {
        case "TFInvalidArgumentException" -> ServingError.Code.INVALID_ARGUMENT;
        case "TFFailedPreconditionException" -> ServingError.Code.FAILED_PRECONDITION;
        case "TFOutOfRangeException" -> ServingError.Code.OUT_OF_RANGE;
        case "TFResourceExhaustedException" -> ServingError.Code.RESOURCE_EXHAUSTED;
        case "TFUnimplementedException" -> ServingError.Code.UNIMPLEMENTED;
        default -> message.contains("Deadline") || message.contains("Timed out")
            ? ServingError.Code.DEADLINE_EXCEEDED : ServingError.Code.INTERNAL;
      };
    }

    @Override
    public void close() {
      bundle.close();
    }

    @Override
    public String toString() {
      return model.dir().toString();
    }
  }
}
