package org.introdl.serving;

import java.time.Duration;
import java.util.Map;
import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.values.TensorValue;
import org.tensorflow.proto.MetaGraphDef;

/**
 * One loaded version of a model, as the server sees it: its signatures and a way to run one. The server never
 * touches TensorFlow itself: {@link WorkerLoader} runs each version in a worker process of its own under the
 * operating system's limits, {@link InProcessLoader} loads it into this process (for trusted models).
 * Implementations must allow {@link #run} from several request threads at once.
 */
public interface ServableModel extends AutoCloseable {
  /** The MetaGraph served ({@code serve} tag), whose signature defs the metadata API shows. */
  MetaGraphDef metaGraph();

  /** The signature {@code key}, or a {@link ServingError} when the model has none of that name. */
  SavedModelDir.Signature signature(String key);

  /**
   * Runs {@code signature} on {@code inputs} (one value per input key) and returns every output by key. A run
   * that takes longer than {@code timeout} should be cancelled where the runtime allows; errors are
   * {@link ServingError}s whose code says whose fault they are (a bad input is {@code INVALID_ARGUMENT}).
   */
  Map<String, TensorValue> run(SavedModelDir.Signature signature, Map<String, TensorValue> inputs, Duration timeout);

  /**
   * Whether {@link #run} itself gives up at its {@code timeout} with a {@code DEADLINE_EXCEEDED} error, whatever the
   * runtime does: then the server calls it on the request's own thread, without handing it to a pool to wait for.
   */
  default boolean keepsItsDeadline() {
    return false;
  }

  /**
   * Why this version can no longer serve (its worker process crashed, ran over its memory budget or was stopped),
   * or null while it can; the server then reports it in the status API and starts it again.
   */
  default String failure() {
    return null;
  }

  /** The signature {@code key} of {@code metaGraph}, or TF Serving's error when there is none of that name. */
  static SavedModelDir.Signature signatureOf(MetaGraphDef metaGraph, String key) {
    if (!metaGraph.getSignatureDefMap().containsKey(key)) {
      throw ServingError.invalid("Serving signature name: \"" + key + "\" not found in signature def");
    }
    return SavedModelDir.Signature.of(key, metaGraph.getSignatureDefMap().get(key));
  }

  /** Frees the loaded model; called once, when no run is in flight any more. */
  @Override
  void close();
}
