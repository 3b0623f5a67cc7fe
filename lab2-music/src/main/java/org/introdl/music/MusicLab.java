package org.introdl.music;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.introdl.core.io.AtomicFiles;
import org.introdl.core.train.TrainingRun;
import org.introdl.music.data.MusicData;
import org.introdl.music.data.SongDataset;
import org.introdl.music.io.SongRenderer;
import org.introdl.music.sample.CheckpointPredictor;
import org.introdl.music.sample.MusicGenerator;
import org.introdl.music.sample.SongSampler;
import org.introdl.music.train.MusicSettings;
import org.introdl.music.train.MusicTrainer;

/** The lab's story for {@code ./labs run}: a short end-to-end run on built-in defaults, offline. */
public final class MusicLab {
  /** A short run: enough steps to see the loss fall, small enough for a laptop CPU in well under two minutes. */
  public static final int MAIN_JOB_STEPS = 200;
  public static final int MAIN_JOB_BATCH = 64;

  private MusicLab() {}

  /** What the story did: the songs, the training run, the generated song, and the files to look at. */
  public record Story(SongDataset.Report data, MusicSettings settings, TrainingRun.Outcome training,
      MusicGenerator.GenerateResult song, List<Path> files) {}

  /** The main job's settings: the lab's model on the fast graph, {@link #MAIN_JOB_STEPS} steps at batch 64. */
  public static MusicSettings mainJobSettings() {
    return MusicSettings.lab().withSteps(MAIN_JOB_STEPS).withBatch(MAIN_JOB_BATCH);
  }

  /** Runs the lab end to end into {@code outDir} with {@code settings}, telling the story on {@code out}. */
  public static Story runMainJob(Path outDir, MusicSettings settings, PrintStream out) {
    AtomicFiles.requireWritableDir(outDir);
    SongDataset data = SongDataset.loadDefault(Optional.empty(), SongDataset.MIN_ROWS_DEFAULT, out);
    out.println(data.report().summary());
    Path runDir = outDir.resolve("training");
    AtomicFiles.deleteTree(runDir); // the main job replaces its previous run
    MusicTrainer.Options options = MusicTrainer.Options.of(settings, runDir).withCheckpointEvery(settings.steps())
        .withLogEvery(Math.max(1, settings.steps() / 8));
    out.printf(Locale.ROOT, "Training the LSTM (hidden %d, %d timesteps, %s graph) for %d steps at batch %d, Adam lr"
        + " %.3g%n", settings.hidden(), settings.timesteps(), settings.graph(), settings.steps(), settings.batch(),
        settings.lr());
    TrainingRun.Outcome trained = MusicTrainer.train(data, options, out).run();
    out.printf(Locale.ROOT, "loss %.3f -> %.3f, accuracy %.3f, %.0f ms/step (first step %.1f s: graph"
        + " optimisation)%n", trained.first().loss(), trained.last().loss(), trained.last().accuracy(),
        trained.msPerStep(), trained.firstStepSeconds());
    MusicGenerator.Seed seed = MusicGenerator.pickSeed(data, null);
    if (seed.note() != null) {
      out.println("Note: " + seed.note());
    }
    MusicGenerator.GenerateResult song;
    try (CheckpointPredictor model = CheckpointPredictor.open(runDir)) {
      song = MusicGenerator.generate(model, seed.song(), SongSampler.Options.lab(0), outDir);
    }
    out.printf(Locale.ROOT, "Generated %d notes after the first %d rows of \"%s\" in %.2f s (%s)%n", song.notes(),
        settings.timesteps(), song.seedSong(), song.seconds(), describe(song.engine()));
    List<Path> files = new ArrayList<>(song.files());
    if (trained.lossChart() != null) {
      files.add(trained.lossChart());
    }
    return new Story(data.report(), settings, trained, song, files);
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
