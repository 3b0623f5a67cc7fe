package org.introdl.music.sample;

import java.util.SplittableRandom;
import org.introdl.music.data.Melody;
import org.introdl.music.model.NotePredictor;

/**
 * The lab's generation cell: start from the first {@code timesteps} rows of a seed song, then repeatedly predict
 * the next note from the last {@code timesteps} rows and draw it from that distribution ({@code np.random.choice}),
 * appending it to the song. Extras: {@code temperature} (p^(1/T), renormalised), {@code greedy} (the most likely
 * note, the lab's commented-out argmax), and the stateful scheme, which reads the seed once and then carries the
 * LSTM state note by note (one cell step per note instead of 64); that is a different generation scheme: the model
 * was trained on 64-row windows starting from a zero state, and the stateful song conditions on all notes so far.
 */
public final class SongSampler {
  private SongSampler() {}

  /**
   * How to generate. {@code WINDOW} and {@code WINDOW_RECOMPUTED} are the lab's scheme and draw the same notes:
   * the first shares the windows' common steps where the model allows it ({@link SharedWindows}), the second runs
   * every window from scratch as the notebook's loop does.
   */
  public enum Scheme { WINDOW, WINDOW_RECOMPUTED, STATEFUL }

  /**
   * The notebook's draw of the next note from the model's distribution ({@code np.random.choice(78, p=...)}). A seam:
   * a student's own sampler plugs in here; the default is the lab's draw ({@link #choose}, with the temperature
   * and greedy extras).
   */
  @FunctionalInterface
  public interface NoteSampler {
    int sampleNextNote(float[] probabilities, SplittableRandom random);
  }

  public record Options(int notes, long seed, double temperature, boolean greedy, Scheme scheme) {
    public static final int NOTES_DEFAULT = 500;

    public static Options lab(long seed) {
      return new Options(NOTES_DEFAULT, seed, 1.0, false, Scheme.WINDOW);
    }
  }

  /** The seed rows and the generated notes (without the seed). */
  public record Generated(Melody seed, Melody song, double seconds) {}

  /** Generates with the lab's draw. */
  public static Generated generate(NotePredictor model, Melody seedSong, Options o) {
    return generate(model, seedSong, o, null);
  }

  /**
   * Generates with {@code sampler} drawing each note ({@code null}: the lab's draw, which the stateful scheme runs
   * inside the graph, a chunk of notes per run).
   */
  public static Generated generate(NotePredictor model, Melody seedSong, Options o, NoteSampler sampler) {
    int t = model.timesteps();
    if (seedSong.length() < t) {
      throw new org.introdl.core.UserError("the seed song has " + seedSong.length() + " rows, fewer than the model's "
          + t + " timesteps");
    }
    NoteSampler draw = sampler != null ? sampler : (p, random) -> choose(p, o, random);
    Melody seed = seedSong.slice(0, t);
    if (sampler instanceof SongLoop loop && o.scheme() != Scheme.STATEFUL) {
      long started = System.nanoTime();
      int[] generated = loop.generateSong(model, seed.notes(), o.notes(), new SplittableRandom(o.seed()));
      return new Generated(seed, new Melody(generated), (System.nanoTime() - started) / 1e9);
    }
    SplittableRandom random = new SplittableRandom(o.seed());
    int[] song = new int[t + o.notes()];
    System.arraycopy(seed.notes(), 0, song, 0, t);
    long start = System.nanoTime();
    if (o.scheme() != Scheme.STATEFUL) {
      try (NotePredictor.WindowStream windows = o.scheme() == Scheme.WINDOW ? model.windows(seed.notes())
          : NotePredictor.recomputedWindows(model, seed.notes())) {
        for (int i = 0; i < o.notes(); i++) {
          song[t + i] = draw.sampleNextNote(windows.next(), random);
          if (i + 1 < o.notes()) {
            windows.append(song[t + i]);
          }
        }
      }
    } else if (!(model instanceof CheckpointPredictor stateful)) {
      throw new org.introdl.core.UserError("stateful generation needs a checkpoint (--checkpoint), not a SavedModel");
    } else if (sampler == null) {
      int[] drawn = stateful.generateStateful(seed.notes(), o.notes(), o);
      System.arraycopy(drawn, 0, song, t, drawn.length);
    } else {
      try (NotePredictor.StatefulStepper stepper = stateful.stepper()) {
        float[] p = null;
        for (int i = 0; i < t; i++) {
          p = stepper.step(song[i]);
        }
        for (int i = 0; i < o.notes(); i++) {
          song[t + i] = sampler.sampleNextNote(p, random);
          if (i + 1 < o.notes()) {
            p = stepper.step(song[t + i]);
          }
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    int[] generated = new int[o.notes()];
    System.arraycopy(song, t, generated, 0, o.notes());
    return new Generated(seed, new Melody(generated), seconds);
  }

  /** One draw from {@code probabilities}, as {@code np.random.choice(78, p=...)}; or the argmax when greedy. */
  static int choose(float[] probabilities, Options o, SplittableRandom random) {
    return o.greedy() ? argmax(probabilities) : chooseWith(probabilities, o, random.nextDouble());
  }

  /** The draw for a given uniform number in [0, 1): the first note whose cumulative weight exceeds it. */
  static int chooseWith(float[] probabilities, Options o, double uniform) {
    if (o.greedy()) {
      return argmax(probabilities);
    }
    double[] w = new double[probabilities.length];
    double total = 0;
    for (int i = 0; i < w.length; i++) {
      double p = Math.max(0, probabilities[i]);
      w[i] = o.temperature() == 1.0 ? p : Math.pow(p, 1.0 / o.temperature());
      total += w[i];
    }
    double u = uniform * total;
    double acc = 0;
    for (int i = 0; i < w.length; i++) {
      acc += w[i];
      if (u < acc) {
        return i;
      }
    }
    return w.length - 1;
  }

  private static int argmax(float[] p) {
    int best = 0;
    for (int i = 1; i < p.length; i++) {
      if (p[i] > p[best]) {
        best = i;
      }
    }
    return best;
  }
}
