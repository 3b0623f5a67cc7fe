package org.introdl.music.fast;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * What a fast-form graph is fed, and its batch cut into the {@link FastMusicLstm.Sharding}'s shards: the one-hot rows
 * [N, T, 78] or the note indices [T, N] (time-major), and the one-hot labels [N, 78]. With a fixed batch every shape
 * is static; each shard is the input of its own chain of steps. The fast form and the bench's candidate cells build
 * on the same feed, so they differ only in the recurrence.
 */
public final class ShardedFeed {
  /** [N, T, 78] float one-hot rows ({@link FastMusicLstm.Input#ONE_HOT}), else null. */
  public final Placeholder<TFloat32> inputs;
  /** [T, N] int note indices, time-major ({@link FastMusicLstm.Input#NOTE_INDICES}), else null. */
  public final Placeholder<TInt32> noteIndices;
  /** [N, 78] one-hot labels. */
  public final Placeholder<TFloat32> labels;
  /** The inputs of each shard, in batch order: rows [n, T, 78] or note indices [T, n]. */
  public final List<Operand<?>> shards;
  private final FastMusicLstm.Config config;
  private final FastMusicLstm.Sharding sharding;

  private ShardedFeed(Ops tf, FastMusicLstm.Config config, FastMusicLstm.Sharding sharding) {
    this.config = config;
    this.sharding = sharding;
    if (config.input() == FastMusicLstm.Input.ONE_HOT) {
      inputs = tf.withName("inputs").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, config.timesteps(), config.inputSize())));
      noteIndices = null;
    } else {
      inputs = null;
      // Time-major, so that a gather gives [T, N, 4H] directly (the feeder transposes in Java, at no cost).
      noteIndices = tf.withName("note_indices").placeholder(TInt32.class,
          Placeholder.shape(Shape.of(config.timesteps(), -1)));
    }
    labels = tf.withName("labels").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(-1, config.outputSize())));
    shards = cut(tf);
  }

  /** The placeholders for {@code config}'s input, the batch laid out as {@code sharding} says. */
  public static ShardedFeed create(Ops tf, FastMusicLstm.Config config, FastMusicLstm.Sharding sharding) {
    return new ShardedFeed(tf, config, sharding);
  }

  /** The placeholder the inputs go to, whichever form they take. */
  public Operand<?> inputPlaceholder() {
    return inputs != null ? inputs : noteIndices;
  }

  /** The labels, with a static shape when the batch is fixed. */
  public Operand<TFloat32> labelRows(Ops tf) {
    return sharding.batch() > 0
        ? tf.reshape(labels, tf.constant(new long[] {sharding.batch(), config.outputSize()})) : labels;
  }

  /** The inputs, with static shapes when the batch is fixed, cut into the sharding's shards. */
  private List<Operand<?>> cut(Ops tf) {
    int batch = sharding.batch();
    int count = sharding.shards();
    if (inputs != null) {
      Operand<TFloat32> rows = batch > 0
          ? tf.reshape(inputs, tf.constant(new long[] {batch, config.timesteps(), config.inputSize()})) : inputs;
      return count == 1 ? List.of(rows) : new ArrayList<>(tf.split(tf.constant(0), rows, (long) count).output());
    }
    Operand<TInt32> steps = batch > 0
        ? tf.reshape(noteIndices, tf.constant(new long[] {config.timesteps(), batch})) : noteIndices;
    return count == 1 ? List.of(steps) : new ArrayList<>(tf.split(tf.constant(1), steps, (long) count).output());
  }

  /** The shards' rows back in batch order. */
  public static Operand<TFloat32> join(Ops tf, List<Operand<TFloat32>> perShard) {
    return perShard.size() == 1 ? perShard.get(0) : tf.concat(perShard, tf.constant(0));
  }

  /** The zero (c, h) of a shard: a constant when the batch is fixed, else sized from the fed batch. */
  public Operand<TFloat32> zeroState(Ops tf, Operand<?> shard) {
    if (sharding.batch() > 0) {
      return tf.zeros(tf.constant(new long[] {sharding.batch() / sharding.shards(), config.hidden()}), TFloat32.class);
    }
    int batchAxis = inputs != null ? 0 : 1;
    Operand<TInt32> batch = tf.gather(tf.shape(shard), tf.constant(new int[] {batchAxis}), tf.constant(0));
    return tf.fill(tf.concat(List.of(batch, tf.constant(new int[] {config.hidden()})), tf.constant(0)), tf.constant(0f));
  }

  /** A shard's inputs as one-hot floats [n, T, 78], whichever way they are fed. */
  @SuppressWarnings("unchecked")
  public Operand<TFloat32> oneHotRows(Ops tf, Operand<?> shard) {
    if (inputs != null) {
      return (Operand<TFloat32>) shard;
    }
    return tf.linalg.transpose(oneHotTimeMajor(tf, shard), tf.constant(new int[] {1, 0, 2}));
  }

  /** A shard's inputs as one-hot floats, time-major [T, n, 78], whichever way they are fed. */
  @SuppressWarnings("unchecked")
  public Operand<TFloat32> oneHotTimeMajor(Ops tf, Operand<?> shard) {
    if (inputs != null) {
      return tf.linalg.transpose((Operand<TFloat32>) shard, tf.constant(new int[] {1, 0, 2}));
    }
    // One-hot of an index outside 0..77 (the rest index) is an all-zero row, as the lab's rest rows are.
    return tf.oneHot((Operand<TInt32>) shard, tf.constant(config.inputSize()), tf.constant(1f), tf.constant(0f));
  }
}
