package org.introdl.music.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.introdl.core.LabPaths;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every {@code ./labs music ...} command the docs show still parses: options and subcommands exist. */
class DocsCommandsTest {
  private static final Pattern COMMAND = Pattern.compile("\\./labs music ([^`#\\n|]*)");

  @Test
  void documentedCommandsParse() throws Exception {
    List<String> checked = new ArrayList<>();
    for (String doc : List.of("README.md", "docs/lab2-music.md")) {
      Path file = LabPaths.repoRoot().resolve(doc);
      Matcher m = COMMAND.matcher(Files.readString(file));
      while (m.find()) {
        List<String> args = split(m.group(1).strip());
        if (args.size() < 2) {
          continue; // a subcommand named in prose, not a command line
        }
        new CommandLine(new MusicCommand()).parseArgs(args.toArray(String[]::new));
        checked.add(String.join(" ", args));
      }
    }
    assertTrue(checked.size() >= 10, "commands found: " + checked);
  }

  /** Splits like a shell: quotes group words; "\|" in tables is a literal bar. */
  private static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(line.replace("\\|", "|"));
    while (m.find()) {
      out.add(m.group(1) != null ? m.group(1) : m.group(2));
    }
    return out;
  }
}
