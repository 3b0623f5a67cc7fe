package org.introdl.core.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.introdl.core.LabPaths;

/**
 * The console output a docs page shows, checked against what a lab's story prints with small settings: every
 * documented line must appear, in order, with its wording; numbers (losses, timings, counts) are compared as
 * numbers-go-here, since small settings give other values.
 */
public final class DocsBlocks {
  private DocsBlocks() {}

  /** The lines of the fenced block of {@code page} (under docs/) that follows the line {@code marker}. */
  public static List<String> block(String page, String marker) throws IOException {
    String doc = Files.readString(LabPaths.repoRoot().resolve("docs").resolve(page));
    int at = doc.indexOf(marker);
    assertTrue(at >= 0, "docs/" + page + " has no line " + marker);
    int start = doc.indexOf("```", at);
    int body = doc.indexOf('\n', start) + 1;
    return doc.substring(body, doc.indexOf("```", body)).lines().map(String::strip).filter(l -> !l.isEmpty())
        .toList();
  }

  /** Asserts that each documented line appears in {@code printed}, in order, up to its numbers. */
  public static void assertPrintedInOrder(String page, List<String> documented, String printed) {
    List<String> actual = printed.lines().map(String::strip).map(DocsBlocks::shape).toList();
    int at = 0;
    for (String line : documented) {
      int found = actual.subList(at, actual.size()).indexOf(shape(line));
      assertTrue(found >= 0, "docs/" + page + " shows a line the story does not print (in this order): " + line
          + "\nprinted:\n" + printed);
      at += found + 1;
    }
  }

  /**
   * A line with its numbers replaced by # (signs too), a duration's unit (the progress lines print ms or s, as the
   * machine's speed has it) by one, and runs of spaces by one (columns align numbers).
   */
  static String shape(String line) {
    return line.replaceAll("-?\\d+(\\.\\d+)?(e-?\\d+)?", "#").replaceAll("# ?m?s\\b", "#s")
        .replaceAll(" +", " ");
  }
}
