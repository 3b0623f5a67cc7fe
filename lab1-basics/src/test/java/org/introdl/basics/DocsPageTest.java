package org.introdl.basics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.introdl.core.LabPaths;
import org.junit.jupiter.api.Test;

/** The console output shown in docs/lab1-basics.md is what {@code ./labs basics} really prints. */
class DocsPageTest {
  @Test
  void theDocumentedOutputIsTheRealOutput() throws IOException {
    Path page = LabPaths.repoRoot().resolve("docs/lab1-basics.md");
    String doc = Files.readString(page);
    int start = doc.indexOf("$ ./labs basics\n");
    String block = doc.substring(start, doc.indexOf("```", start));
    List<String> documented = block.lines().skip(1).map(String::strip).filter(l -> !l.equals("...")).toList();

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BasicsLab.runMainJob(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    List<String> actual = bytes.toString(StandardCharsets.UTF_8).lines().map(String::strip).toList();

    int at = 0;
    for (String line : documented) {
      int found = actual.subList(at, actual.size()).indexOf(line);
      assertTrue(found >= 0, "docs/lab1-basics.md shows a line the program does not print (in order): " + line);
      at += found + 1;
    }
  }
}
