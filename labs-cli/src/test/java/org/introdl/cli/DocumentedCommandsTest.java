package org.introdl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.introdl.core.LabPaths;
import org.introdl.core.testing.SharedFixtures;
import org.introdl.core.tf.Convolution;
import org.introdl.core.tf.ConvolutionPlan;
import org.introdl.core.tf.MeasuredConvolutions;
import org.introdl.core.tune.KernelChoices;
import org.introdl.xray.model.PneumothoraxDetectionModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command the docs show runs as written. Which commands: each line that starts with {@code ./labs} inside a
 * fenced code block of README.md or of a page in docs/, in page order (README first, then docs/ by name), so a
 * command may use what an earlier one wrote ({@code music generate} after {@code music train}). The commands run
 * one after the other in one JVM ({@link CommandJvm}: its words split by bash, as a user's shell splits them), in a
 * fresh checkout-like folder (its own out/, the shared fixtures at ../shared, a home whose cache holds what
 * {@code ./labs data fetch} would have put there and a kernel choice for each x-ray convolution). Each must exit 0
 * without TensorFlow's log on stderr, and print every number its trailing comment shows, to the comment's precision.
 *
 * <p>To keep the run short, {@link #SMALL_SETTINGS} swaps in small values for the options that set a command's
 * size (steps, notes, image size); everything else runs as written, and only a command run as written has its
 * comment's numbers checked. A command that cannot run here (it downloads, it is a
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
      Map.entry("./labs notebook lab2", "opens jshell and waits for the student; NotebookShellTest checks its cells"),
      Map.entry("./labs notebook lab2 --step --quick", "waits for the student's keys; NotebookStepperTest and"
          + " Lab2NotebookRunTest step through the cells with scripted keys"),
      Map.entry("./labs notebook lab2 --run --quick", "trains a few steps; Lab2NotebookRunTest runs it in the"
          + " notebooks module's tests"),
      Map.entry("./labs notebook lab2 --run --quick --exercises ~/introdl-exercises", "needs the student's rnn and"
          + " sampleNextNote written; NotebookExercisesTest runs the notebook with a workspace"),
      Map.entry("./labs notebook lab2 --exercises ~/introdl-exercises", "opens jshell and waits for the student;"
          + " NotebookShellTest checks the workspace reaches its startup"),
      Map.entry("./labs notebook lab2 --ipynb notebooks/ipynb", "rewrites a committed notebook; IpynbTest checks it"
          + " equals what this writes"),
      Map.entry("./labs checkpoint convert PREFIX --to DIR --input KEY=TENSOR --output KEY=TENSOR",
          "template: PREFIX, DIR, KEY, TENSOR"),
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

  /** The image side every x-ray command runs at here (the docs use 128 and 256). */
  static final int XRAY_SIDE = 32;

  /** Option values that keep each kind of command short (the first matching prefix wins). */
  static final List<Map.Entry<String, String>> SMALL_SETTINGS = List.of(
      Map.entry("./labs music train", "--steps 3 --batch 16 --checkpoint-every 3"),
      Map.entry("./labs music generate", "--notes 24"),
      Map.entry("./labs xray train --out out/xray-train --steps", "--steps 3"), // the --resume of a 2-step run
      Map.entry("./labs xray train", "--steps 2 --batch 4 --eval-every 2 --checkpoint-every 2 --image-size " + XRAY_SIDE),
      Map.entry("./labs xray", "--image-size " + XRAY_SIDE)); // data, eval, cam, profile: 1/16 of the pixels of 128

  /**
   * Commands whose comment holds numbers that are not output: each entry says why. Every other command that runs as
   * written must print each number its comment shows ({@link #missingNumbers}).
   */
  static final Map<String, String> NUMBERS_NOT_PRINTED = Map.ofEntries(
      Map.entry("./labs savedmodel scan ../shared/data/python-savedmodels/half_plus_two_tf1_cpu",
          "\"exit 3\" names the exit code of an unsafe model; this model is safe (exit 0)"),
      Map.entry("./labs music export --checkpoint out/music/training --out music-savedmodel",
          "the comment states the signature's shapes, which `savedmodel show` prints, not the export"));

  private static final Pattern TENSORFLOW_LOG = Pattern.compile("absl::|tensorflow/|^[IWEF]\\d{4} ",
      Pattern.MULTILINE);
  /** What a command prints when it times convolution kernels: the pre-filled choices should have spared it. */
  private static final String MEASURING_KERNELS = "Choosing convolution kernels";
  /** A number as the docs write one: digits, a decimal part, not part of a word ({@code lab2}, {@code int32}). */
  private static final Pattern NUMBER = Pattern.compile("(?<![\\w.])-?\\d+(?:\\.\\d+)?(?![\\w])");

  @TempDir Path sandbox;

  @Test
  void everyDocumentedCommandRunsAsWritten() throws Exception {
    Path sharedData = SharedFixtures.require("music-midi-2018/data").getParent().getParent();
    Path checkout = prepareSandbox(sharedData);
    List<Command> commands = documentedCommands();
    List<String> failures = new ArrayList<>();
    int ran = 0;
    try (CommandJvm jvm = CommandJvm.start(checkout, sandbox.resolve("home"), sandbox.resolve("native.log"))) {
      for (Command c : commands) {
        if (NOT_RUN.containsKey(c.text())) {
          continue;
        }
        String line = small(c.text());
        long start = System.nanoTime();
        CapturedRun r = jvm.run(shellWords(line.substring("./labs".length())));
        System.out.printf("%5.1f s  exit %d  %s: %s%n", (System.nanoTime() - start) / 1e9, r.exitCode(), c.where(),
            line);
        ran++;
        List<String> missing = line.equals(c.text()) && !NUMBERS_NOT_PRINTED.containsKey(c.text())
            ? missingNumbers(c.comment(), r.out() + r.err()) : List.of();
        if (r.exitCode() != 0) {
          failures.add(c.where() + ": exit " + r.exitCode() + ": " + line + "\n    " + tail(r.err()));
        } else if (TENSORFLOW_LOG.matcher(r.err()).find()) {
          failures.add(c.where() + ": TensorFlow's log on stderr: " + line + "\n    " + tail(r.err()));
        } else if (r.err().contains(MEASURING_KERNELS)) {
          failures.add(c.where() + ": timed convolution kernels (add its shapes to prefillKernelChoices): " + line
              + "\n    " + tail(r.err()));
        } else if (!missing.isEmpty()) {
          failures.add(c.where() + ": the docs' comment shows " + missing + ", the command does not print it: " + line
              + "\n    " + tail(r.out()));
        }
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
    for (String command : NUMBERS_NOT_PRINTED.keySet()) {
      assertTrue(documented.contains(command), "NUMBERS_NOT_PRINTED lists a command no page shows: " + command);
    }
  }

  @Test
  void aCommentsNumberMustBePrintedToItsStatedPrecision() {
    String printed = "f(4) = 19.00, df(4) = 8.00\n[0.59868765]\nsession.run(c) = 76\n";
    assertEquals(List.of(), missingNumbers("# f(4) = 19.00, df(4) = 8.00", printed));
    assertEquals(List.of(), missingNumbers("# [0.59868765], then 76 (lab2, int32 are words)", printed));
    assertEquals(List.of("19.01"), missingNumbers("# f(4) = 19.01", printed), "a wrong value is caught");
    assertEquals(List.of("0.5986877"), missingNumbers("# [0.5986877]", "[0.5986876]"), "its last digit counts");
    assertEquals(List.of(), missingNumbers("# 0.599", "[0.59868765]"), "fewer digits: rounded to those");
    assertEquals(List.of("77"), missingNumbers("# then 77", printed));
  }

  @Test
  void theShellSplitsACommandAsBashDoes() throws Exception {
    assertEquals(List.of("music", "generate", "--seed-song", "How Deep Is Your Love - Chorus", "--input", "x=[1.0]"),
        shellWords(" music generate --seed-song \"How Deep Is Your Love - Chorus\" --input 'x=[1.0]'"));
  }

  /**
   * The numbers of {@code comment} that {@code printed} does not show: a documented number with k decimals matches a
   * printed one that rounds to it at k decimals (the docs state the precision they vouch for).
   */
  static List<String> missingNumbers(String comment, String printed) {
    List<Double> values = new ArrayList<>();
    Matcher p = NUMBER.matcher(printed);
    while (p.find()) {
      values.add(Double.parseDouble(p.group()));
    }
    List<String> missing = new ArrayList<>();
    Matcher d = NUMBER.matcher(comment);
    while (d.find()) {
      String documented = d.group();
      int decimals = documented.contains(".") ? documented.length() - documented.indexOf('.') - 1 : 0;
      double tolerance = 0.5 * Math.pow(10, -decimals) * (1 + 1e-9);
      double value = Double.parseDouble(documented);
      if (values.stream().noneMatch(v -> Math.abs(v - value) <= tolerance)) {
        missing.add(documented);
      }
    }
    return missing;
  }

  /** The words bash makes of {@code arguments} (quotes, ~ of the sandbox's home), without running anything. */
  private List<String> shellWords(String arguments) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder("bash", "-c", "set -- " + arguments + "; printf '%s\\0' \"$@\"");
    builder.environment().put("HOME", sandbox.resolve("home").toString());
    Process bash = builder.redirectErrorStream(true).start();
    String words = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, bash.waitFor(), words);
    return words.isEmpty() ? List.of() : List.of(words.substring(0, words.length() - 1).split("\0", -1));
  }

  /** A command line of the docs (without its comment), its trailing comment ("" if none), where it is written. */
  record Command(String text, String comment, String where) {}

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
          String command = withoutComment(line);
          commands.add(new Command(command, line.substring(command.length()).strip(),
              root.relativize(page) + ":" + (i + 1)));
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
    prefillKernelChoices(cache);
    return checkout;
  }

  /** The batches the documented x-ray commands build convolutions for: cam and profile 1, train 4, eval 20. */
  static final List<Integer> XRAY_BATCHES = List.of(1, 4, 20);

  /**
   * A kernel choice for every convolution the x-ray commands build, as a first run on this machine would store it,
   * so that no command spends its time timing kernels (any of the candidates computes the same numbers;
   * {@code ConvolutionPlanTest} holds them equal).
   */
  private static void prefillKernelChoices(Path cache) {
    KernelChoices choices = new KernelChoices(cache.resolve(KernelChoices.FILE_NAME), KernelChoices.Machine.current());
    String oneDnn = Convolution.Kernel.CONV2D.name();
    for (int batch : XRAY_BATCHES) {
      for (ConvolutionPlan.Layer layer : PneumothoraxDetectionModel.convolutionLayers(XRAY_SIDE)) {
        choices.choose(MeasuredConvolutions.WHAT, MeasuredConvolutions.shape(batch, layer), List.of(oneDnn),
            candidate -> new KernelChoices.Trial() {
              @Override
              public double runMillis() {
                return 0;
              }

              @Override
              public void close() {}
            });
      }
    }
  }

  private static String tail(String text) {
    List<String> lines = text.strip().lines().toList();
    return String.join("\n    ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
  }
}
