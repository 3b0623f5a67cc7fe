package org.introdl.music.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.introdl.core.LabPaths;
import org.introdl.core.UserError;
import org.introdl.core.io.Downloads;

/**
 * The lab's 88 songs from the course repository at the pinned commit of the 2018 lab, each checked against its
 * SHA-256 (resource {@code songs.sha256}, in {@code sha256sum} format).
 */
public final class MusicData {
  /** The 2018 course repository at its final 2018 state. */
  public static final String REPOSITORY = "aamini/introtodeeplearning_labs";
  public static final String COMMIT = "c7b3c0f5734a4dab11e1b37feb8f3c0afd73be88";
  public static final String FOLDER = "lab1/data";

  private MusicData() {}

  /** Where {@code ./labs data fetch music} puts the songs (and where training looks first). */
  public static Path cachedSongsDir() {
    return LabPaths.cacheDir().resolve("music");
  }

  /** One pinned file: its name and SHA-256. */
  public record PinnedFile(String name, String sha256) {
    public String url() {
      return "https://raw.githubusercontent.com/" + REPOSITORY + "/" + COMMIT + "/" + FOLDER + "/"
          + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
  }

  public static List<PinnedFile> pinnedFiles() {
    List<PinnedFile> files = new ArrayList<>();
    try (InputStream in = MusicData.class.getResourceAsStream("songs.sha256")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        String sha = line.substring(0, 64);
        String name = line.substring(64).replaceFirst("^\\s+\\*?", "").replaceFirst("^data/", "");
        files.add(new PinnedFile(name, sha));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /** Downloads every song not already present with the right checksum into {@code dir}. */
  public static Path fetch(Path dir, PrintStream out) {
    List<PinnedFile> files = pinnedFiles();
    int downloaded = 0;
    for (PinnedFile f : files) {
      Path target = dir.resolve(f.name());
      if (Downloads.fetch(f.url(), f.sha256(), target) == Downloads.Outcome.DOWNLOADED) {
        downloaded++;
      }
    }
    out.printf("%d songs in %s (%d downloaded, %d already present; SHA-256 checked)%n", files.size(), dir,
        downloaded, files.size() - downloaded);
    if (files.isEmpty()) {
      throw new UserError("no pinned songs listed");
    }
    return dir;
  }
}
