package org.introdl.core.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.introdl.core.UserError;
import org.introdl.core.bench.BenchRunner.Timing;
import org.introdl.core.io.AtomicFiles;

/**
 * One run of {@code ./labs bench} as its {@code --out} file holds it: the machine, its float32 peak (GFLOP/s) and
 * every workload's timing. The PyTorch reference script ({@code docs/bench/pytorch_bench.py}) writes the same format,
 * so a run of either can be compared with a run of the other.
 *
 * @param peakGflops the machine's measured float32 peak; NaN when the file does not say
 */
public record BenchRun(String machine, double peakGflops, List<Timing> workloads) {
  /** Larger files are not a bench run (the full table is a few kilobytes). */
  private static final long MAX_BYTES = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  public BenchRun {
    workloads = List.copyOf(workloads);
  }

  /** Writes the run as JSON, atomically: {@code {machine, peak_gflops, workloads: [...]}}. */
  public void write(Path file) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("machine", machine);
    doc.put("peak_gflops", peakGflops);
    doc.put("workloads", workloads);
    AtomicFiles.write(file, out -> out.write(JSON.writeValueAsBytes(doc)));
  }

  /**
   * Reads a run that {@code ./labs bench --out} (or the PyTorch script) wrote. Every workload needs a name, unique in
   * the file, and a positive median; the other numbers, the machine and the peak may be missing. Anything else is a
   * {@link UserError} "{file}: {what is wrong}".
   */
  public static BenchRun read(Path file) {
    JsonNode doc = parse(file);
    if (!doc.isObject()) {
      throw UserError.inFile(file, "not a bench run (a JSON object with a 'workloads' list was expected)");
    }
    JsonNode list = doc.get("workloads");
    if (list == null || !list.isArray()) {
      throw UserError.inFile(file, "no 'workloads' list, so not a bench run (./labs bench --out FILE.json writes one)");
    }
    List<Timing> workloads = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (JsonNode w : list) {
      Timing t = timing(file, workloads.size() + 1, w);
      if (!names.add(t.name())) {
        throw UserError.inFile(file, "workload '" + t.name() + "' appears twice");
      }
      workloads.add(t);
    }
    JsonNode machine = doc.get("machine");
    return new BenchRun(machine != null && machine.isTextual() ? machine.asText() : "unknown machine",
        optionalNumber(file, doc, "peak_gflops", "the file"), workloads);
  }

  private static JsonNode parse(Path file) {
    if (Files.isDirectory(file)) {
      throw UserError.inFile(file, "a folder, not a bench run file");
    }
    if (!Files.exists(file)) {
      throw UserError.inFile(file, "no such file");
    }
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw UserError.inFile(file, "too large for a bench run (" + Files.size(file) + " bytes)");
      }
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length == 0) {
        throw UserError.inFile(file, "empty, not a bench run");
      }
      return JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw UserError.inFile(file, "not valid JSON at line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + " (" + firstClause(e.getOriginalMessage()) + ")");
    } catch (IOException e) {
      throw UserError.inFile(file, "cannot read (" + e.getMessage() + ")");
    }
  }

  /** The parser's message up to its details: "Unexpected end-of-input", "Unrecognized token 'machine'". */
  private static String firstClause(String message) {
    String m = message == null ? "" : message.strip();
    int end = m.length();
    for (String stop : new String[] {":", " (", "\n"}) {
      int at = m.indexOf(stop);
      end = at > 0 ? Math.min(end, at) : end;
    }
    return m.substring(0, end);
  }

  /** Workload {@code number} (from 1) of the file's list. */
  private static Timing timing(Path file, int number, JsonNode w) {
    String where = "workload " + number;
    if (!w.isObject() || !w.path("name").isTextual() || w.path("name").asText().isBlank()) {
      throw UserError.inFile(file, where + " has no name");
    }
    String name = w.get("name").asText();
    where += " ('" + name + "')";
    JsonNode median = w.get("medianMs");
    if (median == null || !median.isNumber() || !(median.asDouble() > 0) || Double.isInfinite(median.asDouble())) {
      throw UserError.inFile(file, where + " has no positive 'medianMs'");
    }
    double runs = optionalNumber(file, w, "runs", where);
    double flops = optionalNumber(file, w, "flopsPerRun", where);
    JsonNode baseline = w.path("baseline");
    return new Timing(name, median.asDouble(), optionalNumber(file, w, "minMs", where),
        optionalNumber(file, w, "maxMs", where), Double.isNaN(runs) ? 0 : (int) runs, Double.isNaN(flops) ? 0 : flops,
        baseline.isTextual() ? baseline.asText() : null);
  }

  /** The number under {@code key}, NaN when absent or null; another kind of value is an error. */
  private static double optionalNumber(Path file, JsonNode node, String key, String where) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return Double.NaN;
    }
    if (!v.isNumber()) {
      throw UserError.inFile(file, where + ": '" + key + "' is not a number");
    }
    return v.asDouble();
  }
}
