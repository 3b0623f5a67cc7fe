package org.introdl.music.model;

import org.introdl.music.data.Melody;
import org.introdl.music.data.SongBatches;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The tensors for one run of a music model graph ({@link LstmGraph}): inputs in the form the graph takes (one-hot floats or note
 * indices) and, when given, the one-hot labels. Closing it frees the native memory.
 */
public final class ModelFeed implements AutoCloseable {
  private final LstmGraph model;
  private final Tensor input;
  private final Tensor labels;

  private ModelFeed(LstmGraph model, Tensor input, Tensor labels) {
    this.model = model;
    this.input = input;
    this.labels = labels;
  }

  /** A batch with its labels (training, evaluation). */
  public static ModelFeed of(LstmGraph model, SongBatches.Batch batch) {
    Tensor in = inputTensor(model, batch.inputNotes(), batch.batchSize());
    Tensor lab = TFloat32.tensorOf(Shape.of(batch.batchSize(), model.outputSize()),
        DataBuffers.of(batch.labelOneHot(), true, false));
    return new ModelFeed(model, in, lab);
  }

  /** Inputs only: {@code notes} holds {@code count * timesteps} note indices (a rest as {@link Melody#REST}). */
  public static ModelFeed inputsOnly(LstmGraph model, int[] notes, int count) {
    return new ModelFeed(model, inputTensor(model, notes, count), null);
  }

  /** Raw one-hot float inputs [count, T, inputSize] (any values; only for the ONE_HOT graphs). */
  public static ModelFeed floats(LstmGraph model, float[] values, int count, float[] labelValues) {
    Tensor in = TFloat32.tensorOf(Shape.of(count, model.timesteps(), model.inputSize()),
        DataBuffers.of(values, true, false));
    Tensor lab = labelValues == null ? null
        : TFloat32.tensorOf(Shape.of(count, model.outputSize()), DataBuffers.of(labelValues, true, false));
    return new ModelFeed(model, in, lab);
  }

  private static Tensor inputTensor(LstmGraph model, int[] notes, int count) {
    int t = model.timesteps();
    if (notes.length != count * t) {
      throw new IllegalArgumentException(notes.length + " notes for " + count + " x " + t);
    }
    if (model.feedsNoteIndices()) {
      // Time-major [T, N]; a rest becomes the index past the last note (an all-zero input row).
      int[] idx = new int[notes.length];
      for (int b = 0; b < count; b++) {
        for (int s = 0; s < t; s++) {
          int n = notes[b * t + s];
          idx[s * count + b] = n == Melody.REST ? model.inputSize() : n;
        }
      }
      return TInt32.tensorOf(Shape.of(t, count), DataBuffers.of(idx, true, false));
    }
    int width = model.inputSize();
    float[] oneHot = new float[notes.length * width];
    for (int i = 0; i < notes.length; i++) {
      if (notes[i] != Melody.REST) {
        oneHot[i * width + notes[i]] = 1f;
      }
    }
    return TFloat32.tensorOf(Shape.of(count, t, width), DataBuffers.of(oneHot, true, false));
  }

  /** Adds the feeds to {@code runner}. */
  public Session.Runner into(Session.Runner runner) {
    runner.feed(model.inputPlaceholder(), input);
    if (labels != null) {
      runner.feed(model.labels(), labels);
    }
    return runner;
  }

  @Override
  public void close() {
    input.close();
    if (labels != null) {
      labels.close();
    }
  }
}
