package org.introdl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.introdl.core.LabPaths;

/**
 * One child JVM that runs many {@code ./labs} commands, one after the other, in a folder of the caller's choosing:
 * TensorFlow loads once instead of once per command. The JVM gets the launcher's Java options (headless, the
 * synthesizer's export, the repository root) with the folder as its root; the launcher itself, which only adds
 * where TensorFlow's native log goes, is {@code LauncherQuietTest}'s subject.
 *
 * <p>The protocol: each line on the child's stdin is a command's arguments as a JSON array; for each, the child
 * writes one line to its real stdout, {@link #RESULT} and a JSON object with the exit code and what the command
 * printed to stdout and stderr (captured as {@link CapturedRun} does).
 */
final class CommandJvm implements AutoCloseable {
  /** Starts each result line, so that anything else written to the real stdout cannot be taken for one. */
  static final String RESULT = "\u0001result ";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long COMMAND_TIMEOUT_MINUTES = 10;

  private final Process process;
  private final Writer requests;
  private final BufferedReader results;
  private final Path nativeLog;

  private CommandJvm(Process process, Path nativeLog) {
    this.process = process;
    this.nativeLog = nativeLog;
    requests = process.outputWriter(StandardCharsets.UTF_8);
    results = process.inputReader(StandardCharsets.UTF_8);
  }

  /** The child's side: runs each request on stdin and answers on the real stdout. */
  public static void main(String[] ignored) throws IOException {
    PrintStream answers = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      CapturedRun run = CapturedRun.of(JSON.readValue(line, String[].class));
      answers.println(RESULT + JSON.writeValueAsString(Map.of("exit", run.exitCode(), "out", run.out(),
          "err", run.err())));
    }
  }

  /**
   * A JVM on this test's class path working in {@code folder}, with {@code home} as its home (HOME, user.home, the
   * cache under it) and TensorFlow's native log going to {@code nativeLog}.
   */
  static CommandJvm start(Path folder, Path home, Path nativeLog) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-Djava.awt.headless=true",
        "--add-exports", "java.desktop/com.sun.media.sound=ALL-UNNAMED", "--add-opens", "java.base/java.io=ALL-UNNAMED",
        "-Dintrodl.repo.root=" + folder, "-Duser.home=" + home, "-cp", System.getProperty("java.class.path"),
        CommandJvm.class.getName())
        .directory(folder.toFile()).redirectError(nativeLog.toFile());
    Map<String, String> env = builder.environment();
    env.put("HOME", home.toString());
    env.put(LabPaths.CACHE_ENV, home.resolve(".cache/introdl").toString());
    env.remove(LabPaths.SHARED_ENV);
    env.put("TF_CPP_MIN_LOG_LEVEL", "1"); // the launcher's default
    return new CommandJvm(builder.start(), nativeLog);
  }

  /** Runs {@code ./labs args} in the child and returns what it did. */
  CapturedRun run(List<String> args) throws IOException, InterruptedException {
    requests.write(JSON.writeValueAsString(args) + "\n");
    requests.flush();
    CompletableFuture<String> answer = CompletableFuture.supplyAsync(this::nextResultLine);
    try {
      String line = answer.get(COMMAND_TIMEOUT_MINUTES, TimeUnit.MINUTES);
      if (line == null) {
        return new CapturedRun(-1, "", "the command JVM ended: " + Files.readString(nativeLog));
      }
      Map<?, ?> fields = JSON.readValue(line.substring(RESULT.length()), Map.class);
      return new CapturedRun((Integer) fields.get("exit"), (String) fields.get("out"), (String) fields.get("err"));
    } catch (TimeoutException e) {
      process.destroyForcibly().waitFor();
      return new CapturedRun(-1, "", "timed out after " + COMMAND_TIMEOUT_MINUTES + " minutes");
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException(e.getCause());
    }
  }

  /** The next result line, skipping anything else on the child's stdout; null when the child has ended. */
  private String nextResultLine() {
    try {
      for (String line = results.readLine(); line != null; line = results.readLine()) {
        if (line.startsWith(RESULT)) {
          return line;
        }
      }
      return null;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    requests.close();
    if (!process.waitFor(1, TimeUnit.MINUTES)) {
      process.destroyForcibly().waitFor();
    }
  }
}
