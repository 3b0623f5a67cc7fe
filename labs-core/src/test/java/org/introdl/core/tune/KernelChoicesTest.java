package org.introdl.core.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelChoicesTest {
  private static final KernelChoices.Machine HERE = new KernelChoices.Machine("Test CPU @ 2.60GHz", 2, "2.18.0");
  private static final List<String> AB = List.of("A", "B");

  @TempDir Path dir;

  /** A timer that says each candidate takes a fixed time and records what it opened. */
  private static final class FakeTimer implements KernelChoices.Timer {
    final Map<String, Double> ms;
    final List<String> opened = new ArrayList<>();
    int runs;

    FakeTimer(double a, double b) {
      ms = Map.of("A", a, "B", b);
    }

    @Override
    public KernelChoices.Trial open(String candidate) {
      opened.add(candidate);
      return new KernelChoices.Trial() {
        @Override
        public double runMillis() {
          runs++;
          return ms.get(candidate);
        }

        @Override
        public void close() {}
      };
    }
  }

  private KernelChoices choices(KernelChoices.Machine machine) {
    return new KernelChoices(dir.resolve(KernelChoices.FILE_NAME), machine);
  }

  @Test
  void theFasterCandidateWinsWhicheverItIs() {
    assertEquals("B", choices(HERE).choose("conv", "s1", AB, new FakeTimer(5, 2)).winner());
    assertEquals("A", choices(HERE).choose("conv", "s2", AB, new FakeTimer(2, 5)).winner());
  }

  /** B is faster, but the machine gets busy after the fourth run: only taking turns still sees that B is faster. */
  @Test
  void candidatesTakeTurnsSoThatLoadArrivingMidwaySlowsBoth() {
    Map<String, Double> cost = Map.of("A", 5.0, "B", 2.0);
    int[] calls = {0};
    KernelChoices.Timer busyLater = candidate -> new KernelChoices.Trial() {
      @Override
      public double runMillis() {
        return cost.get(candidate) + (++calls[0] > 4 ? 100 : 0);
      }

      @Override
      public void close() {}
    };
    assertEquals("B", choices(HERE).choose("conv", "s1", AB, busyLater).winner());
  }

  @Test
  void aStoredChoiceIsReturnedWithoutTiming() {
    FakeTimer first = new FakeTimer(5, 2);
    choices(HERE).choose("conv", "s1", AB, first);
    assertEquals(AB, first.opened);
    assertEquals(2 * (1 + KernelChoices.TIMED_RUNS), first.runs, "one warm-up and the timed runs per candidate");

    FakeTimer second = new FakeTimer(2, 5); // would pick A if it were asked
    KernelChoices again = choices(HERE); // a new process reads the file
    assertTrue(again.isKnown("conv", "s1"));
    assertEquals("B", again.choose("conv", "s1", AB, second).winner());
    assertEquals(0, second.runs);
  }

  @Test
  void anotherShapeCpuCoreCountOrTensorflowIsMeasuredAgain() {
    choices(HERE).choose("conv", "s1", AB, new FakeTimer(5, 2));
    List<KernelChoices> others = List.of(choices(HERE),
        choices(new KernelChoices.Machine("Other CPU", 2, "2.18.0")),
        choices(new KernelChoices.Machine(HERE.cpu(), 16, "2.18.0")),
        choices(new KernelChoices.Machine(HERE.cpu(), 2, "2.19.0")));
    List<String> shapes = List.of("s2", "s1", "s1", "s1");
    for (int i = 0; i < others.size(); i++) {
      FakeTimer timer = new FakeTimer(2, 5);
      assertEquals("A", others.get(i).choose("conv", shapes.get(i), AB, timer).winner(), "case " + i);
      assertEquals(AB, timer.opened, "case " + i + " measured");
    }
    assertEquals(2, choices(HERE).forThisMachine().size(), "s1 and s2 for this machine, others kept apart");
    assertEquals("B", choices(HERE).choose("conv", "s1", AB, new FakeTimer(2, 5)).winner(), "the first choice still stands");
  }

  @Test
  void everyCandidatesTimeIsStored() {
    choices(HERE).choose("conv", "s1", AB, new FakeTimer(5, 2));
    KernelChoices.Choice c = choices(HERE).forThisMachine().get(0);
    assertEquals(Map.of("A", 5.0, "B", 2.0), c.ms());
    assertEquals("B", c.winner());
    assertEquals(HERE, c.machine());
    assertFalse(c.measuredAt().isBlank());
  }

  @Test
  void aCorruptFileIsMeasuredAgainAndRewritten() throws IOException {
    Path file = dir.resolve(KernelChoices.FILE_NAME);
    for (String damaged : List.of("{not json", "", "[1, 2]", "{\"choices\": [null, {\"what\": \"conv\"}]}")) {
      Files.writeString(file, damaged);
      FakeTimer timer = new FakeTimer(5, 2);
      assertEquals("B", choices(HERE).choose("conv", "s1", AB, timer).winner(), damaged);
      assertEquals(AB, timer.opened, damaged);
      assertTrue(choices(HERE).isKnown("conv", "s1"), damaged + ": rewritten");
    }
  }

  @Test
  void anUnwritableCacheStillChoosesAndRemembersInThisProcess() throws IOException {
    Path notAFolder = Files.writeString(dir.resolve("file"), "x");
    KernelChoices choices = new KernelChoices(notAFolder.resolve(KernelChoices.FILE_NAME), HERE);
    assertEquals("B", choices.choose("conv", "s1", AB, new FakeTimer(5, 2)).winner());
    FakeTimer again = new FakeTimer(2, 5);
    assertEquals("B", choices.choose("conv", "s1", AB, again).winner());
    assertEquals(0, again.runs);
  }
}
