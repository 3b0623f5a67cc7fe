package org.introdl.core.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.introdl.core.UserError;
import org.introdl.core.exercises.ExerciseCode;
import org.introdl.core.io.AtomicFiles;
import org.tensorflow.TensorFlow;

/**
 * {@code run.json}: how a training run was made, written when it starts. The lab, its settings (model, batch,
 * learning rate and schedule, seed, steps, data location: one entry per command-line option, named as the option in
 * camelCase), the data's fingerprint, and the project and TensorFlow versions. {@code --resume} takes the settings
 * from here; {@code generate}, {@code eval}, {@code cam} and {@code export} read it to rebuild the model and to find
 * the run's data.
 */
public record RunManifest(String lab, Map<String, Object> settings, DataFingerprint data, String project,
    String tensorflow, String started, @JsonInclude(JsonInclude.Include.NON_NULL) ExerciseCode.Origin exercises) {
  public static final String FILE = "run.json";
  /** Files larger than this are not a manifest. */
  private static final long MAX_BYTES = 1 << 20;
  /** Settings a resumed run may change: the number of steps to train to. */
  public static final Set<String> MAY_CHANGE_ON_RESUME = Set.of("steps");
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The manifest of a run starting now with {@code settings} (a record; its components become the entries). */
  public static RunManifest of(String lab, Object settings, DataFingerprint data) {
    @SuppressWarnings("unchecked")
    Map<String, Object> map = JSON.convertValue(settings, LinkedHashMap.class);
    return new RunManifest(lab, map, data, projectVersion(), TensorFlow.version(), Instant.now().toString(), null);
  }

  /** This manifest for a run of a student's code: which workspace, and which of the lab's tasks were theirs. */
  public RunManifest withExercises(ExerciseCode.Origin origin) {
    return new RunManifest(lab, settings, data, project, tensorflow, started, origin);
  }

  /** The settings as the lab's record type. */
  public <T> T settings(Class<T> type) {
    try {
      return JSON.convertValue(settings, type);
    } catch (IllegalArgumentException e) {
      throw new UserError(FILE + ": settings not understood (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
  }

  public void write(Path runDir) {
    AtomicFiles.write(runDir.resolve(FILE), out -> out.write(JSON.writeValueAsBytes(this)));
  }

  /** The manifest in {@code runDir}, if there is one; a damaged one is an error naming the file. */
  public static Optional<RunManifest> read(Path runDir) {
    Path file = runDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw UserError.inFile(file, "too large for a run manifest");
      }
      RunManifest m = JSON.readValue(file.toFile(), RunManifest.class);
      if (m.lab() == null || m.settings() == null) {
        throw UserError.inFile(file, "not a run manifest (no lab or settings)");
      }
      return Optional.of(m);
    } catch (IOException e) {
      throw UserError.inFile(file, "not a valid run manifest (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
  }

  /**
   * Finds the run folder that holds {@code path}: the folder itself, or one of the two above it (its
   * {@code checkpoints/} folder, one checkpoint inside it).
   */
  public static Optional<Path> locateRun(Path path) {
    Path p = path.toAbsolutePath().normalize();
    for (int up = 0; up < 3 && p != null; up++, p = p.getParent()) {
      if (Files.isRegularFile(p.resolve(FILE))) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Refuses a run of another lab in one line: "this is a music run; `xray cam` needs an x-ray run". */
  public void requireLab(String expectedLab, String labName, String command, Path runDir) {
    if (!expectedLab.equals(lab)) {
      throw new UserError(runDir + ": this is " + article(lab) + " " + lab + " run; `" + command + "` needs "
          + article(labName) + " " + labName + " run");
    }
  }

  /**
   * The manifest of the run to resume in {@code runDir}: it must exist and be of {@code lab}; {@code command} is the
   * command that resumes it (for the messages).
   */
  public static RunManifest forResume(Path runDir, String lab, String command) {
    RunManifest m = read(runDir).orElseThrow(() -> new UserError(runDir + ": no " + FILE + " here, so nothing to"
        + " resume; start a new run without --resume"));
    m.requireLab(lab, lab, command + " --resume", runDir);
    return m;
  }

  /**
   * The settings for resuming this run: the recorded value of every setting, except those the user gave
   * ({@code given}, keys as in the manifest); a given value must equal the recorded one unless it may change
   * ({@link #MAY_CHANGE_ON_RESUME}: a resumed run may go on longer). Refused otherwise, in one line naming the
   * option, both values and how to start a new run instead.
   */
  @SuppressWarnings("unchecked")
  public <T> T resumeSettings(T current, Set<String> given, Path runDir) {
    Map<String, Object> now = JSON.convertValue(current, LinkedHashMap.class);
    Map<String, Object> merged = new LinkedHashMap<>(settings);
    for (String key : now.keySet()) {
      if (!given.contains(key) || !settings.containsKey(key)) {
        continue;
      }
      if (!MAY_CHANGE_ON_RESUME.contains(key) && !sameValue(now.get(key), settings.get(key))) {
        String option = optionName(key);
        throw new UserError(option + " " + text(now.get(key)) + " differs from the run in " + runDir + " (" + option
            + " " + text(settings.get(key)) + "): resume without " + option + ", or start a new run with another --out");
      }
      merged.put(key, now.get(key));
    }
    return (T) new RunManifest(lab, merged, data, project, tensorflow, started, exercises).settings(current.getClass());
  }

  /** Refuses to resume on other data than the run started with. */
  public void requireSameData(DataFingerprint now, Path runDir) {
    if (data != null && !data.sameDataAs(now)) {
      throw new UserError("the data (" + now.source() + ", " + now.items() + " items) differ from those the run in "
          + runDir + " started with (" + data.source() + ", " + data.items() + " items): resume with the run's data,"
          + " or start a new run with another --out");
    }
  }

  private static String article(String word) {
    return word.matches("[aeiou].*|x-.*") ? "an" : "a";
  }

  /** {@code checkpointEvery} -> {@code --checkpoint-every}. */
  public static String optionName(String key) {
    return "--" + key.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
  }

  private static boolean sameValue(Object a, Object b) {
    JsonNode x = JSON.valueToTree(a);
    JsonNode y = JSON.valueToTree(b);
    if (x.isNumber() && y.isNumber()) {
      return new BigDecimal(x.asText()).compareTo(new BigDecimal(y.asText())) == 0;
    }
    return x.equals(y);
  }

  private static String text(Object value) {
    return value == null ? "(none)" : String.valueOf(value);
  }

  /** This project's version, from the jar's Maven descriptor ("dev" when run from classes). */
  static String projectVersion() {
    try (InputStream in = RunManifest.class.getResourceAsStream(
        "/META-INF/maven/org.introdl/labs-core/pom.properties")) {
      if (in == null) {
        return "dev";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }
}
