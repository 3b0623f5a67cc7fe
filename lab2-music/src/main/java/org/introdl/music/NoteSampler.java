package org.introdl.music;

import java.util.Random;

/**
 * The notebook's sampling step as a seam for a student's own code: draw the next note from the predicted
 * probabilities ({@code np.random.choice(range(78), p=probs)}), using only {@code random}.
 */
@FunctionalInterface
public interface NoteSampler {
  int sampleNextNote(float[] probabilities, Random random);
}
