package org.introdl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.introdl.core.LabPaths;
import org.junit.jupiter.api.Test;

/**
 * The performance pages' tables are the saved runs they name, not numbers typed in: each fenced block that starts with
 * {@code $ ./labs bench --from docs/bench/...} must be exactly what that command prints from the committed files.
 */
class PerformanceDocsTest {
  private static final String PROMPT = "$ ./labs bench --from ";

  @Test
  void everyBenchTableInTheDocsIsWhatItsSavedRunPrints() throws IOException {
    Path root = LabPaths.repoRoot();
    int checked = 0;
    for (String page : List.of("performance.md", "performance-music.md", "performance-xray.md", "serving.md")) {
      for (List<String> block : benchBlocks(Files.readString(root.resolve("docs").resolve(page)))) {
        String command = block.get(0).substring(2);
        String printed = run(root, command);
        assertEquals(String.join("\n", block.subList(1, block.size())), printed,
            "docs/" + page + ": the block under `" + command + "` is not what it prints");
        checked++;
      }
    }
    assertTrue(checked >= 2, "expected the run table and the PyTorch comparison in docs/performance.md");
  }

  /** Fenced blocks whose first line is a {@code ./labs bench --from} prompt, as lines without trailing spaces. */
  static List<List<String>> benchBlocks(String markdown) {
    List<List<String>> blocks = new ArrayList<>();
    String[] parts = markdown.split("```[a-z]*\n", -1);
    for (int i = 1; i < parts.length; i += 2) {
      List<String> lines = parts[i].lines().map(String::stripTrailing).toList();
      if (!lines.isEmpty() && lines.get(0).startsWith(PROMPT)) {
        blocks.add(lines);
      }
    }
    return blocks;
  }

  /** Runs {@code command} (./labs ...) in this JVM, paths under docs/ taken from the checkout, as the docs show it. */
  private static String run(Path root, String command) {
    String[] args = Arrays.stream(command.substring("./labs ".length()).split(" +"))
        .map(a -> a.startsWith("docs/") ? root.resolve(a).toString() : a).toArray(String[]::new);
    CapturedRun r = CapturedRun.of(args);
    assertEquals(0, r.exitCode(), command + ": " + r.err());
    return r.out().replace(root + "/", "").lines().map(String::stripTrailing)
        .reduce((a, b) -> a + "\n" + b).orElse("");
  }
}
