package org.introdl.exercises.grading;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a student's code on a thread of its own and gives up on it after a time limit, so that an endless loop is one
 * line and not a hung command. Time the student's code spends waiting for the lab (a model's prediction, counted
 * through {@link #excluding}) does not count. The thread is a daemon: a loop that never ends cannot keep Java alive.
 */
public final class Watchdog implements AutoCloseable {
  /** How long a student's task may run, in check and in the labs' {@code --exercises} runs. */
  public static final long SECONDS = 60;

  /** The student's code ran past the limit. */
  public static final class TimedOut extends Exception {
    private static final long serialVersionUID = 1L;
    /** How its message, and the verdict made of it, begins. */
    public static final String PREFIX = "did not finish in ";

    TimedOut(long seconds) {
      super(PREFIX + seconds + " s: is there a loop that never ends?");
    }
  }

  private final long seconds;
  private final ExecutorService thread;
  private final AtomicLong labNanos = new AtomicLong();

  public Watchdog(String name, long seconds) {
    this.seconds = seconds;
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Runs {@code work} and returns its result; its own exception comes back as the {@link ExecutionException}'s
   * cause.
   */
  public <T> T run(Callable<T> work) throws TimedOut, ExecutionException, InterruptedException {
    long start = System.nanoTime();
    long labAtStart = labNanos.get();
    Future<T> result = thread.submit(work);
    while (true) {
      try {
        return result.get(200, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        long own = System.nanoTime() - start - (labNanos.get() - labAtStart);
        if (own > TimeUnit.SECONDS.toNanos(seconds)) {
          result.cancel(true);
          throw new TimedOut(seconds);
        }
      }
    }
  }

  /** Runs {@code labWork} (called from the student's code) without counting its time against the student. */
  public <T> T excluding(java.util.function.Supplier<T> labWork) {
    long start = System.nanoTime();
    try {
      return labWork.get();
    } finally {
      labNanos.addAndGet(System.nanoTime() - start);
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
