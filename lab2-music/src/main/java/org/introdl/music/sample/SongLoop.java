package org.introdl.music.sample;

import java.util.SplittableRandom;
import org.introdl.music.model.NotePredictor;

/**
 * The notebook's generation loop as a seam: a student's {@code generateSong} plugs in here ({@code music generate
 * --exercises}) and runs the sliding-window loop itself, asking {@code model} for each window's distribution. As a
 * {@link SongSampler.NoteSampler} it is the student's note draw, which the stateful scheme uses alone.
 */
public interface SongLoop extends SongSampler.NoteSampler {
  /** The {@code notes} notes after {@code seed} ({@code timesteps} rows), drawn from {@code random}. */
  int[] generateSong(NotePredictor model, int[] seed, int notes, SplittableRandom random);
}
