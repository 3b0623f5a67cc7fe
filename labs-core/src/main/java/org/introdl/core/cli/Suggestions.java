package org.introdl.core.cli;

import java.util.Collection;
import java.util.List;

/** "Did you mean ...?": the known words nearest to a mistyped one, if any is near enough to be what was meant. */
public final class Suggestions {
  private Suggestions() {}

  /**
   * The known words at the smallest edit distance from {@code typed} (a swap of two neighbours counts one edit),
   * where that distance is small for the word's length, or that {@code typed} begins or ends; in the order given.
   */
  public static List<String> closest(String typed, Collection<String> known) {
    String t = typed.toLowerCase(java.util.Locale.ROOT);
    int best = Integer.MAX_VALUE;
    for (String k : known) {
      if (plausible(t, k)) {
        best = Math.min(best, distance(t, k.toLowerCase(java.util.Locale.ROOT)));
      }
    }
    int min = best;
    return known.stream().filter(k -> plausible(t, k) && distance(t, k.toLowerCase(java.util.Locale.ROOT)) == min)
        .distinct().limit(3).toList();
  }

  private static boolean plausible(String typed, String known) {
    String k = known.toLowerCase(java.util.Locale.ROOT);
    String bare = k.replaceFirst("^-+", "");
    String typedBare = typed.replaceFirst("^-+", "");
    boolean sharesStart = bare.length() >= 3 && typedBare.length() >= 3
        && (bare.startsWith(typedBare) || typedBare.startsWith(bare));
    return distance(typed, k) <= Math.max(1, Math.min(2, typedBare.length() / 3)) || sharesStart;
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
