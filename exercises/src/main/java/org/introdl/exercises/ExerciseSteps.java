package org.introdl.exercises;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.introdl.core.LabPaths;
import org.introdl.core.UserError;
import org.introdl.core.io.AtomicFiles;
import org.introdl.exercises.grading.Lab;
import org.introdl.exercises.grading.StudentCode;
import org.introdl.exercises.grading.StudentException;
import org.introdl.exercises.grading.Task;
import org.introdl.exercises.grading.Verdict;
import org.introdl.exercises.grading.Watchdog;
import org.introdl.exercises.workspace.InMemoryCompiler;
import org.introdl.exercises.workspace.SourceEditor;
import org.introdl.exercises.workspace.WorkspacePom;

/** What {@code ./labs exercises} does, one method per subcommand, each returning a record the command prints. */
public final class ExerciseSteps {
  /** How long one task's grader may run before the check calls it an endless loop. */
  static final long TASK_SECONDS = Watchdog.SECONDS;

  private ExerciseSteps() {}

  // ---- start ----

  /** A lab started: its task file, README and pom.xml ({@code alreadyThere}: the task file was kept as it was). */
  public record Started(Lab lab, Path file, Path readme, Path pom, boolean alreadyThere) {}

  /**
   * Writes the lab's task file, README and {@code pom.xml} into {@code dir}/labN; an existing task file is kept as it
   * is (the README and pom.xml are written again, so they follow the installed labs).
   */
  public static Started start(String labName, Path dir) {
    Lab lab = Exercises.lab(labName);
    Path abs = dir.toAbsolutePath().normalize();
    if (abs.startsWith(LabPaths.repoRoot())) {
      throw new UserError(dir + ": inside the repository; put your workspace outside it (the default is "
          + Workspace.defaultDir() + ") so your solutions never mix with the project's files");
    }
    Workspace ws = Workspace.at(abs);
    boolean alreadyThere = ws.started(lab);
    if (!alreadyThere) {
      ws.write(lab, Exercises.templateSource(lab));
    }
    Path readme = ws.labDir(lab).resolve("README.md");
    Path pom = ws.labDir(lab).resolve("pom.xml");
    AtomicFiles.writeString(readme, Readme.of(lab, ws.root()));
    AtomicFiles.writeString(pom, WorkspacePom.of(lab, WorkspacePom.Versions.ofThisBuild()));
    return new Started(lab, ws.file(lab), readme, pom, alreadyThere);
  }

  // ---- check ----

  /** A task's verdict; {@code reference} when the code graded is the reference solution {@code solve} filled in. */
  public record TaskResult(Lab lab, String task, Verdict verdict, boolean reference) {
    /** How check shows it: passed, reference (passed, but not the student's own code) or FAILED. */
    public String status() {
      return !verdict.passed() ? "FAILED" : reference ? "reference" : "passed";
    }
  }

  /** One lab's check: javac's errors (empty when it compiled) and each task's verdict. */
  public record LabCheck(Lab lab, Path file, String compileErrors, List<TaskResult> results) {}

  public record CheckReport(Path workspace, List<LabCheck> labs) {
    public boolean allPassed() {
      return labs.stream().allMatch(l -> l.compileErrors().isEmpty()
          && l.results().stream().allMatch(r -> r.verdict().passed()));
    }
  }

  /** Compiles each started lab (or the one holding {@code task}) and grades its tasks (or only {@code task}). */
  public static CheckReport check(Path dir, Optional<String> task) {
    Workspace ws = Workspace.existing(dir);
    List<Lab> labs = ws.startedLabs();
    if (task.isPresent()) {
      Lab lab = Exercises.labOfTask(task.get()).orElseThrow(() -> Exercises.noSuchTask(task.get()));
      if (!ws.started(lab)) {
        throw new UserError(task.get() + " belongs to " + lab.id() + ", not started in " + ws.root()
            + "; start it with './labs exercises start " + lab.id() + " --dir " + ws.root() + "'");
      }
      labs = List.of(lab);
    }
    List<LabCheck> checks = new ArrayList<>();
    for (Lab lab : labs) {
      InMemoryCompiler.Compilation compiled = InMemoryCompiler.compile(ws.file(lab), ws.shownAs(lab), lab.className());
      String source = ws.read(lab);
      List<TaskResult> results = new ArrayList<>();
      for (Task t : lab.tasks()) {
        if (task.isPresent() && !t.name().equals(task.get())) {
          continue;
        }
        Verdict verdict = compiled.succeeded() ? grade(t, new StudentCode(compiled.mainClass()))
            : Verdict.fail("not checked: " + ws.shownAs(lab) + " does not compile");
        TaskResult result = new TaskResult(lab, t.name(), verdict,
            SourceEditor.state(source, t.name()) == SourceEditor.State.REFERENCE);
        ws.setLastResult(t.name(), result.status().toLowerCase(java.util.Locale.ROOT));
        results.add(result);
      }
      checks.add(new LabCheck(lab, ws.file(lab), compiled.errors(), results));
    }
    return new CheckReport(ws.root(), checks);
  }

  /**
   * Runs one grader on a thread of its own: a student's exception, a graph that fails to run or an endless loop
   * becomes a failed verdict with one line, never a stack trace.
   */
  public static Verdict grade(Task task, StudentCode code) {
    return grade(task, code, TASK_SECONDS);
  }

  /** As {@link #grade(Task, StudentCode)}, with a time limit of {@code seconds}. */
  public static Verdict grade(Task task, StudentCode code, long seconds) {
    try (Watchdog watchdog = new Watchdog("grader-" + task.name(), seconds)) {
      return watchdog.run(() -> task.grader().grade(code));
    } catch (Watchdog.TimedOut e) {
      return Verdict.fail(e.getMessage());
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof StudentException student) {
        return Verdict.fail(student.getMessage());
      }
      return Verdict.fail("your graph failed when run: " + code.explain(cause));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Verdict.fail("interrupted");
    }
  }

  // ---- hint ----

  public record Hints(String task, List<String> shown, int total) {
    public boolean last() {
      return shown.size() == total;
    }
  }

  /** One more hint for the task than last time (all of them once they are used up). */
  public static Hints hint(Path dir, String taskName) {
    Workspace ws = Workspace.existing(dir);
    Task task = Exercises.task(taskName);
    int shown = Math.min(task.hints().size(), ws.hintsShown(taskName) + 1);
    ws.setHintsShown(taskName, shown);
    return new Hints(taskName, task.hints().subList(0, shown), task.hints().size());
  }

  // ---- solve ----

  /** A task filled in; {@code backup} holds the file as it was, when the task held the student's own attempt. */
  public record Solved(Path file, String task, Path backup) {}

  /** Fills in the reference solution of one task, or of every task of every started lab when {@code task} is empty. */
  public static List<Solved> solve(Path dir, Optional<String> taskName) {
    Workspace ws = Workspace.existing(dir);
    List<Solved> solved = new ArrayList<>();
    for (Lab lab : ws.startedLabs()) {
      String source = ws.read(lab);
      String reference = Exercises.referenceSource(lab);
      boolean changed = false;
      Path backup = null;
      for (Task task : lab.tasks()) {
        if (taskName.isPresent() && !taskName.get().equals(task.name())) {
          continue;
        }
        SourceEditor.State state = SourceEditor.state(source, task.name());
        if (state == SourceEditor.State.MISSING) {
          throw UserError.inFile(ws.file(lab), "no method " + task.name() + " to fill in (was it renamed?)");
        }
        String filled = SourceEditor.SOLVED_MARK + "\n" + SourceEditor.statements(reference, task.name());
        // Anything but the TODO and the reference as solve wrote it is an attempt (an edited reference too).
        boolean attempt = state != SourceEditor.State.TODO
            && !SourceEditor.statements(source, task.name()).equals(filled);
        if (attempt && backup == null) {
          backup = ws.backUp(lab); // the student's attempt, kept before the reference replaces it
        }
        source = SourceEditor.replaceBody(source, task.name(), filled);
        solved.add(new Solved(ws.file(lab), task.name(), attempt ? backup : null));
        changed = true;
      }
      if (changed) {
        ws.write(lab, source);
      }
    }
    if (taskName.isPresent() && solved.isEmpty()) {
      Lab lab = Exercises.labOfTask(taskName.get()).orElseThrow(() -> Exercises.noSuchTask(taskName.get()));
      throw new UserError(taskName.get() + " belongs to " + lab.id() + ", which is not started in " + ws.root());
    }
    return solved;
  }

  // ---- list ----

  public record TaskState(String task, String summary, SourceEditor.State state, String lastCheck) {}

  public record LabListing(Lab lab, boolean started, List<TaskState> tasks) {}

  public record Listing(Path workspace, List<LabListing> labs) {}

  /** Every lab and task; with the state of each in the workspace at {@code dir} (if it exists). */
  public static Listing list(Path dir) {
    Workspace ws = Workspace.at(dir);
    List<LabListing> labs = new ArrayList<>();
    for (Lab lab : Exercises.labs()) {
      boolean started = ws.started(lab);
      String source = started ? ws.read(lab) : null;
      List<TaskState> tasks = new ArrayList<>();
      for (Task t : lab.tasks()) {
        tasks.add(new TaskState(t.name(), t.summary(), source == null ? null : SourceEditor.state(source, t.name()),
            started ? ws.lastResult(t.name()) : null));
      }
      labs.add(new LabListing(lab, started, tasks));
    }
    return new Listing(ws.root(), labs);
  }
}
