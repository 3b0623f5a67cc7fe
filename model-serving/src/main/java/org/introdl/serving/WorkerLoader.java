package org.introdl.serving;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.introdl.core.safety.Bytes;
import org.introdl.core.worker.WorkerProcess;
import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.values.TensorValue;
import org.tensorflow.proto.MetaGraphDef;

/**
 * Runs each model version in a worker process of its own ({@link ServingWorker}, started with
 * {@link WorkerProcess#start}), under the model's memory budget: the second layer behind the scan (which the worker
 * runs before TensorFlow sees the model). The server keeps the HTTP side, the JSON and the batching; the worker only
 * sees tensors. A failed CHECK, a segmentation fault or memory past the budget ends that worker alone: the requests
 * it was running get the reason as an error, the version reports it ({@link ServableModel#failure}), and the other
 * models go on serving.
 */
public final class WorkerLoader implements ModelLoader {
  /**
   * How long a worker may take to start its JVM and load TensorFlow, on top of the model's load time limit; the first
   * start on a machine unpacks TensorFlow's library.
   */
  static final Duration STARTUP_ALLOWANCE = Duration.ofMinutes(2);
  /**
   * How long past its deadline a run may go before its worker is stopped, by default: the request has had its 504
   * by then, and a run that TensorFlow could not cancel in this time holds a thread of the worker for good.
   */
  static final Duration HANG_GRACE = Duration.ofSeconds(10);

  private final Consumer<String> log;
  private final Duration hangGrace;

  /** @param log where a worker's own error lines go, one by one */
  public WorkerLoader(Consumer<String> log) {
    this(log, HANG_GRACE);
  }

  /** @param hangGrace how long past its deadline a run may go before its worker is stopped */
  WorkerLoader(Consumer<String> log, Duration hangGrace) {
    this.log = log;
    this.hangGrace = hangGrace;
  }

  @Override
  public ServableModel load(Path versionDir, ModelConfig config) {
    Path dir = versionDir.toAbsolutePath();
    WorkerProcess.Running worker = WorkerProcess.start(new WorkerProcess.Launch(ServingWorker.class.getName(),
        ServingWorker.args(dir, config), config.limits().memoryBudgetBytes(), Duration.ZERO, false),
        line -> log.accept("model " + config.name() + " worker: " + line));
    try {
      DataInputStream in = new DataInputStream(new BufferedInputStream(worker.fromChild(), 1 << 16));
      MetaGraphDef metaGraph = awaitLoaded(worker, in, versionDir, config);
      return new WorkerModel(versionDir, config, worker, in, metaGraph, hangGrace);
    } catch (RuntimeException e) {
      worker.close();
      throw e;
    }
  }

  /** The worker's first word: the MetaGraph it serves, or why it cannot (its load failure, or how it died). */
  private static MetaGraphDef awaitLoaded(WorkerProcess.Running worker, DataInputStream in, Path versionDir,
      ModelConfig config) {
    CompletableFuture<MetaGraphDef> hello = CompletableFuture.supplyAsync(() -> {
      try {
        byte kind = in.readByte();
        if (kind == WorkerWire.FAILED) {
          ServingError error = WorkerWire.readError(in);
          // The worker was given the absolute path (its working directory is its own); the user's is shown.
          throw new LoadFailure(error.code(), error.getMessage().replace(versionDir.toAbsolutePath().toString(),
              versionDir.toString()));
        }
        return MetaGraphDef.parseFrom(WorkerWire.readBytes(in));
      } catch (IOException diedWhileLoading) {
        throw new LoadFailure(ServingError.Code.UNKNOWN, versionDir + ": " + howItEnded(worker, config));
      }
    });
    Duration limit = config.limits().timeout().isZero() ? Duration.ofDays(1)
        : config.limits().timeout().plus(STARTUP_ALLOWANCE);
    try {
      return hello.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      worker.kill();
      throw new LoadFailure(ServingError.Code.DEADLINE_EXCEEDED, versionDir + ": the model did not load in "
          + config.limits().timeout().toSeconds() + " s and was stopped (--timeout SECONDS to change)");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof LoadFailure f ? f
          : new LoadFailure(ServingError.Code.UNKNOWN, versionDir + ": " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LoadFailure(ServingError.Code.CANCELLED, versionDir + ": loading was interrupted");
    }
  }

  /** A worker that is gone, in the words of the command line's broker. */
  static String howItEnded(WorkerProcess.Running worker, ModelConfig config) {
    WorkerProcess.Exit exit;
    try {
      exit = worker.exit().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "its worker process was interrupted";
    } catch (ExecutionException | TimeoutException e) {
      return "its worker process ended (" + e + ")";
    }
    return switch (exit.ending()) {
      case CRASHED -> "the model crashed TensorFlow: " + exit.crashReason();
      case OVER_MEMORY -> "the model exceeded its memory budget of "
          + Bytes.format(config.limits().memoryBudgetBytes()) + " and was stopped (--max-memory SIZE to change)";
      case TIMED_OUT -> "its worker process did not start in time";
      case EXITED -> "its worker process exited with code " + exit.exitCode();
    };
  }

  /** A version served by its worker: each run is sent down the worker's stdin, its answer read from its stdout. */
  private static final class WorkerModel implements ServableModel {
    private final Path versionDir;
    private final ModelConfig config;
    private final WorkerProcess.Running worker;
    private final DataOutputStream requests;
    private final MetaGraphDef metaGraph;
    private final Duration hangGrace;
    private final Map<Long, CompletableFuture<WorkerWire.RunReply>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile String failure;
    private volatile boolean closing;

    WorkerModel(Path versionDir, ModelConfig config, WorkerProcess.Running worker, DataInputStream answers,
        MetaGraphDef metaGraph, Duration hangGrace) {
      this.versionDir = versionDir;
      this.config = config;
      this.hangGrace = hangGrace;
      this.worker = worker;
      this.requests = new DataOutputStream(new BufferedOutputStream(worker.toChild(), 1 << 16));
      this.metaGraph = metaGraph;
      Thread reader = new Thread(() -> readAnswers(answers), "worker-answers-" + config.name());
      reader.setDaemon(true);
      reader.start();
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
      long id = ids.incrementAndGet();
      CompletableFuture<WorkerWire.RunReply> answer = new CompletableFuture<>();
      pending.put(id, answer);
      try {
        send(id, new WorkerWire.RunRequest(id, signature.key(), timeout.toMillis(), inputs));
        WorkerWire.RunReply reply = timeout.isZero() ? answer.get()
            : answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (reply.error() != null) {
          throw reply.error();
        }
        return reply.outputs();
      } catch (TimeoutException e) {
        stopIfStillRunning(answer, timeout);
        throw new ServingError(ServingError.Code.DEADLINE_EXCEEDED, "Deadline Exceeded: the model did not answer"
            + " within " + timeout.toMillis() + " ms");
      } catch (ExecutionException e) {
        throw e.getCause() instanceof ServingError s ? s
            : new ServingError(ServingError.Code.INTERNAL, String.valueOf(e.getCause()));
      } catch (InterruptedException e) {
        pending.remove(id);
        Thread.currentThread().interrupt();
        throw new ServingError(ServingError.Code.CANCELLED, "Cancelled");
      }
    }

    private void send(long id, WorkerWire.RunRequest request) {
      String gone = failure;
      if (gone != null) {
        pending.remove(id);
        throw new ServingError(ServingError.Code.UNAVAILABLE, gone);
      }
      synchronized (requests) {
        try {
          WorkerWire.writeRequest(requests, request);
          requests.flush();
        } catch (IOException e) {
          // The worker died: the answer reader sees its end too and fails this run with the reason.
        }
      }
    }

    /** Hands each answer to its run; when the worker ends, fails every run still waiting with the reason. */
    private void readAnswers(DataInputStream answers) {
      try {
        while (true) {
          WorkerWire.RunReply reply = WorkerWire.readReply(answers);
          CompletableFuture<WorkerWire.RunReply> waiting = pending.remove(reply.id());
          if (waiting != null) {
            waiting.complete(reply);
          }
        }
      } catch (WorkerWire.OutOfTurn broken) {
        stop("its worker broke the answer protocol (" + broken.getMessage() + ") and was stopped");
        failPending();
      } catch (IOException ended) {
        // The end of the pipe, or "Stream closed" when the JDK reaps the process while this thread reads.
        String reason = versionDir + ": " + howItEnded(worker, config);
        if (failure == null) {
          failure = closing ? versionDir + ": unloaded" : reason;
        }
        failPending();
      }
    }

    private void failPending() {
      ServingError error = new ServingError(ServingError.Code.INTERNAL, failure);
      pending.values().forEach(f -> f.completeExceptionally(error));
      pending.clear();
    }

    /**
     * A run past its deadline that has not ended {@code hangGrace} later holds a thread of the worker for good: the
     * worker is stopped (and started again by the server).
     */
    private void stopIfStillRunning(CompletableFuture<WorkerWire.RunReply> answer, Duration timeout) {
      answer.orTimeout(hangGrace.toMillis(), TimeUnit.MILLISECONDS).whenComplete((reply, error) -> {
        if (error instanceof TimeoutException) {
          stop("a run did not finish " + hangGrace.toSeconds() + " s past its deadline of " + timeout.toMillis()
              + " ms; its worker was stopped");
        }
      });
    }

    @Override
    public boolean keepsItsDeadline() {
      return true;
    }

    /** Stops the worker for {@code why}; the status API shows it and the server starts the version again. */
    private void stop(String why) {
      if (failure == null) {
        failure = versionDir + ": " + why;
      }
      worker.kill();
    }

    @Override
    public String failure() {
      return closing ? null : failure;
    }

    @Override
    public void close() {
      closing = true;
      worker.close();
    }

    @Override
    public String toString() {
      return versionDir + " (worker)";
    }
  }
}
