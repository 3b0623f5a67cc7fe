package org.introdl.basics;

import java.io.PrintStream;
import java.util.List;

/** Lab 1 Part 1 end to end: the six notebook sections with the notebook's inputs, printed in order. */
public final class BasicsLab {
  private BasicsLab() {}

  /** One notebook section: its heading and what it printed. */
  public record Section(String title, List<String> lines) {}

  /** All six sections with the notebook's inputs. */
  public static List<Section> runAll() {
    return List.of(
        new Section("1.1 Computation graph", ComputationGraph.run(ComputationGraph.A, ComputationGraph.B).lines()),
        new Section("1.2 Placeholders", Placeholders.run(Placeholders.A, Placeholders.B).lines()),
        new Section("1.3 Perceptron", Perceptron.run(Perceptron.X).lines()),
        new Section("2.1 Eager execution", EagerExecution.run(EagerExecution.NOTEBOOK_PRIOR_ADDS).lines()),
        new Section("2.2 Automatic differentiation", AutomaticDifferentiation.run(AutomaticDifferentiation.X).lines()),
        new Section("2.3 Dynamic control flow (Collatz from " + DynamicControlFlow.START + ")",
            DynamicControlFlow.run(DynamicControlFlow.START).lines()));
  }

  /** The lab's part of {@code ./labs run}: every section, printed. */
  public static void runMainJob(PrintStream out) {
    for (Section s : runAll()) {
      print(out, s.title(), s.lines());
    }
  }

  /** Prints a section heading and its lines. */
  public static void print(PrintStream out, String title, List<String> lines) {
    out.println("-- " + title);
    lines.forEach(l -> out.println("   " + l));
  }
}
