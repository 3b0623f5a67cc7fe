package org.introdl.notebooks;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The quick {@code --run} of each lab's notebook with the lab's own code, made once per test JVM and shared by the
 * test classes that read it (each run trains, so running it once keeps the suite's time down).
 */
final class QuickRuns {
  private static final Map<Notebook.Lab, NotebookRunner.Report> RUNS = new EnumMap<>(Notebook.Lab.class);

  private QuickRuns() {}

  static synchronized NotebookRunner.Report of(Notebook.Lab lab) {
    return RUNS.computeIfAbsent(lab,
        l -> NotebookRunner.run(Notebook.load(l), true, Optional.empty(), Optional.empty()));
  }

  /** The run of the cell titled {@code title}; fails naming the cells that ran when there is none. */
  static NotebookRunner.CellRun cell(NotebookRunner.Report report, String title) {
    return report.runs().stream().filter(r -> title.equals(r.cell().title())).findFirst().orElseThrow(
        () -> new AssertionError("no cell " + title + " ran: " + report.runs()));
  }
}
