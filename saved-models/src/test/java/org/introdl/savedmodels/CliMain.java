package org.introdl.savedmodels;

import org.introdl.core.cli.Cli;
import picocli.CommandLine;

/** One command of the project in a process of its own, exiting as {@code ./labs} does (for tests that need that). */
public final class CliMain {
  private CliMain() {}

  /** {@code args[0]}: the command's class (picocli, with a no-argument constructor); the rest: its arguments. */
  public static void main(String[] args) throws ReflectiveOperationException {
    Object command = Class.forName(args[0]).getDeclaredConstructor().newInstance();
    String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
    System.exit(Cli.configure(new CommandLine(command), false).execute(rest));
  }

  /** Runs {@code command} with {@code args} in a new JVM with this test class path; returns exit code and stderr. */
  public static CliRun inNewProcess(long timeoutSeconds, Class<?> cliCommand, String... args) throws Exception {
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), CliMain.class.getName(), cliCommand.getName()));
    command.addAll(java.util.List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    java.nio.file.Path out = java.nio.file.Files.createTempFile("cli-out", ".txt");
    java.nio.file.Path err = java.nio.file.Files.createTempFile("cli-err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    try {
      if (!p.waitFor(timeoutSeconds, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError("the process did not end within " + timeoutSeconds + " s");
      }
      return new CliRun(p.exitValue(), java.nio.file.Files.readString(out), withoutTensorFlowLog(
          java.nio.file.Files.readString(err)));
    } finally {
      java.nio.file.Files.deleteIfExists(out);
      java.nio.file.Files.deleteIfExists(err);
    }
  }

  /** TensorFlow's own log lines ("I0000 00:00:...", absl's notice) are not the command's output. */
  private static String withoutTensorFlowLog(String err) {
    return err.lines().filter(l -> !l.matches("^[IWE]\\d{4} .*") && !l.startsWith("WARNING: All log messages"))
        .collect(java.util.stream.Collectors.joining("\n"));
  }

  private static final class Path {
    static java.nio.file.Path of(String first, String... more) {
      return java.nio.file.Path.of(first, more);
    }
  }
}
