package org.introdl.music.train;

import org.introdl.core.cli.BadOption;
import org.introdl.music.data.SongDataset;
import org.introdl.music.fast.FastMusicLstm;
import org.introdl.music.model.LstmGraph;
import org.introdl.music.model.MusicLstm;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;

/**
 * Everything that makes a music training run, as the notebook's hyperparameter cell names it
 * ({@code training_steps}, {@code batch_size}, {@code learning_rate}, {@code hidden_size}, {@code timesteps}) plus the
 * seed and the graph that runs it. Each component is named as its command-line option ({@code lr} is {@code --lr});
 * {@code run.json} records them, and a resumed run takes them from there.
 *
 * @param graph {@link Graph#notebook}: the notebook's graph as written; {@link Graph#fast}: its exact fast
 *     transformation (the same numbers to float rounding, several times faster)
 * @param shards with the fast graph, parts of each batch trained side by side (0: one per core)
 */
public record MusicSettings(int steps, int batch, float lr, int hidden, int timesteps, long seed, Graph graph,
    int shards) {
  /** The notebook's hyperparameter cell, the one place the lab's defaults are written. */
  public static final int STEPS_DEFAULT = 200; // training_steps
  public static final int BATCH_DEFAULT = 256; // batch_size
  public static final float LEARNING_RATE_DEFAULT = 0.001f; // learning_rate
  public static final int HIDDEN_DEFAULT = 128; // hidden_size
  public static final int TIMESTEPS_DEFAULT = 64; // timesteps
  /** Beyond the notebook: the seed of the weights and batches, the graph, and shards (0: one per core). */
  public static final long SEED_DEFAULT = 0;
  public static final Graph GRAPH_DEFAULT = Graph.fast;
  public static final int SHARDS_DEFAULT = 0;

  /** Which graph trains. */
  public enum Graph { notebook, fast }

  public MusicSettings {
    BadOption.check(steps >= 1 && steps <= 10_000_000, "--steps", "must be between 1 and 10000000");
    BadOption.check(batch >= 1 && batch <= 65_536, "--batch", "must be between 1 and 65536");
    BadOption.check(lr > 0 && Float.isFinite(lr), "--lr", "must be a positive number");
    BadOption.check(hidden >= 1 && hidden <= 4096, "--hidden", "must be between 1 and 4096");
    BadOption.check(timesteps >= 1 && timesteps < SongDataset.MIN_ROWS_DEFAULT - 1, "--timesteps",
        "must be between 1 and " + (SongDataset.MIN_ROWS_DEFAULT - 2) + " (shorter than the shortest song)");
    BadOption.check(graph != null, "--graph", "must be notebook or fast");
    BadOption.check(shards >= 0 && shards <= Math.min(batch, 64) && (shards == 0 || batch % shards == 0),
        "--shards", "must be 0 (one per core) or a divisor of --batch (" + batch + ") up to 64");
  }

  /** The notebook's settings on the fast graph. */
  public static MusicSettings lab() {
    return new MusicSettings(STEPS_DEFAULT, BATCH_DEFAULT, LEARNING_RATE_DEFAULT, HIDDEN_DEFAULT, TIMESTEPS_DEFAULT,
        SEED_DEFAULT, GRAPH_DEFAULT, SHARDS_DEFAULT);
  }

  public MusicSettings withSteps(int s) {
    return new MusicSettings(s, batch, lr, hidden, timesteps, seed, graph, shards);
  }

  public MusicSettings withBatch(int b) {
    return new MusicSettings(steps, b, lr, hidden, timesteps, seed, graph, shards);
  }

  public MusicSettings withLr(float r) {
    return new MusicSettings(steps, batch, r, hidden, timesteps, seed, graph, shards);
  }

  public MusicSettings withModel(int h, int t, long s) {
    return new MusicSettings(steps, batch, lr, h, t, s, graph, shards);
  }

  /** The model's shape in the fast form's terms (generation and export rebuild it from here). */
  public FastMusicLstm.Config fastModel() {
    return FastMusicLstm.Config.of(hidden, timesteps, FastMusicLstm.Input.NOTE_INDICES, seed);
  }

  /** The model's shape in the notebook graph's terms (training, and generation from a {@code --graph notebook} run). */
  public MusicLstm.Config notebookModel() {
    return MusicLstm.Config.of(hidden, timesteps, seed);
  }

  /** The training graph: the notebook's as written, or its fast form with a fixed batch in shards. */
  LstmGraph buildGraph(Ops tf) {
    return graph == Graph.notebook ? MusicLstm.build(tf, notebookModel())
        : FastMusicLstm.build(tf, fastModel(), FastMusicLstm.Sharding.of(batch, shards));
  }

  /** Session threads: the fast form runs one thread per shard. */
  ConfigProto sessionConfig() {
    return graph == Graph.notebook ? ConfigProto.getDefaultInstance()
        : FastMusicLstm.Sharding.of(batch, shards).sessionConfig();
  }
}
