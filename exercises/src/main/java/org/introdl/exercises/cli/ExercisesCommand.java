package org.introdl.exercises.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.introdl.core.cli.Cli;
import org.introdl.core.cli.CommandGroup;
import org.introdl.exercises.ExerciseSteps;
import org.introdl.exercises.Workspace;
import org.introdl.exercises.grading.Task;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ./labs exercises ...}: the labs as graded exercises. */
@Command(
    name = "exercises",
    mixinStandardHelpOptions = true,
    description = "Do the labs as exercises: write each task's code, check it against the graders, get hints.",
    subcommands = {
      ExercisesCommand.ListStep.class,
      ExercisesCommand.StartStep.class,
      ExercisesCommand.CheckStep.class,
      ExercisesCommand.HintStep.class,
      ExercisesCommand.SolveStep.class
    })
public final class ExercisesCommand extends CommandGroup {

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "The labs and their tasks, with the state of each task in a workspace.")
  static final class ListStep implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "Workspace (default ~/introdl-exercises).")
    Path dir = Workspace.defaultDir();

    @Override
    public Integer call() {
      ExerciseSteps.Listing listing = ExerciseSteps.list(dir);
      PrintStream out = System.out;
      out.println("Workspace: " + listing.workspace());
      for (ExerciseSteps.LabListing lab : listing.labs()) {
        out.println();
        out.println(lab.lab().id() + "  " + lab.lab().title() + (lab.started() ? "  (" + lab.lab().id() + "/"
            + lab.lab().fileName() + ")" : "  (not started: ./labs exercises start " + lab.lab().id() + ")"));
        for (ExerciseSteps.TaskState t : lab.tasks()) {
          String state = t.state() == null ? "" : switch (t.state()) {
            case TODO -> "todo";
            case EDITED -> "edited";
            case REFERENCE -> "reference solution, not your own";
            case MISSING -> "missing from the file";
          };
          String last = t.lastCheck() == null ? "" : ", last check " + (t.lastCheck().equals("reference")
              ? "passed with the reference" : t.lastCheck());
          out.printf("  %-24s %s%s%n", t.task(), t.summary(), state.isEmpty() ? "" : "  [" + state + last + "]");
        }
      }
      return 0;
    }
  }

  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "Writes a lab's task file and README into a workspace outside the repository.")
  static final class StartStep implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "LAB", description = "lab1 (basics), lab2 (music) or lab3 (xray).")
    String lab;

    @Option(names = "--dir", paramLabel = "DIR", description = "Workspace (default ~/introdl-exercises).")
    Path dir = Workspace.defaultDir();

    @Override
    public Integer call() {
      ExerciseSteps.Started started = ExerciseSteps.start(lab, dir);
      if (started.alreadyThere()) {
        System.out.println(started.file() + " is already there; your work in it is kept.");
      } else {
        System.out.println("Wrote " + started.file());
      }
      System.out.println("      " + started.readme() + " (the tasks, the API, the TensorFlow ops each needs)");
      System.out.println("      " + started.pom() + " (open the folder in an IDE, or 'mvn compile' there)");
      System.out.println("Tasks: " + String.join(", ", started.lab().tasks().stream().map(Task::name).toList()));
      System.out.println("Check your work: ./labs exercises check " + started.file().getParent().getParent());
      return 0;
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Compiles the workspace's labs and grades each task: passed, or what is wrong and what was expected."
          + " Exit code 1 when a task fails.")
  static final class CheckStep implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "Workspace or one lab's folder "
        + "(default ~/introdl-exercises).")
    Path dir = Workspace.defaultDir();

    @Option(names = "--task", paramLabel = "TASK", description = "Check only this task.")
    String task;

    @Override
    public Integer call() {
      ExerciseSteps.CheckReport report = ExerciseSteps.check(dir, Optional.ofNullable(task));
      for (ExerciseSteps.LabCheck lab : report.labs()) {
        System.out.println(lab.lab().id() + "  " + lab.lab().title());
        if (!lab.compileErrors().isEmpty()) {
          System.out.println(lab.compileErrors());
        }
        for (ExerciseSteps.TaskResult r : lab.results()) {
          System.out.printf("  %-9s %-22s %s%n", r.status(), r.task(), r.verdict().message());
        }
      }
      long passed = report.labs().stream().flatMap(l -> l.results().stream()).filter(r -> r.verdict().passed()).count();
      long total = report.labs().stream().mapToLong(l -> l.results().size()).sum();
      long reference = report.labs().stream().flatMap(l -> l.results().stream()).filter(r -> r.verdict().passed()
          && r.reference()).count();
      System.out.println(passed + " of " + total + " tasks passed" + (reference == 0 ? "." : " (" + reference
          + " of them with the reference solution that solve filled in)."));
      return report.allPassed() ? 0 : 1;
    }
  }

  @Command(name = "hint", mixinStandardHelpOptions = true, description = "Hints for a task, one more each time.")
  static final class HintStep implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "Workspace.")
    Path dir;

    @Parameters(index = "1", paramLabel = "TASK", description = "The task (its method name).")
    String task;

    @Override
    public Integer call() {
      ExerciseSteps.Hints hints = ExerciseSteps.hint(dir, task);
      List<String> shown = hints.shown();
      for (int i = 0; i < shown.size(); i++) {
        System.out.println("Hint " + (i + 1) + " of " + hints.total() + ": " + shown.get(i));
      }
      if (hints.last()) {
        System.out.println("That was the last hint. Still stuck? './labs exercises solve " + dir + " " + task
            + "' fills in the reference solution.");
      }
      return 0;
    }
  }

  @Command(name = "solve", mixinStandardHelpOptions = true,
      description = "Fills in the reference solution of a task (or of all), marked as such in the file.")
  static final class SolveStep implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "Workspace.")
    Path dir;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TASK", description = "The task (its method name).")
    String task;

    @Option(names = "--all", description = "Every task of every started lab.")
    boolean all;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      if ((task == null) == !all) {
        throw Cli.badValue(spec, "give one TASK or --all, not " + (all ? "both" : "neither"));
      }
      for (ExerciseSteps.Solved s : ExerciseSteps.solve(dir, Optional.ofNullable(task))) {
        System.out.println("Filled in the reference solution of " + s.task() + " in " + s.file()
            + (s.backup() == null ? "" : "; your attempt is kept in " + s.backup().getFileName()));
      }
      return 0;
    }
  }
}
