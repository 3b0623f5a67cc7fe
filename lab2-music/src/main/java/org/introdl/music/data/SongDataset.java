package org.introdl.music.data;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.introdl.core.UserError;
import org.introdl.core.train.DataFingerprint;

/**
 * The lab's {@code create_dataset(min_length)}: every {@code *.mid*} file of a folder encoded as a melody; songs
 * shorter than {@code minRows} rows are discarded, unreadable files skipped with a warning; the report counts both.
 * Files are read in name order (the lab used the file system's order), so runs are reproducible everywhere.
 */
public final class SongDataset {
  /** The lab's {@code min_song_length}. */
  public static final int MIN_ROWS_DEFAULT = 128;

  /** The {@code kind} of a fingerprint of a folder of MIDI files. */
  public static final String FOLDER = "midi folder";
  public static final String BUILT_IN = "built-in";

  private final List<Song> songs;
  private final Report report;
  private final DataFingerprint fingerprint;

  /** What loading did: files read, songs kept, and why the others were left out. */
  public record Report(String source, int read, int kept, List<String> tooShort, List<String> unreadable) {
    public String summary() {
      return String.format(Locale.ROOT, "%s: %d files read, %d songs kept, %d discarded (%d shorter than the minimum,"
          + " %d unreadable)", source, read, kept, tooShort.size() + unreadable.size(), tooShort.size(), unreadable.size());
    }
  }

  private SongDataset(List<Song> songs, Report report, DataFingerprint fingerprint) {
    this.songs = List.copyOf(songs);
    this.report = report;
    this.fingerprint = fingerprint;
  }

  /** Loads every {@code *.mid} / {@code *.midi} file in {@code dir}; warnings go to {@code warnings}. */
  public static SongDataset load(Path dir, int minRows, PrintStream warnings) {
    if (!Files.isDirectory(dir)) {
      throw new UserError(dir + (Files.exists(dir) ? ": is a file, not a folder" : ": no such folder")
          + " (give a folder of .mid/.midi files)");
    }
    List<Path> all;
    try (Stream<Path> s = Files.list(dir)) {
      all = s.filter(Files::isRegularFile).sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
    } catch (IOException e) {
      throw new UserError(dir + ": cannot list folder (" + e.getMessage() + ")");
    }
    List<Path> files = all.stream()
        .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.mid.*")).toList();
    if (files.isEmpty()) {
      throw new UserError(dir + ": no .mid or .midi files in this folder" + (all.isEmpty() ? ""
          : " (it holds " + all.size() + (all.size() == 1 ? " other file: " : " other files, such as ")
              + all.get(0).getFileName() + ")"));
    }
    List<Song> songs = new ArrayList<>();
    List<String> tooShort = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    String firstProblem = null;
    for (Path f : files) {
      String name = songName(f);
      try {
        NoteStateMatrix matrix = NoteStateMatrix.read(f);
        Melody melody = matrix.melody();
        if (melody.length() < minRows) {
          String stop = matrix.stoppedAtTimeSignature()
              .map(t -> ": the lab stops reading at its " + t + " time signature").orElse("");
          tooShort.add(name + " (" + melody.length() + (melody.length() == 1 ? " row" : " rows") + stop + ")");
        } else {
          songs.add(new Song(name, melody));
        }
      } catch (UserError e) {
        warnings.println("warning: skipped " + e.getMessage());
        unreadable.add(name);
        firstProblem = firstProblem == null ? e.getMessage() : firstProblem;
      }
    }
    if (songs.isEmpty() && tooShort.isEmpty()) {
      throw new UserError(dir + ": none of the " + files.size() + " .mid/.midi files is a readable MIDI song (first: "
          + firstProblem + ")");
    }
    if (songs.isEmpty()) {
      throw new UserError(dir + ": none of the " + files.size() + " MIDI files gives a song of at least " + minRows
          + " rows (" + tooShort.size() + " too short" + (unreadable.isEmpty() ? "" : ", " + unreadable.size()
          + " unreadable") + ")");
    }
    return new SongDataset(songs, new Report(dir.toString(), files.size(), songs.size(), tooShort, unreadable),
        DataFingerprint.ofFiles(dir.toAbsolutePath().normalize().toString(), FOLDER, files));
  }

  /** The built-in corpus of public-domain melodies (works offline, no files needed). */
  public static SongDataset builtin(int minRows) {
    List<Song> all = BuiltinMelodies.songs();
    List<Song> kept = all.stream().filter(s -> s.melody().length() >= minRows).toList();
    List<String> tooShort = all.stream().filter(s -> s.melody().length() < minRows)
        .map(s -> s.name() + " (" + s.melody().length() + " rows)").toList();
    String source = "built-in public-domain melodies";
    return new SongDataset(kept, new Report(source, all.size(), kept.size(), tooShort, List.of()),
        contentFingerprint(source, BUILT_IN, kept));
  }

  /** A data set from songs already in memory (tests, small corpora). */
  public static SongDataset of(String source, List<Song> songs) {
    return new SongDataset(songs, new Report(source, songs.size(), songs.size(), List.of(), List.of()),
        contentFingerprint(source, "in memory", songs));
  }

  /** Songs held in memory: their names and notes are the data. */
  private static DataFingerprint contentFingerprint(String source, String kind, List<Song> songs) {
    StringBuilder text = new StringBuilder();
    songs.forEach(s -> text.append(s.name()).append('\t').append(java.util.Arrays.toString(s.melody().notes()))
        .append('\n'));
    return DataFingerprint.ofText(source, kind, songs.size(), text.toString());
  }

  /** What the songs are, for a run's {@code run.json}. */
  public DataFingerprint fingerprint() {
    return fingerprint;
  }

  /**
   * Where songs come from when the user gives no folder: the real songs if {@code ./labs data fetch music} put them
   * in the cache, else the built-in corpus.
   */
  public static SongDataset loadDefault(Optional<Path> dir, int minRows, PrintStream warnings) {
    if (dir.isPresent()) {
      return load(dir.get(), minRows, warnings);
    }
    Path cached = MusicData.cachedSongsDir();
    if (Files.isDirectory(cached)) {
      return load(cached, minRows, warnings);
    }
    return builtin(minRows);
  }

  /**
   * The songs a run trained on, as its {@code run.json} records them: the same folder again, or the built-in corpus.
   * (A resumed run then checks that they are still the same songs.)
   */
  public static SongDataset loadFor(DataFingerprint recorded, int minRows, PrintStream warnings) {
    if (recorded != null && FOLDER.equals(recorded.kind())) {
      return load(Path.of(recorded.source()), minRows, warnings);
    }
    if (recorded != null && BUILT_IN.equals(recorded.kind())) {
      return builtin(minRows);
    }
    throw new UserError("the run's songs (" + (recorded == null ? "not recorded" : recorded.source())
        + ") cannot be found again: give them with --data");
  }

  public List<Song> songs() {
    return songs;
  }

  public Report report() {
    return report;
  }

  /** The song whose name equals {@code name} ignoring case, or the lab's index into the kept songs. */
  public Song find(String nameOrIndex) {
    for (Song s : songs) {
      if (s.name().equalsIgnoreCase(nameOrIndex.strip())) {
        return s;
      }
    }
    if (nameOrIndex.strip().matches("\\d+")) {
      int i = Integer.parseInt(nameOrIndex.strip());
      if (i < songs.size()) {
        return songs.get(i);
      }
    }
    throw new UserError("no song named '" + nameOrIndex + "' in " + report.source() + " (closest: "
        + String.join(", ", closestNames(nameOrIndex.strip(), 3)) + ")");
  }

  /**
   * The {@code count} song names nearest to {@code name}, ignoring case: fewest edits to turn it into a part of the
   * name ("Ode to Jy" is one edit from a part of "Ode to Joy (Beethoven)"), then fewest to the whole name.
   */
  List<String> closestNames(String name, int count) {
    String wanted = name.toLowerCase(Locale.ROOT);
    return songs.stream().map(Song::name)
        .sorted(Comparator.comparingInt((String n) -> editDistance(wanted, n.toLowerCase(Locale.ROOT), true))
            .thenComparingInt(n -> editDistance(wanted, n.toLowerCase(Locale.ROOT), false))
            .thenComparing(Comparator.naturalOrder()))
        .limit(count).map(n -> "\"" + n + "\"").toList();
  }

  /** Levenshtein distance from {@code a} to {@code b}, or (partOfB) to the closest substring of {@code b}. */
  private static int editDistance(String a, String b, boolean partOfB) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = partOfB ? 0 : j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    if (partOfB) {
      return java.util.Arrays.stream(previous).min().orElse(a.length());
    }
    return previous[b.length()];
  }

  /** The lab's batches: each example a random song, a random start, {@code timesteps} rows and the next row. */
  public SongBatches batches(int batchSize, int timesteps, long seed) {
    return new SongBatches(songs, batchSize, timesteps, seed);
  }

  static String songName(Path f) {
    String n = f.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot > 0 ? n.substring(0, dot) : n;
  }
}
