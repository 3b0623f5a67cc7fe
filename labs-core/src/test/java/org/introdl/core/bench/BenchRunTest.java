package org.introdl.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.introdl.core.UserError;
import org.introdl.core.bench.BenchRunner.Timing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bench run's JSON: what {@code --out} writes reads back; the PyTorch script's reads; a wrong file is one line. */
class BenchRunTest {
  @TempDir Path tmp;

  @Test
  void aWrittenRunReadsBackTheSame() {
    BenchRun run = new BenchRun("a CPU, 2 cores", 204.5, List.of(
        new Timing("peak: float32 MatMul 2048^3", 84.2, 80.0, 90.5, 20, 17179869184.0, null),
        new Timing("W1 music train step (fast)", 51.4, 50.0, 60.0, 20, 1.0e10, "W1 music train step")));
    Path file = tmp.resolve("run.json");
    run.write(file);
    assertEquals(run, BenchRun.read(file));
  }

  @Test
  void readsThePyTorchScriptsFormat() throws IOException {
    // As docs/bench/pytorch_bench.py writes it (json.dump, indent 2).
    Path file = Files.writeString(tmp.resolve("pytorch.json"), """
        {
          "machine": "Intel(R) Xeon(R) Processor @ 2.60GHz, 2 cores, Linux, PyTorch 1.13.0a0",
          "peak_gflops": 173.3078435426455,
          "workloads": [
            {
              "name": "W3 x-ray forward 256",
              "medianMs": 399.65391300029296,
              "minMs": 329.3517710008018,
              "maxMs": 463.22386499923596,
              "runs": 20,
              "flopsPerRun": 48260000000.0,
              "baseline": null
            }
          ]
        }
        """);
    BenchRun run = BenchRun.read(file);
    assertEquals("Intel(R) Xeon(R) Processor @ 2.60GHz, 2 cores, Linux, PyTorch 1.13.0a0", run.machine());
    assertEquals(173.3078435426455, run.peakGflops());
    assertEquals(List.of(new Timing("W3 x-ray forward 256", 399.65391300029296, 329.3517710008018,
        463.22386499923596, 20, 48260000000.0, null)), run.workloads());
  }

  @Test
  void onlyTheNameAndTheMedianAreNeeded() throws IOException {
    Path file = Files.writeString(tmp.resolve("min.json"), "{\"workloads\": [{\"name\": \"W1\", \"medianMs\": 2}]}");
    BenchRun run = BenchRun.read(file);
    assertEquals("unknown machine", run.machine());
    assertTrue(Double.isNaN(run.peakGflops()));
    assertEquals("W1", run.workloads().get(0).name());
    assertEquals(2.0, run.workloads().get(0).medianMs());
  }

  @Test
  void aWrongFileIsOneLineNamingTheFileAndTheProblem() throws IOException {
    Map<String, String> problems = Map.ofEntries(
        Map.entry("", "empty"),
        Map.entry("{\"workloads\": [", "not valid JSON at line 1"),
        Map.entry("machine: x", "not valid JSON"),
        Map.entry("{\"workloads\": []} {}", "not valid JSON"),
        Map.entry("[1, 2]", "not a bench run"),
        Map.entry("{\"machine\": \"x\"}", "no 'workloads' list"),
        Map.entry("{\"workloads\": {}}", "no 'workloads' list"),
        Map.entry("{\"workloads\": [{\"medianMs\": 1}]}", "workload 1 has no name"),
        Map.entry("{\"workloads\": [{\"name\": \"W1\", \"medianMs\": 1}, 3]}", "workload 2 has no name"),
        Map.entry("{\"workloads\": [{\"name\": \"W1\"}]}", "workload 1 ('W1') has no positive 'medianMs'"),
        Map.entry("{\"workloads\": [{\"name\": \"W1\", \"medianMs\": \"1\"}]}", "has no positive 'medianMs'"),
        Map.entry("{\"workloads\": [{\"name\": \"W1\", \"medianMs\": 0}]}", "has no positive 'medianMs'"),
        Map.entry("{\"workloads\": [{\"name\": \"W1\", \"medianMs\": 1, \"minMs\": \"a\"}]}", "'minMs' is not a number"),
        Map.entry("{\"workloads\": [{\"name\": \"W1\", \"medianMs\": 1}, {\"name\": \"W1\", \"medianMs\": 2}]}",
            "workload 'W1' appears twice"),
        Map.entry("{\"peak_gflops\": \"fast\", \"workloads\": []}", "'peak_gflops' is not a number"));
    int i = 0;
    for (Map.Entry<String, String> p : problems.entrySet()) {
      Path file = Files.writeString(tmp.resolve("bad-" + i++ + ".json"), p.getKey());
      UserError e = assertThrows(UserError.class, () -> BenchRun.read(file), p.getKey());
      assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
      assertTrue(e.getMessage().contains(p.getValue()), p.getKey() + " -> " + e.getMessage());
      assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
  }

  @Test
  void aMissingFileOrAFolderIsNamed() {
    Path missing = tmp.resolve("nowhere.json");
    assertEquals(missing + ": no such file", assertThrows(UserError.class, () -> BenchRun.read(missing)).getMessage());
    assertEquals(tmp + ": a folder, not a bench run file",
        assertThrows(UserError.class, () -> BenchRun.read(tmp)).getMessage());
  }
}
