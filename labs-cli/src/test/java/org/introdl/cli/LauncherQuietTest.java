package org.introdl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.introdl.core.LabPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./labs} launcher as a user runs it (on the test class path, so nothing is built): TensorFlow's native
 * log stays off the terminal, the program's own errors stay on it, and {@code --verbose} brings the log back.
 */
class LauncherQuietTest {
  @TempDir Path temp;

  @Test
  void tensorFlowsNativeLogGoesToTheLogFileNotTheTerminal() throws Exception {
    Run run = launch("basics", "graph");
    assertEquals(0, run.exitCode, run.stderr);
    assertTrue(run.stdout.contains("session.run(c) = 76"), run.stdout);
    assertEquals("", run.stderr, "nothing but the program's own words on stderr");
    String log = Files.readString(temp.resolve("cache/tensorflow.log"));
    assertTrue(log.contains("absl::InitializeLog"), "the noise went to the log, proving it was there: " + log);
  }

  @Test
  void theProgramsOwnErrorsStillReachStderr() throws Exception {
    Run run = launch("basics", "graph", "--a", "x");
    assertEquals(2, run.exitCode);
    assertEquals("labs basics graph: Invalid value for option '--a': 'x' is not an int (see 'labs basics graph --help')",
        run.stderr.strip());
  }

  @Test
  void verboseShowsTensorFlowsLog() throws Exception {
    Run run = launch("basics", "graph", "--verbose");
    assertEquals(0, run.exitCode, run.stderr);
    assertTrue(run.stderr.contains("absl::InitializeLog"), run.stderr);
  }

  private Run launch(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", LabPaths.repoRoot().resolve("labs").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(temp.resolve("stdout").toFile())
        .redirectError(temp.resolve("stderr").toFile());
    builder.environment().put("INTRODL_LABS_CLASSPATH", System.getProperty("java.class.path"));
    builder.environment().put(LabPaths.CACHE_ENV, temp.resolve("cache").toString());
    builder.environment().remove("TF_CPP_MIN_LOG_LEVEL"); // the launcher's own defaults, as a user gets them
    int exit = builder.start().waitFor();
    return new Run(exit, Files.readString(temp.resolve("stdout"), StandardCharsets.UTF_8),
        Files.readString(temp.resolve("stderr"), StandardCharsets.UTF_8));
  }

  private record Run(int exitCode, String stdout, String stderr) {}
}
