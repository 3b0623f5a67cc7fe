package org.introdl.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.introdl.basics.BasicsLab;
import org.introdl.core.LabPaths;
import org.introdl.core.io.AtomicFiles;
import org.introdl.music.MusicLab;
import org.introdl.xray.XrayLab;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./labs run}: the labs' main job. Every lab end to end on built-in defaults, offline, in minutes on a laptop
 * CPU; it ends by listing where each lab's outputs are.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run every lab end to end on built-in defaults (offline, a few minutes on a CPU).")
public final class RunCommand implements Callable<Integer> {
  @Option(names = "--out", description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out = LabPaths.defaultOutputDir();

  @Override
  public Integer call() {
    AtomicFiles.requireWritableDir(out);
    PrintStream console = System.out;
    Map<String, List<Path>> outputs = new LinkedHashMap<>();
    long start = System.nanoTime();

    banner(console, "Lab 1: TensorFlow basics");
    BasicsLab.runMainJob(console);
    outputs.put("Lab 1 (basics)", List.of());

    banner(console, "Lab 2: music generation with an LSTM");
    outputs.put("Lab 2 (music)", MusicLab.runMainJob(out.resolve("music"), MusicLab.mainJobSettings(), console).files());

    banner(console, "Lab 3: pneumothorax detection and Class Activation Maps");
    outputs.put("Lab 3 (x-ray)", XrayLab.runMainJob(out.resolve("xray"), XrayLab.mainJobSettings(), console).files());

    banner(console, String.format("Done in %.1f s. Outputs:", (System.nanoTime() - start) / 1e9));
    List<String> lines = new ArrayList<>();
    outputs.forEach((lab, files) -> {
      lines.add(lab + (files.isEmpty() ? ": printed above" : ":"));
      files.forEach(f -> lines.add("  " + f.toAbsolutePath().normalize()));
    });
    lines.forEach(console::println);
    return 0;
  }

  private static void banner(PrintStream out, String title) {
    out.println();
    out.println("== " + title + " " + "=".repeat(Math.max(3, 72 - title.length())));
  }
}
