package org.introdl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LabsMainTest {
  @Test
  void everyCommandAtEveryLevelHasHelp() {
    List<List<String>> paths = new ArrayList<>();
    collect(new CommandLine(new LabsMain()), new ArrayList<>(), paths);
    assertTrue(paths.size() > 15, "found only " + paths.size() + " commands");
    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      assertEquals(0, quietly(args.toArray(String[]::new)), "help of " + path);
    }
  }

  @Test
  void anUnknownCommandOrOptionIsAUsageError() {
    assertEquals(2, quietly("nonsense"));
    assertEquals(2, quietly("basics", "--bogus"));
    assertEquals(2, quietly("data", "fetch", "nothing"));
  }

  @Test
  void doctorReportsTheRuntime() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, LabsMain.execute("doctor"));
    } finally {
      System.setOut(old);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("runtime 2.18.0"), text);
    assertTrue(text.contains("linux-x86_64"), text);
    assertTrue(text.contains("CPU:0"), text);
    assertTrue(text.matches("(?s).*Memory +\\d+\\.\\d GiB RAM, \\d+\\.\\d GiB available.*"), text);
    assertTrue(text.matches("(?s).*Free disk +\\d+\\.\\d GiB for outputs.*"), text);
    assertTrue(text.contains("Lab 2 songs") && text.contains("Lab 3 x-rays"), text);
    assertTrue(!text.matches("(?s).*CPU:0 \\d.*"), "TensorFlow's CPU allocator limit is not the machine: " + text);
  }

  private static void collect(CommandLine cmd, List<String> prefix, List<List<String>> out) {
    out.add(prefix);
    cmd.getSubcommands().forEach((name, sub) -> {
      if (!sub.getCommandName().equals(name) || name.equals("help")) {
        return; // aliases, and picocli's own help command
      }
      List<String> next = new ArrayList<>(prefix);
      next.add(name);
      collect(sub, next, out);
    });
  }

  private static int quietly(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    System.setOut(sink);
    System.setErr(sink);
    try {
      return LabsMain.execute(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }
}
