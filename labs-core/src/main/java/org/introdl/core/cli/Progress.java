package org.introdl.core.cli;

import java.text.DecimalFormat;
import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A training progress bar: step of total, elapsed time and ETA, steps per second, and the metrics of the last step.
 * Drawn only on an interactive terminal; in CI, tests, or with {@code INTRODL_PROGRESS=off}, it stays silent and
 * callers print plain log lines instead. Until the first step is done it says so ("optimising the graph...": the
 * first run of a graph is TensorFlow's one-time optimisation, several seconds) while the clock keeps ticking.
 */
public final class Progress implements AutoCloseable {
  /** What the bar shows before the first step has finished. */
  public static final String FIRST_STEP_MESSAGE = " optimising the graph...";

  private final ProgressBar bar;

  private Progress(ProgressBar bar) {
    this.bar = bar;
  }

  /** A progress bar over {@code total} steps, starting at {@code initial} (non-zero when resuming). */
  public static Progress start(String task, long total, long initial) {
    if (!enabled()) {
      return new Progress(null);
    }
    ProgressBar bar = new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(total)
        .startsFrom(initial, Duration.ZERO)
        .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
        .setUpdateIntervalMillis(500)
        .continuousUpdate() // redraw (the clock) even while a step is running
        .setUnit(" steps", 1)
        .showSpeed(new DecimalFormat("0.00"))
        .build();
    bar.setExtraMessage(FIRST_STEP_MESSAGE);
    return new Progress(bar);
  }

  /** True when a bar is drawn; when false, callers should log progress as lines. */
  public static boolean enabled() {
    String env = System.getenv("INTRODL_PROGRESS");
    if (env != null) {
      return !env.equalsIgnoreCase("off") && !env.equals("0");
    }
    return System.console() != null && !"true".equalsIgnoreCase(System.getenv("CI"));
  }

  public boolean isDrawn() {
    return bar != null;
  }

  /** Moves to {@code step} and shows {@code metrics} (e.g. "loss 1.23 acc 0.45"). */
  public void step(long step, String metrics) {
    if (bar != null) {
      bar.stepTo(step);
      bar.setExtraMessage(" " + metrics.strip());
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
