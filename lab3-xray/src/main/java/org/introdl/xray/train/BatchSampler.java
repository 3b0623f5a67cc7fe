package org.introdl.xray.train;

import java.util.Arrays;
import org.introdl.xray.data.XrayDataset;

/**
 * Which images step {@code s} trains on: a random batch, as the lab draws one per step, but a function of
 * (seed, step) alone so that a resumed run draws exactly the batches the uninterrupted run would have.
 */
final class BatchSampler {
  private final int count;
  private final int batch;
  private final long seed;

  BatchSampler(int count, int batch, long seed) {
    this.count = count;
    this.batch = Math.min(batch, count);
    this.seed = seed;
  }

  int[] batch(long step) {
    return Arrays.copyOf(XrayDataset.shuffled(count, seed * 7_919L + step), batch);
  }
}
