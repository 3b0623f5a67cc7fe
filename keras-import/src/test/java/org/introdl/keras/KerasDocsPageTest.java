package org.introdl.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.introdl.core.LabPaths;
import org.introdl.core.testing.SharedFixtures;
import org.introdl.keras.cli.KerasCommand;
import org.introdl.savedmodels.CliRun;
import org.introdl.savedmodels.DocsPageTest;
import org.junit.jupiter.api.Test;

/**
 * The {@code ./labs keras} commands of docs/keras.md that read only the shared fixtures are run again; their output
 * must be what the page shows (blank lines aside, which the page's parser drops). (Commands writing to /tmp and the {@code savedmodel} ones after them are covered by
 * the convert tests.)
 */
class KerasDocsPageTest {
  private static final String SHARED = "../shared/data";

  @Test
  void documentedOutputIsWhatTheCommandsPrint() throws Exception {
    Path page = LabPaths.repoRoot().resolve("docs/keras.md");
    Path shared = SharedFixtures.require("keras-models").getParent();
    int checked = 0;
    for (DocsPageTest.Example e : DocsPageTest.examples(Files.readAllLines(page))) {
      if (!e.args().get(0).equals("keras") || e.args().stream().anyMatch(a -> a.contains("/tmp/"))) {
        continue;
      }
      List<String> args = e.args().stream().map(a -> a.replace(SHARED, shared.toString())).toList();
      CliRun r = CliRun.run(new KerasCommand(), args.subList(1, args.size()).toArray(String[]::new));
      String actual = (r.out() + r.err().replaceAll("(?m)^keras ", "labs keras ")).replace(shared.toString(), SHARED)
          .replaceAll("\n\n+", "\n").strip();
      if (r.exitCode() != 0) {
        actual += "\n[exit " + r.exitCode() + "]";
      }
      assertEquals(e.expected().strip(), actual, String.join(" ", e.args()));
      checked++;
    }
    assertTrue(checked >= 8, "only " + checked + " documented commands were checked");
  }
}
