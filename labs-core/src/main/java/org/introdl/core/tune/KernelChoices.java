package org.introdl.core.tune;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.introdl.core.LabPaths;
import org.introdl.core.io.AtomicFiles;
import org.tensorflow.TensorFlow;

/**
 * Which of several equivalent kernels is fastest on this machine, measured once and remembered. Which kernel wins
 * depends on the CPU (oneDNN's convolution beat TensorFlow's own on one AVX-512 machine and lost 2.4x on another),
 * so it is timed for a moment on the real shapes the first time it is needed and kept in {@code kernels.json} in the
 * cache folder, keyed by the CPU model, core count, TensorFlow version, what is chosen and the shape.
 *
 * <p>The file is a cache: a missing, unreadable or corrupt one counts as empty (and is rewritten), and when it cannot
 * be written the choice is still made and kept for this process.
 */
public final class KernelChoices {
  /** The file in the cache folder. */
  public static final String FILE_NAME = "kernels.json";
  /** Timed runs per candidate after one warm-up run (which includes TensorFlow's one-time graph optimisation). */
  static final int TIMED_RUNS = 3;

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path file;
  private final Machine machine;
  private List<Choice> choices;

  /** The machine a choice was measured on: a choice made on another machine or TensorFlow is measured again. */
  public record Machine(String cpu, int cores, String tensorflow) {
    /** This machine: the CPU model named by /proc/cpuinfo (else the architecture), its cores, TF's runtime version. */
    public static Machine current() {
      return new Machine(cpuModel(), Runtime.getRuntime().availableProcessors(), TensorFlow.version());
    }

    private static String cpuModel() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
          if (line.startsWith("model name")) {
            return line.substring(line.indexOf(':') + 1).strip();
          }
        }
      } catch (IOException | RuntimeException notLinux) {
        // fall through: the architecture is the best name left
      }
      return System.getProperty("os.arch");
    }
  }

  /**
   * One stored choice: on {@code machine}, for {@code what} (e.g. "convolution") at {@code shape}, {@code winner}
   * was fastest; {@code ms} holds every candidate's median milliseconds.
   */
  public record Choice(Machine machine, String what, String shape, String winner, Map<String, Double> ms,
      String measuredAt) {
    boolean answers(Machine m, String w, String s) {
      return machine.equals(m) && what.equals(w) && shape.equals(s);
    }
  }

  /** What the file holds. */
  record Stored(List<Choice> choices) {}

  /** Builds and runs one candidate; set-up and clean-up are not timed. */
  @FunctionalInterface
  public interface Timer {
    Trial open(String candidate);
  }

  /** One candidate ready to run. */
  public interface Trial extends AutoCloseable {
    /** Runs the candidate once and returns how long it took, in milliseconds. */
    double runMillis();

    @Override
    void close();
  }

  public KernelChoices(Path file, Machine machine) {
    this.file = file;
    this.machine = machine;
  }

  /** This machine's choices in the cache folder ({@link LabPaths#cacheDir()}). */
  public static KernelChoices inCache() {
    return new KernelChoices(LabPaths.cacheDir().resolve(FILE_NAME), Machine.current());
  }

  public Path file() {
    return file;
  }

  /** True when the choice for {@code what} at {@code shape} on this machine is already known (nothing to time). */
  public synchronized boolean isKnown(String what, String shape) {
    return find(what, shape) != null;
  }

  /**
   * The choice of the fastest of {@code candidates} for {@code what} at {@code shape}: the stored winner when this machine has
   * measured it before (nothing is timed), else each candidate timed by {@code timer} (one warm-up, then the median
   * of {@value #TIMED_RUNS} runs, the candidates taking turns), the fastest stored and returned.
   */
  public synchronized Choice choose(String what, String shape, List<String> candidates, Timer timer) {
    Choice known = find(what, shape);
    if (known != null && candidates.contains(known.winner())) {
      return known;
    }
    Map<String, Double> ms = medianMillis(candidates, timer);
    String winner = candidates.stream().min((a, b) -> Double.compare(ms.get(a), ms.get(b))).orElseThrow();
    Choice measured = new Choice(machine, what, shape, winner, ms, Instant.now().toString());
    remember(measured);
    return measured;
  }

  /** The choices stored for this machine, in the order they were measured. */
  public synchronized List<Choice> forThisMachine() {
    return loaded().stream().filter(c -> c.machine().equals(machine)).toList();
  }

  /**
   * Each candidate's median time. The runs take turns (A, B, A, B, ...) so that a machine busy with something else
   * for a while slows every candidate alike instead of the one that happened to run then.
   */
  private static Map<String, Double> medianMillis(List<String> candidates, Timer timer) {
    List<Trial> trials = new ArrayList<>();
    try {
      for (String candidate : candidates) {
        Trial trial = timer.open(candidate);
        trials.add(trial);
        trial.runMillis();
      }
      double[][] ms = new double[trials.size()][TIMED_RUNS];
      for (int run = 0; run < TIMED_RUNS; run++) {
        for (int i = 0; i < trials.size(); i++) {
          ms[i][run] = trials.get(i).runMillis();
        }
      }
      Map<String, Double> medians = new LinkedHashMap<>();
      for (int i = 0; i < trials.size(); i++) {
        Arrays.sort(ms[i]);
        medians.put(candidates.get(i), ms[i][TIMED_RUNS / 2]);
      }
      return medians;
    } finally {
      trials.forEach(Trial::close);
    }
  }

  private Choice find(String what, String shape) {
    return loaded().stream().filter(c -> c.answers(machine, what, shape)).findFirst().orElse(null);
  }

  private void remember(Choice choice) {
    List<Choice> updated = new ArrayList<>(loaded());
    updated.removeIf(c -> c.answers(choice.machine(), choice.what(), choice.shape()));
    updated.add(choice);
    choices = updated;
    try {
      AtomicFiles.write(file, out -> JSON.writeValue(out, new Stored(updated)));
    } catch (RuntimeException unwritable) {
      // A read-only cache costs a measurement in the next process, not this one's result.
    }
  }

  private List<Choice> loaded() {
    if (choices == null) {
      choices = read(file);
    }
    return choices;
  }

  /** The file's choices; a missing or damaged file holds none (it is rewritten on the next measurement). */
  static List<Choice> read(Path file) {
    try {
      Stored stored = JSON.readValue(file.toFile(), Stored.class);
      if (stored == null || stored.choices() == null) {
        return List.of();
      }
      return stored.choices().stream().filter(KernelChoices::complete).toList();
    } catch (IOException | RuntimeException missingOrDamaged) {
      return List.of();
    }
  }

  private static boolean complete(Choice c) {
    return c != null && c.machine() != null && c.what() != null && c.shape() != null && c.winner() != null
        && c.ms() != null;
  }
}
