package org.introdl.basics.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.introdl.basics.AutomaticDifferentiation;
import org.introdl.basics.BasicsLab;
import org.introdl.basics.ComputationGraph;
import org.introdl.basics.DynamicControlFlow;
import org.introdl.basics.EagerExecution;
import org.introdl.basics.Perceptron;
import org.introdl.basics.Placeholders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ./labs basics [step]}: Lab 1 Part 1, one subcommand per notebook section; no step runs them all. */
@Command(
    name = "basics",
    mixinStandardHelpOptions = true,
    description = "Lab 1: TensorFlow basics (graphs, placeholders, a perceptron, eager mode, autodiff, control flow).",
    subcommands = {
      BasicsCommand.All.class,
      BasicsCommand.GraphStep.class,
      BasicsCommand.PlaceholdersStep.class,
      BasicsCommand.PerceptronStep.class,
      BasicsCommand.EagerStep.class,
      BasicsCommand.AutodiffStep.class,
      BasicsCommand.CollatzStep.class
    })
public final class BasicsCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    BasicsLab.runMainJob(System.out);
    return 0;
  }

  @Command(name = "all", mixinStandardHelpOptions = true, description = "All six sections with the notebook's inputs.")
  static final class All implements Callable<Integer> {
    @Override
    public Integer call() {
      BasicsLab.runMainJob(System.out);
      return 0;
    }
  }

  @Command(name = "graph", mixinStandardHelpOptions = true,
      description = "1.1: c = add(a, b, name=\"c\") printed as a symbolic tensor, then run in a session.")
  static final class GraphStep implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--a", description = "First constant (default ${DEFAULT-VALUE}).")
    int a = ComputationGraph.A;

    @Option(names = "--b", description = "Second constant (default ${DEFAULT-VALUE}).")
    int b = ComputationGraph.B;

    @Override
    public Integer call() {
      if ((long) a + b != a + b) {
        // The graph's int32 add would silently wrap around, as Python's tf.add does.
        throw new ParameterException(spec.commandLine(), "Invalid values for options '--a' and '--b': " + a + " + " + b
            + " = " + ((long) a + b) + " leaves the int32 range (TensorFlow's int32 add would give " + (a + b) + ")");
      }
      return print("1.1 Computation graph", ComputationGraph.run(a, b).lines());
    }
  }

  @Command(name = "placeholders", mixinStandardHelpOptions = true,
      description = "1.2: e = (a + b) * (b - 1) with a and b fed through a session.")
  static final class PlaceholdersStep implements Callable<Integer> {
    @Option(names = "--a", description = "Value fed to a (default ${DEFAULT-VALUE}).")
    float a = Placeholders.A;

    @Option(names = "--b", description = "Value fed to b (default ${DEFAULT-VALUE}).")
    float b = Placeholders.B;

    @Override
    public Integer call() {
      return print("1.2 Placeholders", Placeholders.run(a, b).lines());
    }
  }

  @Command(name = "perceptron", mixinStandardHelpOptions = true,
      description = "1.3: out = sigmoid(x W + b) with W = ones(2,1), b = zeros(1).")
  static final class PerceptronStep implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--x", paramLabel = "X1,X2",
        description = "An input row of two numbers; repeat for more rows (default 0.25,0.15).")
    List<String> rows = new ArrayList<>();

    @Override
    public Integer call() {
      float[][] x = rows.isEmpty() ? Perceptron.X : parseRows();
      return print("1.3 Perceptron", Perceptron.run(x).lines());
    }

    private float[][] parseRows() {
      float[][] x = new float[rows.size()][];
      for (int i = 0; i < rows.size(); i++) {
        String[] parts = rows.get(i).split(",", -1);
        if (parts.length != Perceptron.INPUT_NODES) {
          throw new ParameterException(spec.commandLine(), "Invalid value for option '--x': '" + rows.get(i)
              + "' has " + parts.length + " values, the perceptron takes " + Perceptron.INPUT_NODES);
        }
        x[i] = new float[parts.length];
        for (int j = 0; j < parts.length; j++) {
          try {
            x[i][j] = Float.parseFloat(parts[j].trim());
          } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(),
                "Invalid value for option '--x': '" + parts[j] + "' is not a number");
          }
        }
      }
      return x;
    }
  }

  @Command(name = "eager", mixinStandardHelpOptions = true,
      description = "2.1: add(1, 2) as a graph-mode symbolic tensor and executed eagerly.")
  static final class EagerStep implements Callable<Integer> {
    @Override
    public Integer call() {
      return print("2.1 Eager execution", EagerExecution.run(EagerExecution.NOTEBOOK_PRIOR_ADDS).lines());
    }
  }

  @Command(name = "autodiff", mixinStandardHelpOptions = true,
      description = "2.2: f(x) = x*x + 3 and its first and second derivatives (graph-mode gradients).")
  static final class AutodiffStep implements Callable<Integer> {
    @Option(names = "--x", description = "Point to differentiate at (default ${DEFAULT-VALUE}).")
    float x = AutomaticDifferentiation.X;

    @Override
    public Integer call() {
      return print("2.2 Automatic differentiation", AutomaticDifferentiation.run(x).lines());
    }
  }

  @Command(name = "collatz", mixinStandardHelpOptions = true,
      description = "2.3: the Collatz sequence as an eager loop whose branches depend on tensor values.")
  static final class CollatzStep implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--start", description = "First value, an integer >= 1 (default ${DEFAULT-VALUE}).")
    int start = DynamicControlFlow.START;

    @Override
    public Integer call() {
      if (start < 1) {
        throw new ParameterException(spec.commandLine(),
            "Invalid value for option '--start': " + start + " (the sequence starts at an integer >= 1)");
      }
      try {
        return print("2.3 Dynamic control flow (Collatz from " + start + ")", DynamicControlFlow.run(start).lines());
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "Invalid value for option '--start': " + e.getMessage());
      }
    }
  }

  private static int print(String title, List<String> lines) {
    BasicsLab.print(System.out, title, lines);
    return 0;
  }
}
