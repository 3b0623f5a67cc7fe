package org.introdl.core.train;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C during training: the first SIGINT asks the loop to stop after the step in progress (it then saves a
 * checkpoint, draws the chart and says how to resume); a second one stops the program at once, as usual.
 */
final class Interruption implements AutoCloseable {
  private static final Signal INT = new Signal("INT");
  private final SignalHandler previous;
  private volatile boolean requested;

  private Interruption() {
    SignalHandler before;
    try {
      before = Signal.handle(INT, signal -> {
        if (requested) {
          Runtime.getRuntime().halt(130);
        }
        requested = true;
      });
    } catch (IllegalArgumentException e) {
      before = null; // SIGINT cannot be caught here (the JVM runs with -Xrs): Ctrl-C stops at once, as before
    }
    this.previous = before;
  }

  /** Catches SIGINT until closed. */
  static Interruption catchCtrlC() {
    return new Interruption();
  }

  boolean requested() {
    return requested;
  }

  @Override
  public void close() {
    if (previous != null) {
      Signal.handle(INT, previous);
    }
  }
}
