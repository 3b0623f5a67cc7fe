package org.introdl.music;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.introdl.core.io.AtomicFiles;

/** The lab's main job for `./labs run`: a short end-to-end run on built-in defaults, offline. */
public final class MusicLab {
  /** A short run: enough steps to see the loss fall, small enough for a laptop CPU in well under two minutes. */
  public static final int MAIN_JOB_STEPS = 200;
  public static final int MAIN_JOB_BATCH = 64;

  private MusicLab() {}

  /** Runs the lab end to end into {@code outDir}; returns the files a user should look at. */
  public static List<Path> runMainJob(Path outDir, PrintStream out) {
    AtomicFiles.requireWritableDir(outDir);
    SongDataset data = SongDataset.loadDefault(Optional.empty(), SongDataset.MIN_ROWS_DEFAULT, out);
    out.println(data.report().summary());
    Path runDir = outDir.resolve("training");
    AtomicFiles.deleteTree(runDir); // the main job replaces its previous run
    MusicTrainer.Options options = MusicTrainer.Options.lab(runDir).withSteps(MAIN_JOB_STEPS)
        .withBatch(MAIN_JOB_BATCH).withCheckpointEvery(MAIN_JOB_STEPS).withLogEvery(25);
    out.printf(Locale.ROOT, "Training the LSTM (hidden %d, %d timesteps) for %d steps at batch %d, Adam lr %.3g%n",
        options.model().hidden(), options.model().timesteps(), options.steps(), options.batch(),
        options.learningRate());
    MusicTrainer.TrainResult trained = MusicTrainer.train(data, options, out);
    out.printf(Locale.ROOT, "loss %.3f -> %.3f, accuracy %.3f, %.0f ms/step (first step %.1f s: graph"
        + " optimisation)%n", trained.firstLoss(), trained.lastLoss(), trained.lastAccuracy(), trained.msPerStep(),
        trained.firstStepSeconds());
    Song seed = MusicGenerator.pickSeed(data, MusicGenerator.SEED_SONG_DEFAULT);
    MusicGenerator.GenerateResult song;
    try (CheckpointPredictor model = CheckpointPredictor.open(runDir)) {
      song = MusicGenerator.generate(model, seed, SongSampler.Options.lab(0), outDir);
    }
    out.printf(Locale.ROOT, "Generated %d notes after the first %d rows of \"%s\" in %.2f s (%s)%n", song.notes(),
        options.model().timesteps(), song.seedSong(), song.seconds(), describe(song.engine()));
    List<Path> files = new ArrayList<>(song.files());
    if (trained.lossCurve() != null) {
      files.add(trained.lossCurve());
    }
    return files;
  }

  static String describe(SongRenderer.Engine engine) {
    return engine == SongRenderer.Engine.JDK_SOFTWARE_SYNTHESIZER ? "WAV by the JDK's software synthesizer"
        : "WAV by the simple additive synthesizer: run through ./labs for the JDK's software synthesizer";
  }

  /** `./labs data fetch` for this lab: downloads the lab's data (pinned URLs, SHA-256 checked) into {@code dir}. */
  public static Path fetchData(Path dir, PrintStream out) {
    return MusicData.fetch(dir, out);
  }
}
