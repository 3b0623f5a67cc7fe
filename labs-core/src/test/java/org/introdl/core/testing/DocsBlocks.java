package org.introdl.core.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.introdl.core.LabPaths;

/**
 * The console output a docs page shows, checked against what a lab's story prints: every documented line must
 * appear, in order, with its wording. A story run with small settings gives other values, so
 * {@link #assertPrintedInOrder} compares numbers as numbers-go-here; a story run with the documented settings also
 * has every number compared ({@link #assertPrintedInOrderWithNumbers}), except durations, which vary with the machine.
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
   * As {@link #assertPrintedInOrder}, and each number of a documented line equals the printed one within
   * {@code relativeTolerance} of the documented value (or half a unit of its last digit, if that is more), except a
   * duration (a number in ms or s, or in an h:mm:ss clock).
   */
  public static void assertPrintedInOrderWithNumbers(String page, List<String> documented, String printed,
      double relativeTolerance) {
    assertPrintedInOrder(page, documented, printed);
    List<String> actual = printed.lines().map(String::strip).toList();
    int at = 0;
    for (String line : documented) {
      String firstOfShape = null;
      int found = -1;
      for (int i = at; i < actual.size() && found < 0; i++) {
        if (shape(actual.get(i)).equals(shape(line))) {
          firstOfShape = firstOfShape == null ? actual.get(i) : firstOfShape;
          found = differingNumbers(line, actual.get(i), relativeTolerance).isEmpty() ? i : -1;
        }
      }
      assertTrue(found >= 0, "docs/" + page + " shows " + differingNumbers(line, firstOfShape, relativeTolerance)
          + " where the story prints other values (in this order):\n  docs: " + line + "\n  printed: " + firstOfShape
          + "\nprinted:\n" + printed);
      at = found + 1;
    }
  }

  /** The numbers of {@code documented} that differ from those at the same places of {@code printed}, durations aside. */
  static List<String> differingNumbers(String documented, String printed, double relativeTolerance) {
    List<String> wrong = new java.util.ArrayList<>();
    Matcher d = NUMBER.matcher(documented);
    Matcher p = NUMBER.matcher(printed);
    while (d.find() && p.find()) {
      if (isDuration(documented, d)) {
        continue;
      }
      String value = d.group();
      int dot = value.indexOf('.');
      double lastDigit = dot < 0 || value.contains("e") ? 1 : Math.pow(10, -(value.length() - dot - 1));
      double expected = Double.parseDouble(value);
      double tolerance = Math.max(relativeTolerance * Math.abs(expected), 0.5 * lastDigit * (1 + 1e-9));
      if (Math.abs(Double.parseDouble(p.group()) - expected) > tolerance) {
        wrong.add(value + " (printed " + p.group() + ")");
      }
    }
    return wrong;
  }

  private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?(e-?\\d+)?");
  private static final Pattern DURATION_UNIT = Pattern.compile(" ?m?s\\b");

  private static boolean isDuration(String line, Matcher number) {
    boolean inClock = (number.start() > 0 && line.charAt(number.start() - 1) == ':')
        || (number.end() < line.length() && line.charAt(number.end()) == ':');
    return inClock || DURATION_UNIT.matcher(line).region(number.end(), line.length()).lookingAt();
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
