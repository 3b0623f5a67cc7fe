package org.introdl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./labs bench --from RUN.json --compare FILE.json}: two saved runs side by side, through the command line. */
class BenchCompareCliTest {
  @TempDir Path tmp;

  @Test
  void twoSavedRunsPrintBothMachinesAndARatioPerWorkload() throws IOException {
    Path mine = write("mine.json", "Java machine", 204.0,
        "{\"name\": \"W1 music train step\", \"medianMs\": 30.0}, {\"name\": \"W2 lever\", \"medianMs\": 5.0}");
    Path theirs = write("pytorch.json", "PyTorch machine", 170.0,
        "{\"name\": \"W4 x-ray train step b15 256\", \"medianMs\": 7.0},"
            + " {\"name\": \"W1 music train step\", \"medianMs\": 20.0}");
    CapturedRun o = CapturedRun.of("bench", "--from", mine.toString(), "--compare", theirs.toString());
    assertEquals(0, o.exitCode(), o.err());
    List<String> lines = o.out().lines().toList();
    assertEquals("this:  Java machine, peak 204.0 GFLOP/s (" + mine + ")", lines.get(0));
    assertEquals("saved: PyTorch machine, peak 170.0 GFLOP/s (" + theirs + ")", lines.get(1));
    // 204 / 170 = 1.2; 170 / 204 = 0.833; 30 / 20 = 1.5.
    assertTrue(lines.get(2).contains("this peak is 1.20x the saved one") && lines.get(2).contains("take 0.83x"),
        lines.get(2));
    assertEquals(List.of("W1 music train step 30.00 20.00 1.50x",
        "not compared: 1 workload only in " + mine,
        "not compared: 1 workload only in " + theirs),
        lines.subList(5, lines.size()).stream().map(l -> l.strip().replaceAll(" +", " ")).toList());
  }

  @Test
  void aBadRunFileIsOneLineNamingItOnEitherSide() throws IOException {
    Path good = write("good.json", "m", 100.0, "{\"name\": \"W1\", \"medianMs\": 1.0}");
    Path missing = tmp.resolve("missing.json");
    Path notJson = Files.writeString(tmp.resolve("notes.json"), "W1 music train step: 51 ms\n");
    Path noWorkloads = Files.writeString(tmp.resolve("config.json"), "{\"machine\": \"m\", \"peak_gflops\": 3}");
    String[][] expected = {
      {missing.toString(), "no such file"},
      {notJson.toString(), "not valid JSON at line 1, column 4 (Unrecognized token 'W1')"},
      {noWorkloads.toString(), "no 'workloads' list, so not a bench run (./labs bench --out FILE.json writes one)"}};
    for (String[] bad : expected) {
      for (String[] args : List.of(new String[] {"bench", "--from", good.toString(), "--compare", bad[0]},
          new String[] {"bench", "--from", bad[0], "--compare", good.toString()},
          new String[] {"bench", "--from", bad[0]})) {
        CapturedRun o = CapturedRun.of(args);
        assertEquals(1, o.exitCode(), String.join(" ", args));
        assertEquals("labs bench: error: " + bad[0] + ": " + bad[1], o.err().strip());
        assertFalse(o.err().contains("\tat "), o.err());
      }
    }
  }

  @Test
  void aSavedRunIsNotMeasuredSoRunOptionsAreRefused() throws IOException {
    Path good = write("good.json", "m", 100.0, "{\"name\": \"W1\", \"medianMs\": 1.0}");
    CapturedRun o = CapturedRun.of("bench", "--from", good.toString(), "--only", "W1");
    assertEquals(2, o.exitCode());
    assertTrue(o.err().startsWith("labs bench: --from reads a saved run"), o.err());
    assertEquals(1, o.err().lines().count(), o.err());
  }

  private Path write(String name, String machine, double peak, String workloads) throws IOException {
    return Files.writeString(tmp.resolve(name), "{\"machine\": \"" + machine + "\", \"peak_gflops\": " + peak
        + ", \"workloads\": [" + workloads + "]}");
  }
}
