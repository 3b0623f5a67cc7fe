package org.introdl.core.safety;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.introdl.core.UserError;
import org.tensorflow.proto.RunOptions;

/**
 * Ends a model run that does not finish. A TensorFlow session run cannot be interrupted from Java, and
 * {@code RunOptions.timeout_in_ms} only cancels ops that check for cancellation (an endless {@code While} loop does
 * not). So the run (loading included) happens on a daemon worker thread; when the limit passes, the caller gets a
 * {@link TimedOut} error and the CLI prints it and exits the process, which ends the worker. The worker's
 * TensorFlow objects are never closed under it while it runs.
 */
public final class Watchdog {
  /** The run took longer than the limit; the worker thread was abandoned (the process should exit). */
  public static final class TimedOut extends UserError {
    private static final long serialVersionUID = 1L;

    TimedOut(String message) {
      super(message);
    }
  }

  private Watchdog() {}

  /** Runs {@code work} and returns its result, or throws {@link TimedOut} after {@code limit} (zero: no limit). */
  public static <T> T call(Duration limit, String what, Callable<T> work) {
    if (limit.isZero() || limit.isNegative()) {
      return callInline(work);
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread worker = new Thread(() -> {
      try {
        result.complete(work.call());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    }, "model-run");
    worker.setDaemon(true);
    worker.start();
    try {
      return result.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new TimedOut(what + ": the model did not finish within " + seconds(limit)
          + " and was stopped (a hung or very slow model; --timeout SECONDS to change, 0 for no limit)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError(what + ": interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Run options that also ask TensorFlow to cancel the step at the limit (for ops that honour cancellation). */
  public static RunOptions runOptions(Duration limit) {
    RunOptions.Builder b = RunOptions.newBuilder();
    if (!limit.isZero() && !limit.isNegative()) {
      b.setTimeoutInMs(limit.toMillis());
    }
    return b.build();
  }

  private static <T> T callInline(Callable<T> work) {
    try {
      return work.call();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String seconds(Duration d) {
    long s = d.toSeconds();
    return s > 0 && d.toMillis() % 1000 == 0 ? s + " s" : d.toMillis() + " ms";
  }
}
