package org.introdl.xray.data;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.introdl.core.UserError;
import org.introdl.core.io.AtomicFiles;
import org.introdl.core.io.Downloads;

/**
 * {@code ./labs data fetch xray}: downloads the real NIH ChestX-ray14 x-rays listed (URL pinned to a commit, SHA-256)
 * in the bundled {@code nih-pinned-sources.csv}, plus the three label lists, and writes the folder layout
 * {@link XrayFolderDataset} reads: {@code png/<file>} and {@code labels.csv} ({@code Image Index,Finding Labels}).
 * (The lab's .h5 needs uint8 datasets, which the HDF5 library here cannot write; the folder holds the same images.)
 */
public final class NihFetch {
  /** ChestX-ray14's 14 findings in the label lists' column order. */
  static final List<String> FINDINGS = List.of("Atelectasis", "Cardiomegaly", "Effusion", "Infiltration", "Mass", "Nodule",
      "Pneumonia", "Pneumothorax", "Consolidation", "Edema", "Emphysema", "Fibrosis", "Pleural_Thickening", "Hernia");

  static final String PINNED_SOURCES = "nih-pinned-sources.csv";

  private NihFetch() {}

  record Source(String kind, String file, String url, String sha256) {}

  public static Path fetch(Path dir, PrintStream out) {
    List<Source> sources = pinnedSources();
    AtomicFiles.requireWritableDir(dir);
    int done = 0;
    Map<String, String> findings = new HashMap<>();
    for (Source s : sources) {
      if (s.kind().equals("labels")) {
        Path target = dir.resolve("label-lists").resolve(s.file());
        Downloads.fetch(s.url(), s.sha256(), target);
        findings.putAll(readLabelList(target));
      }
    }
    List<String> rows = new ArrayList<>();
    rows.add("Image Index,Finding Labels");
    for (Source s : sources) {
      if (!s.kind().equals("image")) {
        continue;
      }
      Downloads.Outcome outcome = Downloads.fetch(s.url(), s.sha256(), dir.resolve("png").resolve(s.file()));
      done++;
      if (outcome == Downloads.Outcome.DOWNLOADED || done % 25 == 0) {
        out.printf("  %d/%d %s%n", done, sources.stream().filter(x -> x.kind().equals("image")).count(), s.file());
      }
      String f = findings.get(s.file());
      if (f == null) {
        throw new UserError(s.file() + ": not in the downloaded label lists");
      }
      rows.add(s.file() + "," + f);
    }
    AtomicFiles.writeString(dir.resolve("labels.csv"), String.join("\n", rows) + "\n");
    out.printf("%d NIH x-rays (SHA-256 checked) and labels.csv in %s%n", done, dir);
    return dir;
  }

  /** The pinned list shipped with the lab (a resource beside this class; {@code #} lines are comments). */
  static List<Source> pinnedSources() {
    try (var in = NihFetch.class.getResourceAsStream(PINNED_SOURCES)) {
      if (in == null) {
        throw new IllegalStateException(PINNED_SOURCES + " is missing from the build");
      }
      return parseSources(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList(), PINNED_SOURCES);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A sources CSV file ({@code kind,file,url,sha256} columns, any order, others ignored). */
  static List<Source> readSources(Path csv) {
    try {
      return parseSources(Files.readAllLines(csv, StandardCharsets.UTF_8), csv.toString());
    } catch (IOException e) {
      throw UserError.inFile(csv, "cannot read (" + e.getMessage() + ")");
    }
  }

  private static List<Source> parseSources(List<String> allLines, String name) {
    List<String> lines = allLines.stream().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
    if (lines.isEmpty()) {
      throw new UserError(name + ": empty sources list");
    }
    List<String> header = XrayFolderDataset.splitCsv(lines.get(0));
    int kind = header.indexOf("kind");
    int file = header.indexOf("file");
    int url = header.indexOf("url");
    int sha = header.indexOf("sha256");
    if (kind < 0 || file < 0 || url < 0 || sha < 0) {
      throw new UserError(name + ": header lacks kind, file, url, sha256");
    }
    List<Source> sources = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      List<String> c = XrayFolderDataset.splitCsv(line);
      if (c.size() < header.size() || !c.get(url).startsWith("https://") || c.get(file).contains("/")
          || c.get(file).contains("..")) {
        throw new UserError(name + ": bad row: " + line);
      }
      sources.add(new Source(c.get(kind), c.get(file), c.get(url), c.get(sha)));
    }
    return sources;
  }

  /** A CheXNet label list: "{file} f1 ... f14" per line -> NIH "Finding Labels" ("A|B" or "No Finding"). */
  static Map<String, String> readLabelList(Path file) {
    Map<String, String> out = new HashMap<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] cells = line.trim().split("\\s+");
        if (cells.length != 1 + FINDINGS.size()) {
          continue;
        }
        Set<String> found = new LinkedHashSet<>();
        for (int i = 0; i < FINDINGS.size(); i++) {
          if (cells[i + 1].equals("1")) {
            found.add(FINDINGS.get(i));
          }
        }
        String name = cells[0].substring(cells[0].lastIndexOf('/') + 1);
        out.put(name, found.isEmpty() ? "No Finding" : String.join("|", found));
      }
    } catch (IOException e) {
      throw UserError.inFile(file, "cannot read (" + e.getMessage() + ")");
    }
    return out;
  }
}
