package org.introdl.core.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.introdl.core.UserError;
import org.introdl.core.io.AtomicFiles;

/**
 * Training metrics, one row per logged step, as {@code metrics.csv} (for spreadsheets) and {@code metrics.jsonl}
 * (one JSON object per line, for scripts). Each line is flushed as it is written, so a killed run leaves complete
 * lines behind; on resume, rows after the restored step are dropped so the files describe one consistent run.
 */
public final class MetricsLog implements AutoCloseable {
  public static final String CSV = "metrics.csv";
  public static final String JSONL = "metrics.jsonl";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path csvFile;
  private final Path jsonFile;
  private BufferedWriter csv;
  private BufferedWriter jsonl;
  private List<String> columns;

  private MetricsLog(Path dir) {
    this.csvFile = dir.resolve(CSV);
    this.jsonFile = dir.resolve(JSONL);
  }

  /** Opens the log in {@code dir}; a fresh run starts new files, a resumed run appends to the existing ones. */
  public static MetricsLog open(Path dir, boolean resume) {
    MetricsLog log = new MetricsLog(dir);
    try {
      Files.createDirectories(dir);
      if (!resume) {
        Files.deleteIfExists(log.csvFile);
        Files.deleteIfExists(log.jsonFile);
      } else {
        log.columns = readHeader(log.csvFile);
      }
      return log;
    } catch (IOException e) {
      throw new UserError(dir + ": cannot open metrics files (" + e.getMessage() + ")");
    }
  }

  /** Drops every row whose step is greater than {@code step} (used after restoring a checkpoint). */
  public void truncateAfter(long step) {
    closeWriters();
    keepRowsUpTo(csvFile, step, true);
    keepRowsUpTo(jsonFile, step, false);
  }

  /** Appends one row; the first row fixes the columns (step first, then the metric names in order). */
  public void log(long step, Map<String, Double> metrics) {
    try {
      openWriters(metrics);
      StringBuilder line = new StringBuilder(Long.toString(step));
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("step", step);
      for (String column : columns.subList(1, columns.size())) {
        Double v = metrics.get(column);
        boolean measured = v != null && Double.isFinite(v);
        // Not measured at this step (or not a number): an empty cell, and a real JSON null.
        line.append(',').append(measured ? format(v) : "");
        json.put(column, measured ? v : null);
      }
      csv.write(line.append('\n').toString());
      csv.flush();
      jsonl.write(JSON.writeValueAsString(json) + "\n");
      jsonl.flush();
    } catch (IOException e) {
      throw new UserError(csvFile.getParent() + ": cannot write metrics (" + e.getMessage() + ")");
    }
  }

  /**
   * Every row of a {@code metrics.csv}, in file order: step first, then each column by name; an empty cell (not
   * measured at that step) is NaN. A torn last line is skipped. Charts are drawn from this, so a resumed run's chart
   * holds its earlier steps too.
   */
  public static List<Map<String, Double>> readRows(Path csvFile) {
    try {
      List<String> lines = Files.readAllLines(csvFile, StandardCharsets.UTF_8);
      List<Map<String, Double>> rows = new ArrayList<>();
      if (lines.isEmpty()) {
        return rows;
      }
      String[] header = lines.get(0).split(",", -1);
      for (String line : lines.subList(1, lines.size())) {
        String[] cells = line.split(",", -1);
        if (cells.length != header.length) {
          continue;
        }
        Map<String, Double> row = new LinkedHashMap<>();
        for (int i = 0; i < header.length; i++) {
          row.put(header[i], cells[i].isEmpty() ? Double.NaN : Double.parseDouble(cells[i]));
        }
        rows.add(row);
      }
      return rows;
    } catch (IOException | NumberFormatException e) {
      throw new UserError(csvFile + ": cannot read metrics (" + e.getMessage() + ")");
    }
  }

  @Override
  public void close() {
    closeWriters();
  }

  private void openWriters(Map<String, Double> metrics) throws IOException {
    if (csv != null) {
      return;
    }
    boolean fresh = !Files.exists(csvFile) || Files.size(csvFile) == 0;
    if (fresh || columns == null) {
      columns = new ArrayList<>();
      columns.add("step");
      columns.addAll(metrics.keySet());
    }
    csv = Files.newBufferedWriter(csvFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    jsonl = Files.newBufferedWriter(jsonFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    if (fresh) {
      csv.write(String.join(",", columns) + "\n");
    }
  }

  private void closeWriters() {
    try {
      if (csv != null) {
        csv.close();
      }
      if (jsonl != null) {
        jsonl.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      csv = null;
      jsonl = null;
    }
  }

  private static List<String> readHeader(Path csvFile) throws IOException {
    if (!Files.exists(csvFile)) {
      return null;
    }
    try (var lines = Files.lines(csvFile, StandardCharsets.UTF_8)) {
      return lines.findFirst().map(h -> List.of(h.split(","))).orElse(null);
    }
  }

  /** Rewrites {@code file} (atomically) without rows past {@code step} and without a torn last line. */
  private static void keepRowsUpTo(Path file, long step, boolean hasHeader) {
    if (!Files.exists(file)) {
      return;
    }
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      StringBuilder kept = new StringBuilder();
      String[] lines = text.split("\n", -1);
      boolean complete = text.endsWith("\n");
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i];
        boolean last = i == lines.length - 1;
        if (line.isEmpty() || (last && !complete)) {
          continue;
        }
        if (hasHeader && i == 0) {
          kept.append(line).append('\n');
          continue;
        }
        Long rowStep = stepOf(line);
        if (rowStep != null && rowStep <= step) {
          kept.append(line).append('\n');
        }
      }
      AtomicFiles.writeString(file, kept.toString());
    } catch (IOException e) {
      throw new UserError(file + ": cannot read metrics (" + e.getMessage() + ")");
    }
  }

  private static Long stepOf(String line) {
    try {
      if (line.startsWith("{")) {
        return JSON.readTree(line).get("step").asLong();
      }
      return Long.parseLong(line.substring(0, line.indexOf(',') < 0 ? line.length() : line.indexOf(',')));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String format(double v) {
    return String.format(Locale.ROOT, "%.6g", v);
  }
}
