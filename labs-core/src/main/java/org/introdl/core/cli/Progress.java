package org.introdl.core.cli;

import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A training progress bar (step, ETA and the metrics of the last step). Drawn only on an interactive terminal; in
 * CI, tests, or with {@code INTRODL_PROGRESS=off}, it stays silent and callers print plain log lines instead.
 */
public final class Progress implements AutoCloseable {
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
        .setUpdateIntervalMillis(200)
        .showSpeed()
        .build();
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

  /** Moves to {@code step} and shows {@code extra} (e.g. "loss 1.23 acc 0.45"). */
  public void step(long step, String extra) {
    if (bar != null) {
      bar.stepTo(step);
      bar.setExtraMessage(extra);
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
