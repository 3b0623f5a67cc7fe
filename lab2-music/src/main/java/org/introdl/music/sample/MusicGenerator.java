package org.introdl.music.sample;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.introdl.core.UserError;
import org.introdl.core.io.AtomicFiles;
import org.introdl.music.data.Melody;
import org.introdl.music.data.Song;
import org.introdl.music.data.SongDataset;
import org.introdl.music.io.MidiWriter;
import org.introdl.music.io.MusicExport;
import org.introdl.music.io.PianoRoll;
import org.introdl.music.io.SongRenderer;
import org.introdl.music.model.NotePredictor;
import org.introdl.music.train.MusicRun;

/**
 * {@code ./labs music generate}: a trained model (checkpoint or SavedModel) continues the first rows of a seed
 * song; the new song and the seed are written as MIDI and WAV, with a piano roll of both.
 */
public final class MusicGenerator {
  /** The lab's seed: "How Deep is Your Love" by Calvin Harris (index 41 of the lab's unsorted list). */
  public static final String SEED_SONG_DEFAULT = "How Deep Is Your Love - Chorus";

  private MusicGenerator() {}

  /** Where the model comes from: exactly one of the two. */
  public record Source(Optional<Path> checkpoint, Optional<Path> savedModel, boolean allowUnsafeOps) {
    public Source {
      if (checkpoint.isPresent() == savedModel.isPresent()) {
        throw new UserError("give exactly one of --checkpoint and --saved-model");
      }
    }
  }

  /** {@code seedSong}: a song's name or index; null for the lab's seed (or, where it is absent, the first song). */
  public record Request(Source source, Optional<Path> data, String seedSong, SongSampler.Options sampling, Path out) {}

  /** {@code seedNote}: why another seed than the lab's was taken, or null. */
  public record GenerateResult(String seedSong, String seedNote, int notes, double seconds, double notesPerSecond,
      SongRenderer.Engine engine, List<Path> files) {}

  /**
   * Checks the model first (a checkpoint's run, or a SavedModel), then finds the seed song: in {@code --data} when
   * given, else in the songs the run trained on; only then writes anything.
   */
  public static GenerateResult run(Request r, PrintStream console) {
    return run(r, null, console);
  }

  /** As {@link #run(Request, PrintStream)}, each note drawn by {@code sampler} (a student's) when it is not null. */
  public static GenerateResult run(Request r, SongSampler.NoteSampler sampler, PrintStream console) {
    Optional<MusicRun> run = r.source().checkpoint().map(c -> MusicRun.locate(c, "music generate"));
    SongDataset data = r.data().isPresent() || run.isEmpty()
        ? SongDataset.loadDefault(r.data(), SongDataset.MIN_ROWS_DEFAULT, console)
        : run.get().songs(console);
    Seed seed = pickSeed(data, r.seedSong());
    Path out = AtomicFiles.requireWritableDir(r.out());
    try (NotePredictor model = run.isPresent() ? CheckpointPredictor.open(run.get())
        : MusicExport.open(r.source().savedModel().get(), r.source().allowUnsafeOps())) {
      GenerateResult g = generate(model, seed.song(), r.sampling(), out, sampler);
      return new GenerateResult(g.seedSong(), seed.note(), g.notes(), g.seconds(), g.notesPerSecond(), g.engine(),
          g.files());
    }
  }

  /** Generates from an open model and writes every output file. */
  public static GenerateResult generate(NotePredictor model, Song seed, SongSampler.Options sampling, Path out) {
    return generate(model, seed, sampling, out, null);
  }

  /** As {@link #generate(NotePredictor, Song, SongSampler.Options, Path)}, with a plugged sampler (or null). */
  public static GenerateResult generate(NotePredictor model, Song seed, SongSampler.Options sampling, Path out,
      SongSampler.NoteSampler sampler) {
    // One short warm-up run first, so that the reported time is the generation's, not TF's one-time graph setup.
    SongSampler.generate(model, seed.melody(), new SongSampler.Options(Math.min(60, sampling.notes()), sampling.seed(),
        sampling.temperature(), sampling.greedy(), sampling.scheme()), sampler);
    SongSampler.Generated g = SongSampler.generate(model, seed.melody(), sampling, sampler);
    // As the lab: gen_song is the seed rows followed by the new notes; base_song is the whole seed song.
    Melody genSong = g.seed().append(g.song().notes());
    List<Path> files = new ArrayList<>();
    files.add(MidiWriter.write(genSong, out.resolve("gen_song_0.mid")));
    files.add(MidiWriter.write(seed.melody(), out.resolve("base_song_0.mid")));
    SongRenderer.Rendered wav = SongRenderer.renderWav(genSong, out.resolve("gen_song_0.wav"));
    files.add(wav.wav());
    files.add(SongRenderer.renderWav(seed.melody(), out.resolve("base_song_0.wav")).wav());
    files.add(PianoRoll.write(g.seed(), g.song(), "\"" + seed.name() + "\" continued by the music LSTM",
        describe(model, sampling), out.resolve("piano_roll.png")));
    return new GenerateResult(seed.name(), null, g.song().length(), g.seconds(), g.song().length() / g.seconds(),
        wav.engine(), files);
  }

  /** The model and the sampling, for the piano roll's subtitle. */
  static String describe(NotePredictor model, SongSampler.Options sampling) {
    String drawing = sampling.greedy() ? "greedy (the most likely note)"
        : String.format(Locale.ROOT, "sampled at temperature %.2g, seed %d", sampling.temperature(), sampling.seed());
    String scheme = sampling.scheme() == SongSampler.Scheme.STATEFUL ? "the LSTM state carried" : "a sliding window";
    return String.format(Locale.ROOT, "LSTM reading %d rows; %d notes %s, through %s", model.timesteps(),
        sampling.notes(), drawing, scheme);
  }

  /** The seed song, and a note when it is not the one asked for. */
  public record Seed(Song song, String note) {}

  /**
   * The seed song named {@code name} (an error listing the closest names when there is none); with no name, the
   * lab's seed, or, where the songs do not hold it (the built-in corpus), the first song, with a note saying so.
   */
  public static Seed pickSeed(SongDataset data, String name) {
    if (name != null) {
      return new Seed(data.find(name), null);
    }
    return data.songs().stream().filter(s -> s.name().equalsIgnoreCase(SEED_SONG_DEFAULT)).findFirst()
        .map(s -> new Seed(s, null))
        .orElseGet(() -> new Seed(data.songs().get(0), "the lab's seed \"" + SEED_SONG_DEFAULT + "\" is not in "
            + data.report().source() + "; seeded with its first song"));
  }
}
