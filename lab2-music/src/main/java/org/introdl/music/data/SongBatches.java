package org.introdl.music.data;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The lab's {@code get_batch}: {@code batchSize} songs drawn with replacement, in each a start uniformly in
 * {@code [0, len - timesteps - 1)}, the input the {@code timesteps} rows from there and the label the row after.
 * Seeded: the same seed gives the same batches, so a run (and a resumed run) is reproducible.
 */
public final class SongBatches {
  private final List<Song> songs;
  private final int batchSize;
  private final int timesteps;
  private SplittableRandom random;
  private final long seed;

  SongBatches(List<Song> songs, int batchSize, int timesteps, long seed) {
    for (Song s : songs) {
      if (s.melody().length() < timesteps + 2) {
        throw new IllegalArgumentException(s.name() + " has " + s.melody().length() + " rows, fewer than timesteps + 2");
      }
    }
    this.songs = songs;
    this.batchSize = batchSize;
    this.timesteps = timesteps;
    this.seed = seed;
    this.random = new SplittableRandom(seed);
  }

  /** One batch: note indices of the inputs [batch * timesteps] and of the labels [batch]. */
  public record Batch(int batchSize, int timesteps, int[] inputNotes, int[] labelNotes) {
    /** The labels as the lab's one-hot float matrix [batch, 78] (an all-zero row for a rest). */
    public float[] labelOneHot() {
      return oneHot(labelNotes);
    }

    private static float[] oneHot(int[] notes) {
      float[] out = new float[notes.length * Melody.NOTE_COUNT];
      for (int i = 0; i < notes.length; i++) {
        if (notes[i] != Melody.REST) {
          out[i * Melody.NOTE_COUNT + notes[i]] = 1f;
        }
      }
      return out;
    }
  }

  public Batch next() {
    int[] inputs = new int[batchSize * timesteps];
    int[] labels = new int[batchSize];
    for (int b = 0; b < batchSize; b++) {
      Melody m = songs.get(random.nextInt(songs.size())).melody();
      int start = random.nextInt(m.length() - timesteps - 1);
      for (int t = 0; t < timesteps; t++) {
        inputs[b * timesteps + t] = m.note(start + t);
      }
      labels[b] = m.note(start + timesteps);
    }
    return new Batch(batchSize, timesteps, inputs, labels);
  }

  /** Positions the sampler as if {@code batches} batches had been drawn (used when resuming a run). */
  public void skip(long batches) {
    random = new SplittableRandom(seed);
    for (long i = 0; i < batches; i++) {
      next();
    }
  }
}
