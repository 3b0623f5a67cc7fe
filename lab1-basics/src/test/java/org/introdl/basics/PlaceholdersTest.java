package org.introdl.basics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PlaceholdersTest {
  @Test
  void printsWhatTheNotebookPrinted() {
    Placeholders.Result r = Placeholders.run(2f, 4f);
    assertEquals(NotebookReference.printed(9).get(0), r.lines().get(1));
    assertEquals(18.0f, r.e());
  }

  @Test
  void matchesTheClosedFormOnOtherFeeds() {
    float[][] feeds = {{0f, 0f}, {-3.5f, 2.25f}, {1e3f, -7f}, {0.1f, 0.2f}};
    for (float[] f : feeds) {
      double expected = ((double) f[0] + f[1]) * ((double) f[1] - 1);
      assertEquals(expected, Placeholders.run(f[0], f[1]).e(), Math.abs(expected) * 1e-6 + 1e-6);
    }
  }
}
