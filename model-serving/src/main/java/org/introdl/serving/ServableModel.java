package org.introdl.serving;

import java.time.Duration;
import java.util.Map;
import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.values.TensorValue;
import org.tensorflow.proto.MetaGraphDef;

/**
 * One loaded version of a model, as the server sees it: its signatures and a way to run one. The server never
 * touches TensorFlow itself; today {@link InProcessLoader} loads the version into this process, and a loader that
 * runs it in a separate, resource-limited worker process can take its place without changing the server.
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

  /** Frees the loaded model; called once, when no run is in flight any more. */
  @Override
  void close();
}
