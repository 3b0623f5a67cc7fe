package org.introdl.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.introdl.core.bench.BenchRunner.Timing;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** Workloads are paired by exact name, each ratio is this median over the saved one, and the peaks are compared. */
class BenchComparisonTest {
  private static final BenchRun HERE = run("here", 204.0,
      timing("W1 music train step", 30.0), timing("W3 x-ray forward 256", 10.0), timing("W2 lever", 5.0));
  private static final BenchRun SAVED = run("saved", 170.0,
      timing("W3 x-ray forward 256", 40.0), timing("W1 music train step", 20.0), timing("W4 x-ray train step", 7.0));

  @Test
  void rowsArePairedByNameWithRatiosOfTheMedians() {
    BenchComparison c = BenchComparison.of(HERE, SAVED);
    assertEquals(List.of("W1 music train step", "W3 x-ray forward 256", "W2 lever", "W4 x-ray train step"),
        c.rows().stream().map(BenchComparison.Row::name).toList(), "this run's order, then the saved-only rows");
    // 30 / 20 and 10 / 40, by hand; the unpaired rows have no ratio.
    assertRatios(c, Map.of("W1 music train step", 1.5, "W3 x-ray forward 256", 0.25));
  }

  @Test
  void aRowOnlyOneRunHasNamesTheSideThatLacksIt() {
    BenchComparison c = BenchComparison.of(HERE, SAVED);
    BenchComparison.Row onlyHere = c.rows().get(2);
    assertEquals(5.0, onlyHere.here().medianMs());
    assertNull(onlyHere.saved());
    BenchComparison.Row onlySaved = c.rows().get(3);
    assertNull(onlySaved.here());
    assertEquals(7.0, onlySaved.saved().medianMs());
    assertTrue(Double.isNaN(onlyHere.ratio()) && Double.isNaN(onlySaved.ratio()));
  }

  @Test
  void namesMustMatchExactly() {
    BenchRun other = run("saved", 170.0, timing("W1 music train step ", 20.0), timing("w3 x-ray forward 256", 40.0));
    BenchComparison c = BenchComparison.of(HERE, other);
    assertEquals(5, c.rows().size());
    c.rows().forEach(r -> assertTrue(Double.isNaN(r.ratio()), r.name() + " paired with a name that differs"));
  }

  @Test
  void thePeakRatioIsThisMachinesSpeedOverTheSavedOnes() {
    assertEquals(1.2, BenchComparison.of(HERE, SAVED).peakRatio(), 1e-12); // 204 / 170
    assertEquals(1 / 1.2, BenchComparison.of(SAVED, HERE).peakRatio(), 1e-12);
    assertTrue(Double.isNaN(BenchComparison.of(HERE, run("saved", Double.NaN)).peakRatio()));
  }

  @Test
  void peaksOfDifferentMatMulsAreNoticed() {
    BenchRun quick = run("here", 75.0, timing("peak: float32 MatMul 1024^3", 28.5), timing("W1 music train step", 1));
    BenchRun full = run("saved", 170.0, timing("peak: float32 MatMul 2048^3", 99.1), timing("W1 music train step", 2));
    BenchRun fullHere = run("here", 204.0, timing("peak: float32 MatMul 2048^3", 84.2));
    assertFalse(BenchComparison.of(quick, full).samePeakWorkload());
    assertTrue(BenchComparison.of(fullHere, full).samePeakWorkload());
    assertFalse(BenchComparison.of(HERE, full).samePeakWorkload(), "a run without a peak row");
  }

  @Test
  void theRatioCheckFailsOnAWrongPairingOrAnInvertedRatio() {
    List<BenchComparison.Row> byPosition = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      byPosition.add(new BenchComparison.Row(HERE.workloads().get(i).name(), HERE.workloads().get(i),
          SAVED.workloads().get(i)));
    }
    BenchComparison pairedByPosition = new BenchComparison(HERE, SAVED, byPosition);
    Map<String, Double> expected = Map.of("W1 music train step", 1.5, "W3 x-ray forward 256", 0.25);
    assertThrows(AssertionFailedError.class, () -> assertRatios(pairedByPosition, expected));
    assertThrows(AssertionFailedError.class, () -> assertRatios(BenchComparison.of(SAVED, HERE), expected));
  }

  /** Every paired row of {@code c} has the expected ratio, and no other row is paired. */
  private static void assertRatios(BenchComparison c, Map<String, Double> expected) {
    Map<String, Double> paired = new LinkedHashMap<>();
    c.rows().stream().filter(r -> !Double.isNaN(r.ratio())).forEach(r -> paired.put(r.name(), r.ratio()));
    assertEquals(expected.keySet(), paired.keySet(), "paired rows");
    expected.forEach((name, ratio) -> assertEquals(ratio, paired.get(name), 1e-12, name));
  }

  private static BenchRun run(String machine, double peak, Timing... timings) {
    return new BenchRun(machine, peak, List.of(timings));
  }

  private static Timing timing(String name, double medianMs) {
    return new Timing(name, medianMs, medianMs * 0.9, medianMs * 1.2, 20, 0, null);
  }
}
