package org.introdl.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.introdl.core.LabPaths;
import org.introdl.core.testing.SharedFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command the docs show runs as written. Which commands: each line that starts with {@code ./labs} inside a
 * fenced code block of README.md or of a page in docs/, in page order (README first, then docs/ by name), so a
 * command may use what an earlier one wrote ({@code music generate} after {@code music train}). Each runs through
 * the {@code ./labs} launcher in bash, in a fresh checkout-like folder (its own out/, the shared fixtures at
 * ../shared, a home whose cache holds what {@code ./labs data fetch} would have put there), and must exit 0 without
 * TensorFlow's log on stderr.
 *
 * <p>To keep the run short, {@link #SMALL_SETTINGS} swaps in small values for the options that set a command's
 * size (steps, notes); everything else runs as written. A command that cannot run here (it downloads, it is a
 * benchmark of minutes, or it is a template with a placeholder such as DIR) goes into {@link #NOT_RUN} with the
 * reason, word for word as the docs show it (without its trailing comment).
 */
class DocumentedCommandsTest {
  /** Documented commands this test does not run, and why. An entry no page shows any more fails the test. */
  static final Map<String, String> NOT_RUN = Map.ofEntries(
      Map.entry("./labs run", "the whole main job, minutes; each lab's main job is tested in its module"),
      Map.entry("./labs data fetch music", "downloads (the sandbox's cache holds the fixtures instead)"),
      Map.entry("./labs data fetch xray", "downloads (the sandbox's cache holds the fixtures instead)"),
      Map.entry("./labs data fetch music|xray", "template: one of two words; downloads"),
      Map.entry("./labs xray train --data path/to/pneumothorax_train.h5 --image-size 256", "template: a path"),
      Map.entry("./labs savedmodel convert DIR --to OUT", "template: DIR, OUT"),
      Map.entry("./labs exercises check", "exits 1 while the student's tasks are still to do (that is its"
          + " point); ExercisesCliTest runs it on a fresh and on a solved workspace"),
      Map.entry("./labs exercises check --task rnn", "exits 1 while rnn is still to do; ExercisesCliTest"),
      Map.entry("./labs music train --exercises ~/introdl-exercises", "needs the student's rnn written;"
          + " ExercisesCliTest trains with a solved workspace"),
      Map.entry("./labs music generate --exercises ~/introdl-exercises --checkpoint out/music/training",
          "needs the student's sampler written; ExercisesCliTest generates with a solved workspace"),
      Map.entry("./labs checkpoint convert PREFIX --to DIR --model xray|music", "template: PREFIX, DIR"),
      Map.entry("./labs graph run FILE.meta --checkpoint PREFIX --input 'X=[0.0, 1.0]' --output pred",
          "template: FILE, PREFIX"),
      Map.entry("./labs bench [--quick]", "template; a benchmark"),
      Map.entry("./labs bench", "a benchmark of about 12 minutes"),
      Map.entry("./labs bench --out mine.json", "a benchmark of about 12 minutes"),
      Map.entry("./labs bench --compare docs/bench/tfjava-xeon-2core.json", "a benchmark of about 12 minutes"),
      Map.entry("./labs bench --from mine.json --compare docs/bench/tfjava-xeon-2core.json", "reads the run of"
          + " the benchmark before it; BenchCompareCliTest and PerformanceDocsTest compare saved runs"),
      Map.entry("./labs bench --from mine.json --compare pytorch.json", "reads runs made by benchmarks;"
          + " BenchCompareCliTest and PerformanceDocsTest compare saved runs"),
      Map.entry("./labs bench --quick", "a benchmark"),
      Map.entry("./labs bench --only W1", "a benchmark of minutes"),
      Map.entry("./labs bench --only W2", "a benchmark of minutes"),
      Map.entry("./labs bench --out bench.json", "a benchmark of about 12 minutes"));

  /** Option values that keep each kind of command short (the first matching prefix wins). */
  static final List<Map.Entry<String, String>> SMALL_SETTINGS = List.of(
      Map.entry("./labs music train", "--steps 3 --batch 16 --checkpoint-every 3"),
      Map.entry("./labs music generate", "--notes 24"),
      Map.entry("./labs xray train --out out/xray-train --steps", "--steps 3"), // the --resume of a 2-step run
      Map.entry("./labs xray train", "--steps 2 --batch 4 --eval-every 2 --checkpoint-every 2"));

  private static final Pattern TENSORFLOW_LOG = Pattern.compile("absl::|tensorflow/|^[IWEF]\\d{4} ",
      Pattern.MULTILINE);

  @TempDir Path sandbox;

  @Test
  void everyDocumentedCommandRunsAsWritten() throws Exception {
    Path sharedData = SharedFixtures.require("music-midi-2018/data").getParent().getParent();
    Path checkout = prepareSandbox(sharedData);
    List<Command> commands = documentedCommands();
    List<String> failures = new ArrayList<>();
    int ran = 0;
    for (Command c : commands) {
      if (NOT_RUN.containsKey(c.text())) {
        continue;
      }
      String line = small(c.text());
      long start = System.nanoTime();
      Result r = run(checkout, line);
      System.out.printf("%5.1f s  exit %d  %s: %s%n", (System.nanoTime() - start) / 1e9, r.exitCode(), c.where(), line);
      ran++;
      if (r.exitCode() != 0) {
        failures.add(c.where() + ": exit " + r.exitCode() + ": " + line + "\n    " + tail(r.stderr()));
      } else if (TENSORFLOW_LOG.matcher(r.stderr()).find()) {
        failures.add(c.where() + ": TensorFlow's log on stderr: " + line + "\n    " + tail(r.stderr()));
      }
    }
    if (!failures.isEmpty()) {
      fail(failures.size() + " documented commands fail (fix the command or the docs; a command that cannot run in"
          + " a test goes into DocumentedCommandsTest.NOT_RUN with the reason):\n" + String.join("\n", failures));
    }
    assertTrue(ran >= 25, "ran only " + ran + " of " + commands.size() + " documented commands");
  }

  @Test
  void everyCommandLeftOutIsStillDocumented() throws IOException {
    List<String> documented = documentedCommands().stream().map(Command::text).toList();
    for (String command : NOT_RUN.keySet()) {
      assertTrue(documented.contains(command), "NOT_RUN lists a command no page shows any more: " + command);
    }
  }

  /** A command line of the docs, where it is written. */
  record Command(String text, String where) {}

  /** Lines starting with ./labs inside fenced blocks of README.md and docs/*.md, their trailing comment removed. */
  static List<Command> documentedCommands() throws IOException {
    Path root = LabPaths.repoRoot();
    List<Path> pages = new ArrayList<>(List.of(root.resolve("README.md")));
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    List<Command> commands = new ArrayList<>();
    for (Path page : pages) {
      List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
      boolean fenced = false;
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.startsWith("```")) {
          fenced = !fenced;
        } else if (fenced && line.startsWith("./labs")) {
          commands.add(new Command(withoutComment(line), root.relativize(page) + ":" + (i + 1)));
        }
      }
    }
    return commands;
  }

  /** The command without a trailing {@code # comment} (a # inside quotes stays). */
  static String withoutComment(String line) {
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        quote = c == quote ? 0 : quote;
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '#' && i > 0 && Character.isWhitespace(line.charAt(i - 1))) {
        return line.substring(0, i).strip();
      }
    }
    return line.strip();
  }

  /** The command with {@link #SMALL_SETTINGS}: each listed option's value replaced, or the option added. */
  static String small(String command) {
    for (Map.Entry<String, String> rule : SMALL_SETTINGS) {
      if (command.startsWith(rule.getKey())) {
        String out = command;
        Matcher option = Pattern.compile("(--[a-z-]+) (\\S+)").matcher(rule.getValue());
        while (option.find()) {
          Pattern existing = Pattern.compile("(?<=\\s)" + Pattern.quote(option.group(1)) + "[ =]\\S+");
          out = existing.matcher(out).find() ? existing.matcher(out).replaceAll(Matcher.quoteReplacement(option.group()))
              : out + " " + option.group();
        }
        return out;
      }
    }
    return command;
  }

  /**
   * A folder laid out like a fresh checkout: the launcher at its root (so out/ is the sandbox's), the docs' example
   * files and saved bench runs, the shared fixtures beside it as ../shared, and a cache holding the lab's songs and x-rays as
   * {@code data fetch} leaves them.
   */
  private Path prepareSandbox(Path sharedData) throws IOException {
    Path checkout = Files.createDirectories(sandbox.resolve("checkout"));
    Files.copy(LabPaths.repoRoot().resolve("labs"), checkout.resolve("labs"));
    checkout.resolve("labs").toFile().setExecutable(true);
    for (String folder : List.of("docs/examples", "docs/bench")) {
      Path copy = Files.createDirectories(checkout.resolve(folder));
      try (Stream<Path> files = Files.list(LabPaths.repoRoot().resolve(folder))) {
        for (Path f : files.toList()) {
          Files.copy(f, copy.resolve(f.getFileName().toString()));
        }
      }
    }
    Files.createSymbolicLink(Files.createDirectories(sandbox.resolve("shared")).resolve("data"), sharedData);
    Path cache = Files.createDirectories(sandbox.resolve("home/.cache/introdl"));
    Files.createSymbolicLink(cache.resolve("music"), sharedData.resolve("music-midi-2018/data"));
    Files.createSymbolicLink(cache.resolve("xray"), sharedData.resolve("chest-xray-samples"));
    return checkout;
  }

  private record Result(int exitCode, String stderr) {}

  private Result run(Path checkout, String command) throws IOException, InterruptedException {
    Path stdout = sandbox.resolve("stdout.txt");
    Path stderr = sandbox.resolve("stderr.txt");
    ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).directory(checkout.toFile())
        .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    Map<String, String> env = builder.environment();
    env.put("INTRODL_LABS_CLASSPATH", System.getProperty("java.class.path"));
    env.put("HOME", sandbox.resolve("home").toString());
    // Java's user.home comes from the password file, not HOME: the sandbox's home for both (exercise workspaces).
    env.put("LABS_JAVA_OPTS", "-Duser.home=" + sandbox.resolve("home"));
    env.put(LabPaths.CACHE_ENV, sandbox.resolve("home/.cache/introdl").toString());
    env.remove(LabPaths.SHARED_ENV);
    env.remove("TF_CPP_MIN_LOG_LEVEL");
    Process process = builder.start();
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly().waitFor();
      return new Result(-1, "timed out after 10 minutes");
    }
    return new Result(process.exitValue(), Files.readString(stderr, StandardCharsets.UTF_8));
  }

  private static String tail(String text) {
    List<String> lines = text.strip().lines().toList();
    return String.join("\n    ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
  }
}
