package org.introdl.music.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.introdl.core.LabPaths;
import org.introdl.core.cli.BadOption;
import org.introdl.core.cli.Cli;
import org.introdl.core.cli.CommandGroup;
import org.introdl.core.cli.ModelSafetyOptions;
import org.introdl.core.exercises.ExerciseCode;
import org.introdl.core.safety.RunLimits;
import org.introdl.core.train.TrainingRun;
import org.introdl.core.worker.RunsInWorker;
import org.introdl.music.data.SongDataset;
import org.introdl.music.io.MusicCodec;
import org.introdl.music.io.MusicExport;
import org.introdl.music.model.MusicLstm;
import org.introdl.music.sample.MusicGenerator;
import org.introdl.music.sample.SongSampler;
import org.introdl.music.train.MusicSettings;
import org.introdl.music.train.MusicTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `./labs music`: Lab 2: encode MIDI songs, train the LSTM, generate and listen to new songs. */
@Command(name = "music", mixinStandardHelpOptions = true,
    description = "Lab 2: encode MIDI songs, train the LSTM, generate and listen to new songs.",
    subcommands = {
      MusicCommand.Songs.class,
      MusicCommand.Encode.class,
      MusicCommand.Decode.class,
      MusicCommand.Train.class,
      MusicCommand.Generate.class,
      MusicCommand.Export.class
    })
public final class MusicCommand extends CommandGroup {

  @Command(name = "songs", mixinStandardHelpOptions = true,
      description = "Encode a folder of songs as the lab's dataset and report read / kept / discarded.")
  static final class Songs implements Callable<Integer> {
    @Option(names = "--data", description = "Folder of .mid/.midi files (default: the fetched songs, else the built-in melodies).")
    Path data;

    @Option(names = "--min-rows", description = "Shortest song kept, in sixteenth-note rows (default ${DEFAULT-VALUE}).")
    int minRows = SongDataset.MIN_ROWS_DEFAULT;

    @Override
    public Integer call() {
      SongDataset d = SongDataset.loadDefault(Optional.ofNullable(data), minRows, System.err);
      System.out.println(d.report().summary());
      d.songs().forEach(s -> System.out.printf(Locale.ROOT, "  %-45s %5d rows%n", s.name(), s.melody().length()));
      d.report().tooShort().forEach(s -> System.out.println("  discarded (too short): " + s));
      d.report().unreadable().forEach(s -> System.out.println("  discarded (unreadable): " + s));
      return 0;
    }
  }

  @Command(name = "encode", mixinStandardHelpOptions = true,
      description = "MIDI file -> the lab's melody matrix [rows, 78] as .npy (float32) or .csv.")
  static final class Encode implements Callable<Integer> {
    @Parameters(paramLabel = "FILE.mid") Path midi;

    @Option(names = "--out", required = true, description = "Matrix file: .npy or .csv.") Path out;

    @Override
    public Integer call() {
      MusicCodec.Encoded e = MusicCodec.encode(midi, out);
      System.out.printf(Locale.ROOT, "%s: %d rows x 78 (%d with a note, %d rests; pitches %d..%d) -> %s%n", midi,
          e.rows(), e.noteRows(), e.restRows(), e.lowestNote(), e.highestNote(), out);
      if (e.notesOutOfRange() > 0) {
        System.out.println("  " + e.notesOutOfRange() + " notes outside MIDI 24..101 (the lab's range) left out");
      }
      e.stoppedAtTimeSignature().ifPresent(t -> System.out.println("  stopped at its " + t
          + " time signature, as the lab does (it reads 2/4 and 4/4 only)"));
      return 0;
    }
  }

  @Command(name = "decode", mixinStandardHelpOptions = true,
      description = "Melody matrix (.npy or .csv) -> MIDI, as the lab's writer (55 ticks per row, velocity 40).")
  static final class Decode implements Callable<Integer> {
    @Parameters(paramLabel = "MATRIX") Path matrix;

    @Option(names = "--out", required = true, description = "MIDI file to write.") Path out;

    @Override
    public Integer call() {
      MusicCodec.Decoded d = MusicCodec.decode(matrix, out);
      System.out.printf(Locale.ROOT, "%s: %d rows -> %s%n", matrix, d.rows(), out);
      return 0;
    }
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Train the LSTM (defaults are the lab's); metrics, TensorBoard, checkpoints, loss curve.")
  static final class Train implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--steps", description = "Training steps (default ${DEFAULT-VALUE}).")
    int steps = MusicSettings.STEPS_DEFAULT;

    @Option(names = "--batch", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch = MusicSettings.BATCH_DEFAULT;

    @Option(names = "--lr", description = "Adam learning rate (default ${DEFAULT-VALUE}).")
    float lr = MusicSettings.LEARNING_RATE_DEFAULT;

    @Option(names = "--hidden", description = "LSTM units (default ${DEFAULT-VALUE}).")
    int hidden = MusicSettings.HIDDEN_DEFAULT;

    @Option(names = "--timesteps", description = "Rows the model reads (default ${DEFAULT-VALUE}).")
    int timesteps = MusicSettings.TIMESTEPS_DEFAULT;

    @Option(names = "--seed", description = "Seed for initial weights and batches (default ${DEFAULT-VALUE}).")
    long seed = MusicSettings.SEED_DEFAULT;

    @Option(names = "--data", description = "Folder of .mid/.midi files (default: the fetched songs, else the"
        + " built-in melodies; a resumed run: its own songs).")
    Path data;

    @Option(names = "--out", description = "Run folder (default: ${DEFAULT-VALUE}).")
    Path out = LabPaths.defaultOutputDir().resolve("music").resolve("training");

    @Option(names = "--resume", description = "Continue the run in --out from its last checkpoint, with its settings.")
    boolean resume;

    @Option(names = "--checkpoint-every", description = "Steps between checkpoints (default ${DEFAULT-VALUE}).")
    int checkpointEvery = MusicTrainer.CHECKPOINT_EVERY_DEFAULT;

    @Option(names = "--keep", description = "Checkpoints kept (default ${DEFAULT-VALUE}).")
    int keep = MusicTrainer.KEEP_DEFAULT;

    @Option(names = "--graph", description = "notebook (the notebook's graph as written) or fast (its exact fast"
        + " form; default ${DEFAULT-VALUE}; the same numbers to float rounding).")
    MusicSettings.Graph graph = MusicSettings.GRAPH_DEFAULT;

    @Option(names = "--shards", description = "With the fast graph: parts of each batch trained side by side, one per"
        + " core (default: one per CPU core that divides the batch; 1 = one chain; same numbers either way).")
    int shards = MusicSettings.SHARDS_DEFAULT;

    @Option(names = "--exercises", paramLabel = "DIR",
        description = "Train with your own rnn, lossOp, trainOp and accuracy (those written) from an exercise workspace"
            + " (./labs exercises start lab2), in the notebook's graph.")
    Path exercises;

    @Override
    public Integer call() {
      BadOption.check(checkpointEvery >= 1, "--checkpoint-every", "must be at least 1");
      BadOption.check(keep >= 1, "--keep", "must be at least 1");
      MusicLstm.Rnn rnn = null;
      if (exercises != null) {
        BadOption.check(hidden == MusicSettings.HIDDEN_DEFAULT && timesteps == MusicSettings.TIMESTEPS_DEFAULT, "--exercises",
            "trains the task file's network (128 units, 64 rows): leave out --hidden and --timesteps");
        BadOption.check(graph == MusicSettings.Graph.notebook
            || !spec.commandLine().getParseResult().hasMatchedOption("--graph"), "--exercises",
            "trains your rnn in the notebook's graph: leave out --graph fast");
        graph = MusicSettings.Graph.notebook;
        rnn = ExerciseCode.load(exercises, MusicLstm.Rnn.class);
        System.out.println("The recurrence is your rnn from " + exercises);
      }
      var settings = new MusicSettings(steps, batch, lr, hidden, timesteps, seed, graph, shards);
      var options = new MusicTrainer.Options(settings, out, resume, checkpointEvery, keep, 10);
      var r = MusicTrainer.run(new MusicTrainer.Request(settings, Cli.givenOptions(spec), Optional.ofNullable(data),
          options, rnn), System.out).run();
      if (!r.ranSteps()) {
        return 0;
      }
      System.out.printf(Locale.ROOT, "%s: steps %d..%d, loss %.4f -> %.4f, accuracy %.3f, %.1f ms/step after a"
          + " first step of %.1f s (graph optimisation)%n", r.status() == TrainingRun.Status.INTERRUPTED
          ? "Interrupted" : "Done", r.startStep() + 1, r.endStep(), r.first().loss(), r.last().loss(),
          r.last().accuracy(), r.msPerStep(), r.firstStepSeconds());
      System.out.println("Run folder: " + r.out().toAbsolutePath().normalize() + " (run.json, checkpoints/,"
          + " metrics.csv, metrics.jsonl, tensorboard/, loss.png)");
      return r.status() == TrainingRun.Status.INTERRUPTED ? Cli.EXIT_INTERRUPTED : 0;
    }
  }

  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = "Continue a seed song with a trained model; write MIDI, WAV and a piano roll.")
  static final class Generate implements Callable<Integer>, RunsInWorker {
    @Spec CommandSpec spec;

    @Option(names = "--checkpoint", description = "A training run folder (from `music train --out`).")
    Path checkpoint;

    @Option(names = "--saved-model", description = "A SavedModel with serving_default: float [N,T,78] -> [N,78].")
    Path savedModel;

    /** --allow-unsafe-ops, --max-memory and --timeout, for a --saved-model (the lab's own model runs in process). */
    @Mixin ModelSafetyOptions safety;

    @Option(names = "--seed-song", description = "Name (or index) of the song whose first rows start the new one"
        + " (default: the lab's \"" + MusicGenerator.SEED_SONG_DEFAULT + "\" where the songs hold it, else the"
        + " first song).")
    String seedSong;

    @Option(names = "--data", description = "Folder of songs holding the seed song (default: the songs the run"
        + " trained on; with --saved-model: fetched songs, else built-in).")
    Path data;

    @Option(names = "--notes", description = "Notes to generate (default ${DEFAULT-VALUE}).")
    int notes = SongSampler.Options.NOTES_DEFAULT;

    @Option(names = "--seed", description = "Seed of the sampler (default ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--temperature", description = "Sampling temperature (default ${DEFAULT-VALUE}: the lab's draw).")
    double temperature = 1.0;

    @Option(names = "--greedy", description = "Always take the most likely note (the lab's commented-out argmax).")
    boolean greedy;

    @Option(names = "--stateful", description = "Carry the LSTM state note by note (a different scheme: one step per note).")
    boolean stateful;

    @Option(names = "--recompute-windows", description = "Run every 64-row window from scratch, as the notebook's loop"
        + " does (the same notes; by default the windows' common steps are shared, one step per note).")
    boolean recomputeWindows;

    @Option(names = "--out", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out = LabPaths.defaultOutputDir().resolve("music");

    @Option(names = "--exercises", paramLabel = "DIR",
        description = "Generate with your own sampleNextNote and generateSong (when written) from an exercise workspace"
            + " (./labs exercises start lab2).")
    Path exercises;

    @Override
    public Path untrustedModel() {
      return checkpoint == null ? savedModel : null;
    }

    @Override
    public RunLimits workerLimits() {
      return safety.limits();
    }

    @Override
    public Integer call() {
      if ((checkpoint == null) == (savedModel == null)) {
        throw Cli.badValue(spec, "give exactly one of --checkpoint and --saved-model");
      }
      // 20,000 rows are 42 minutes of music: past that the WAV and the piano roll would need gigabytes.
      if (notes < 1 || notes > 20_000) {
        throw Cli.badValue(spec, "--notes must be between 1 and 20000");
      }
      if (!(temperature > 0) || Double.isInfinite(temperature)) {
        throw Cli.badValue(spec, "--temperature must be a positive number" + (temperature == 0
            ? " (for always the most likely note, as temperature 0 would mean, use --greedy)" : ""));
      }
      if (stateful && recomputeWindows) {
        throw Cli.badValue(spec, "--stateful carries the state, it has no windows: leave out --recompute-windows");
      }
      var sampling = new SongSampler.Options(notes, seed, temperature, greedy, stateful ? SongSampler.Scheme.STATEFUL
          : recomputeWindows ? SongSampler.Scheme.WINDOW_RECOMPUTED : SongSampler.Scheme.WINDOW);
      var source = new MusicGenerator.Source(Optional.ofNullable(checkpoint), Optional.ofNullable(savedModel),
          safety.limits().allowUnsafeOps());
      if (exercises != null && (greedy || temperature != 1.0)) {
        throw Cli.badValue(spec, "--exercises draws with your sampleNextNote: leave out --greedy and --temperature");
      }
      SongSampler.NoteSampler sampler =
          exercises == null ? null : ExerciseCode.load(exercises, SongSampler.NoteSampler.class);
      var r = MusicGenerator.run(new MusicGenerator.Request(source, Optional.ofNullable(data), seedSong, sampling, out),
          sampler, System.err);
      if (sampler != null) {
        System.out.println("Each note drawn by your sampleNextNote from " + exercises);
      }
      if (r.seedNote() != null) {
        System.out.println("Note: " + r.seedNote());
      }
      System.out.printf(Locale.ROOT, "Generated %d notes after \"%s\" in %.3f s after a warm-up (%.0f notes/s, %s scheme)%n",
          r.notes(), r.seedSong(), r.seconds(), r.notesPerSecond(), stateful ? "stateful" : "sliding-window");
      r.files().forEach(f -> System.out.println("  " + f.toAbsolutePath().normalize()));
      if (r.engine() != org.introdl.music.io.SongRenderer.Engine.JDK_SOFTWARE_SYNTHESIZER) {
        System.out.println("  (WAV by the simple additive synthesizer: the JDK's synthesizer needs the ./labs launcher)");
      }
      return 0;
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Write a SavedModel (serving_default: inputs float [N,64,78] -> probabilities [N,78]).")
  static final class Export implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "A training run folder.") Path checkpoint;

    @Option(names = "--out", required = true, description = "New folder for the SavedModel.") Path out;

    @Override
    public Integer call() {
      Path dir = MusicExport.export(checkpoint, out);
      System.out.println("SavedModel written to " + dir.toAbsolutePath().normalize()
          + " (tag serve, signature serving_default: inputs -> probabilities)");
      return 0;
    }
  }
}
