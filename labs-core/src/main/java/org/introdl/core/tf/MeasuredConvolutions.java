package org.introdl.core.tf;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.introdl.core.tune.KernelChoices;

/**
 * The convolution plan chosen by measurement: for each layer shape, at the batch the graph mostly runs at, the
 * faster kernel on this machine, timed once ({@link ConvolutionTrial}) and then read from {@link KernelChoices}.
 * The first graph that meets a new shape pays for the measurement (about one forward pass of that layer per
 * candidate, five times); {@code progress} says so, since it can take seconds.
 */
public final class MeasuredConvolutions implements ConvolutionPlan {
  /** What {@link KernelChoices} stores the choices under. */
  public static final String WHAT = "convolution+bias+relu";
  private static final List<String> CANDIDATES = Arrays.stream(Convolution.Kernel.values()).map(Enum::name).toList();

  private final KernelChoices choices;
  private final int batch;
  private final PrintStream progress;
  private boolean announced;

  /**
   * @param batch the batch the graph runs at most (the training batch for training, 1 for one image at a time)
   * @param progress where to say that kernels are being measured (the user's stderr)
   */
  public MeasuredConvolutions(KernelChoices choices, int batch, PrintStream progress) {
    this.choices = choices;
    this.batch = batch;
    this.progress = progress;
  }

  /** The plan from this machine's cache of choices. */
  public static MeasuredConvolutions forThisMachine(int batch, PrintStream progress) {
    return new MeasuredConvolutions(KernelChoices.inCache(), batch, progress);
  }

  /** The key a layer's choice is stored under, e.g. "batch 15, 128x128 64->128 5x5". */
  public static String shape(int batch, Layer layer) {
    return "batch " + batch + ", " + layer;
  }

  @Override
  public Convolution.Kernel kernelFor(Layer layer) {
    String shape = shape(batch, layer);
    boolean known = choices.isKnown(WHAT, shape);
    if (!known) {
      announce();
    }
    long start = System.nanoTime();
    KernelChoices.Choice choice = choices.choose(WHAT, shape, CANDIDATES,
        candidate -> new ConvolutionTrial(layer, batch, Convolution.Kernel.valueOf(candidate)));
    Convolution.Kernel winner = Convolution.Kernel.valueOf(choice.winner());
    if (!known) {
      StringBuilder line = new StringBuilder("  " + shape + ":");
      choice.ms().forEach((k, ms) -> line.append(String.format(Locale.ROOT, " %s %.1f ms,", k, ms)));
      progress.printf(Locale.ROOT, "%s %s chosen (%.1f s)%n", line, winner.label(), (System.nanoTime() - start) / 1e9);
    }
    return winner;
  }

  private void announce() {
    if (!announced) {
      progress.println("Choosing convolution kernels for this machine (once; kept in " + choices.file() + ")...");
      announced = true;
    }
  }
}
