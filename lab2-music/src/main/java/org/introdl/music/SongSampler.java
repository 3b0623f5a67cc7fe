package org.introdl.music;

import java.util.SplittableRandom;

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

  /** How to generate. */
  public enum Scheme { WINDOW, STATEFUL }

  /**
   * The notebook's draw of the next note from the model's distribution ({@code np.random.choice(78, p=...)}). A seam:
   * a student's own sampler plugs in here; the default is the lab's draw ({@link #choose}).
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

  public static Generated generate(NotePredictor model, Melody seedSong, Options o) {
    return generate(model, seedSong, o, null);
  }

  /**
   * As {@link #generate(NotePredictor, Melody, Options)}, each note drawn by {@code sampler} (a student's
   * {@code sampleNextNote}) when it is not null.
   */
  public static Generated generate(NotePredictor model, Melody seedSong, Options o, NoteSampler sampler) {
    int t = model.timesteps();
    if (seedSong.length() < t) {
      throw new org.introdl.core.UserError("the seed song has " + seedSong.length() + " rows, fewer than the model's "
          + t + " timesteps");
    }
    Melody seed = seedSong.slice(0, t);
    SplittableRandom random = new SplittableRandom(o.seed());
    java.util.function.ToIntFunction<float[]> draw = sampler == null ? p -> choose(p, o, random)
        : p -> checkedNote(sampler.sampleNextNote(p.clone(), random), p.length);
    int[] song = new int[t + o.notes()];
    System.arraycopy(seed.notes(), 0, song, 0, t);
    long start = System.nanoTime();
    if (o.scheme() == Scheme.WINDOW) {
      int[] window = new int[t];
      for (int i = 0; i < o.notes(); i++) {
        System.arraycopy(song, i, window, 0, t);
        song[t + i] = draw.applyAsInt(model.predict(window));
      }
    } else if (model instanceof CheckpointPredictor fast) {
      int[] drawn = fast.generateStateful(seed.notes(), o.notes(), o);
      System.arraycopy(drawn, 0, song, t, drawn.length);
    } else {
      try (NotePredictor.StatefulStepper stepper = model.stepper()) {
        float[] p = null;
        for (int i = 0; i < t; i++) {
          p = stepper.step(song[i]);
        }
        for (int i = 0; i < o.notes(); i++) {
          song[t + i] = draw.applyAsInt(p);
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

  private static int checkedNote(int note, int notes) {
    if (note < 0 || note >= notes) {
      throw new org.introdl.core.UserError("the plugged sampleNextNote returned note " + note + ", outside 0.."
          + (notes - 1));
    }
    return note;
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
