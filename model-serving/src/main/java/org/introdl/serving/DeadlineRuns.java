package org.introdl.serving;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.values.TensorValue;

/**
 * Model runs with a request's deadline: each run happens on {@code pool}, so that the request can answer 504 at its
 * deadline and let the run go (the lease keeps the version loaded until the run ends). A model that keeps its
 * deadline itself (a worker process, which the server only waits for) runs on the request's thread: one hand-off
 * less per request.
 *
 * @param pool where runs happen
 * @param timeout the deadline of one request (zero: none)
 */
public record DeadlineRuns(ExecutorService pool, Duration timeout) {
  public Map<String, TensorValue> run(ServedModel.Lease lease, SavedModelDir.Signature sig,
      Map<String, TensorValue> inputs) {
    if (lease.model().keepsItsDeadline()) {
      return lease.model().run(sig, inputs, timeout);
    }
    Future<Map<String, TensorValue>> result = pool.submit(() -> lease.model().run(sig, inputs, timeout));
    try {
      return timeout.isZero() ? result.get() : result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new ServingError(ServingError.Code.DEADLINE_EXCEEDED, "Deadline Exceeded: the model did not answer"
          + " within " + timeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServingError(ServingError.Code.CANCELLED, "Cancelled");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ServingError s) {
        throw s;
      }
      throw new ServingError(ServingError.Code.INTERNAL, String.valueOf(e.getCause()));
    }
  }
}
