package org.introdl.savedmodels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.introdl.core.LabPaths;
import org.introdl.core.testing.SharedFixtures;
import org.introdl.savedmodels.cli.CheckpointCommand;
import org.introdl.savedmodels.cli.GraphCommand;
import org.introdl.savedmodels.cli.SavedModelCommand;
import org.junit.jupiter.api.Test;

/**
 * The commands of docs/saved-models.md that read only the shared fixtures are run again, and their output must be
 * what the page shows (so the page cannot drift from the code). Blocks with an elided listing ("  ...") are skipped.
 */
public class DocsPageTest {
  private static final String SHARED = "../shared/data";

  /** One documented command ({@code ./labs} dropped) and the output the page shows under it. */
  public record Example(List<String> args, String expected) {}

  @Test
  void documentedOutputIsWhatTheCommandsPrint() throws Exception {
    Path page = LabPaths.repoRoot().resolve("docs/saved-models.md");
    Path shared = SharedFixtures.require("python-savedmodels").getParent();
    List<Example> examples = examples(Files.readAllLines(page));
    int checked = 0;
    for (Example e : examples) {
      if (e.args().stream().anyMatch(a -> a.contains("/tmp/") || a.endsWith(".json") && !a.startsWith("docs/"))
          || e.expected().contains("\n  ...\n")) {
        continue;
      }
      List<String> args = e.args().stream().map(a -> a.startsWith("docs/")
          ? LabPaths.repoRoot().resolve(a).toString() : a.replace(SHARED, shared.toString())).toList();
      Object command = switch (args.get(0)) {
        case "savedmodel" -> new SavedModelCommand();
        case "checkpoint" -> new CheckpointCommand();
        case "graph" -> new GraphCommand();
        default -> throw new AssertionError(args.get(0));
      };
      CliRun r = CliRun.run(command, args.subList(1, args.size()).toArray(String[]::new));
      String actual = (r.out() + r.err().replaceAll("(?m)^" + args.get(0) + " ", "labs " + args.get(0) + " "))
          .replace(shared.toString(), SHARED).strip();
      if (r.exitCode() != 0) {
        actual += "\n[exit " + r.exitCode() + "]";
      }
      String expected = e.expected().strip();
      if (r.exitCode() == 1 && !expected.contains("[exit")) {
        expected += "\n[exit 1]";
      }
      assertEquals(expected, actual, String.join(" ", e.args()));
      checked++;
    }
    assertTrue(checked >= 10, "only " + checked + " documented commands were checked");
  }

  /** "$ ./labs ..." lines in code blocks, each with the lines that follow it up to the next command or block end. */
  public static List<Example> examples(List<String> lines) {
    List<Example> out = new ArrayList<>();
    boolean inBlock = false;
    List<String> args = null;
    StringBuilder expected = new StringBuilder();
    for (String line : lines) {
      boolean fence = line.startsWith("```");
      boolean command = inBlock && line.startsWith("$ ./labs ");
      if ((fence || command) && args != null) {
        out.add(new Example(args, expected.toString()));
        args = null;
      }
      if (fence) {
        inBlock = !inBlock;
      } else if (command) {
        args = split(line.substring("$ ./labs ".length()));
        expected.setLength(0);
      } else if (args != null && !line.isEmpty()) {
        expected.append(line).append('\n');
      }
    }
    return out;
  }

  /** Splits like a shell: spaces separate, single quotes group. */
  static List<String> split(String s) {
    List<String> args = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (char c : s.toCharArray()) {
      if (c == '\'') {
        quoted = !quoted;
        any = true;
      } else if (c == ' ' && !quoted) {
        if (any) {
          args.add(cur.toString());
        }
        cur.setLength(0);
        any = false;
      } else {
        cur.append(c);
        any = true;
      }
    }
    if (any) {
      args.add(cur.toString());
    }
    return args;
  }
}
