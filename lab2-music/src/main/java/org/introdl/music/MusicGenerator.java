package org.introdl.music;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.introdl.core.UserError;
import org.introdl.core.io.AtomicFiles;

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
    NotePredictor open() {
      if (checkpoint.isPresent() == savedModel.isPresent()) {
        throw new UserError("give exactly one of --checkpoint and --saved-model");
      }
      return checkpoint.isPresent() ? CheckpointPredictor.open(checkpoint.get())
          : MusicExport.open(savedModel.get(), allowUnsafeOps);
    }
  }

  public record Request(Source source, Optional<Path> data, String seedSong, SongSampler.Options sampling, Path out) {}

  public record GenerateResult(String seedSong, int notes, double seconds, double notesPerSecond,
      SongRenderer.Engine engine, List<Path> files) {}

  public static GenerateResult run(Request r, PrintStream console) {
    return run(r, null, console);
  }

  /** As {@link #run(Request, PrintStream)}, each note drawn by {@code sampler} when it is not null. */
  public static GenerateResult run(Request r, SongSampler.NoteSampler sampler, PrintStream console) {
    Path out = AtomicFiles.requireWritableDir(r.out());
    SongDataset data = SongDataset.loadDefault(r.data(), SongDataset.MIN_ROWS_DEFAULT, console);
    Song seed = pickSeed(data, r.seedSong());
    try (NotePredictor model = r.source().open()) {
      return generate(model, seed, r.sampling(), out, sampler);
    }
  }

  /** Generates from an open model and writes every output file. */
  public static GenerateResult generate(NotePredictor model, Song seed, SongSampler.Options sampling, Path out) {
    return generate(model, seed, sampling, out, null);
  }

  /** As {@link #generate(NotePredictor, Song, SongSampler.Options, Path)} with a plugged sampler (or null). */
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
    files.add(SongRenderer.pianoRoll(g.seed(), g.song(), out.resolve("piano_roll.png")));
    return new GenerateResult(seed.name(), g.song().length(), g.seconds(), g.song().length() / g.seconds(),
        wav.engine(), files);
  }

  /** The requested seed song; with the default name absent (built-in corpus) the first song. */
  static Song pickSeed(SongDataset data, String name) {
    if (name == null || (name.equals(SEED_SONG_DEFAULT) && data.songs().stream()
        .noneMatch(s -> s.name().equalsIgnoreCase(SEED_SONG_DEFAULT)))) {
      return data.songs().get(0);
    }
    return data.find(name);
  }
}
