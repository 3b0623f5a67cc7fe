package org.introdl.core.train;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;
import org.introdl.core.UserError;
import org.introdl.core.cli.Progress;
import org.introdl.core.io.AtomicFiles;
import org.tensorflow.Session;

/**
 * The training loop both labs run. A lab builds its graph and says what one step is ({@link Step}: feed a batch,
 * run the update, return what it measured); the run does the rest: the progress bar or log lines, {@code metrics.csv}
 * and {@code metrics.jsonl}, TensorBoard events, checkpoints every N steps (the last K kept), the stop on a loss that
 * is no longer a number, resuming, Ctrl-C, and the chart at the end.
 *
 * <p>A run folder explains itself: {@code run.json} ({@link RunManifest}) says how the run was made. A fresh run
 * refuses a folder that holds another run; {@code --resume} refuses settings or data that differ from the run's, and
 * a run that is already complete has nothing to do. Resuming drops the metrics rows and TensorBoard events logged
 * after the restored checkpoint, so a killed and resumed run ends with the files of a run never killed.
 *
 * <pre>{@code
 * TrainingRun run = TrainingRun.start(plan, manifest, console);
 * if (run.complete()) return run.nothingToDo();
 * ... build the graph, open the session ...
 * long start = run.restoreOrInitialize(session);
 * TrainingRun.Outcome outcome = run.loop(session, start, step -> labStep(step));
 * }</pre>
 */
public final class TrainingRun {
  /**
   * Where and how long to train. {@code lab}: the lab's name in {@code run.json} ("music"); {@code title}: for the
   * chart ("Lab 2 (music)"); {@code command}: the command that trains it ("./labs music train"), for the resume hint;
   * {@code logEvery}: a log line every N steps when no bar is drawn (0: none, except held-out evaluations).
   */
  public record Plan(String lab, String title, String command, Path out, long steps, int checkpointEvery, int keep,
      int logEvery, boolean resume) {
    public Plan {
      if (steps < 1 || checkpointEvery < 1 || keep < 1) {
        throw new IllegalArgumentException("steps, checkpointEvery and keep must be >= 1");
      }
    }
  }

  /** One training step: runs step {@code step} (1-based) and returns what it measured. */
  @FunctionalInterface
  public interface Step {
    StepMetrics run(long step);
  }

  /** How a run ended. */
  public enum Status { FINISHED, NOTHING_TO_DO, INTERRUPTED }

  /**
   * What a run did. {@code startStep}: the step it started after (0, or the restored checkpoint's); {@code first} and
   * {@code last}: the metrics of the first and last step it ran (null when it ran none); {@code heldOut}: the last
   * held-out evaluation (null when none ran); {@code firstStepSeconds}: the first step alone, which includes
   * TensorFlow's one-time optimisation of the graph; {@code msPerStep}: the steady pace over the steps after it.
   */
  public record Outcome(Status status, Path out, long startStep, long endStep, StepMetrics first, StepMetrics last,
      StepMetrics heldOut, double firstStepSeconds, double msPerStep, Path lossChart, Path checkpoint,
      Path metricsCsv, Path tensorboard) {
    public boolean ranSteps() {
      return last != null;
    }
  }

  private final Plan plan;
  private final Path out;
  private final CheckpointStore store;
  private final PrintStream console;
  private final long restorable;

  private TrainingRun(Plan plan, Path out, CheckpointStore store, PrintStream console) {
    this.plan = plan;
    this.out = out;
    this.store = store;
    this.console = console;
    this.restorable = plan.resume() ? store.latest().map(CheckpointStore.Checkpoint::step).orElse(0L) : 0;
  }

  /**
   * Checks the run folder and writes {@code manifest} into it. A fresh run refuses a folder that holds another run's
   * checkpoints; a resumed run must find a manifest of the same lab whose settings (except the steps) and data equal
   * {@code manifest}'s.
   */
  public static TrainingRun start(Plan plan, RunManifest manifest, PrintStream console) {
    boolean existed = Files.exists(plan.out());
    Path out = AtomicFiles.requireWritableDir(plan.out());
    try {
      CheckpointStore store = new CheckpointStore(out.resolve("checkpoints"), plan.keep(), console);
      if (!plan.resume() && !store.list().isEmpty()) {
        throw new UserError(out + ": already holds checkpoints of a run; continue it with " + plan.command()
            + " --out " + out + " --resume, or choose another --out");
      }
      if (plan.resume()) {
        RunManifest old = RunManifest.forResume(out, plan.lab(), plan.command());
        old.resumeSettings(manifest.settings(), manifest.settings().keySet(), out);
        old.requireSameData(manifest.data(), out);
        manifest = new RunManifest(old.lab(), manifest.settings(), old.data(), manifest.project(),
            manifest.tensorflow(), old.started(), manifest.exercises());
      }
      manifest.write(out);
      return new TrainingRun(plan, out, store, console);
    } catch (RuntimeException e) {
      if (!existed) {
        AtomicFiles.deleteTreeQuietly(out); // a refused run leaves no empty folder behind
      }
      throw e;
    }
  }

  /** True when a resumed run's newest checkpoint is already at (or past) the last step. */
  public boolean complete() {
    return plan.resume() && restorable >= plan.steps();
  }

  /** What a complete run reports when resumed: "already at step N of N: nothing to do". */
  public Outcome nothingToDo() {
    console.printf(Locale.ROOT, "%s: already at step %d of %d: nothing to do (give a larger --steps to train"
        + " further)%n", out, restorable, plan.steps());
    Path chart = out.resolve("loss.png");
    return new Outcome(Status.NOTHING_TO_DO, out, restorable, restorable, null, null, null, Double.NaN, Double.NaN,
        Files.isRegularFile(chart) ? chart : null, store.latest().map(c -> Path.of(c.prefix())).orElse(null),
        out.resolve(MetricsLog.CSV), out.resolve("tensorboard"));
  }

  /** Restores the newest readable checkpoint when resuming, else initialises the variables; returns the step. */
  public long restoreOrInitialize(Session session) {
    if (plan.resume()) {
      OptionalLong restored = store.restoreLatest(session);
      if (restored.isPresent()) {
        console.println("Resuming from step " + restored.getAsLong());
        return restored.getAsLong();
      }
      console.println("No checkpoint to resume from yet: starting at step 0");
    }
    session.initialize();
    return 0;
  }

  /** Runs steps {@code start + 1 .. steps}; stops early (with a checkpoint) on Ctrl-C. */
  public Outcome loop(Session session, long start, Step step) {
    StepMetrics first = null;
    StepMetrics last = null;
    StepMetrics heldOut = null;
    long began = System.nanoTime();
    long firstDone = began;
    long lastDone = began;
    long done = start;
    Path checkpoint = store.latest().filter(c -> c.step() <= start).map(c -> Path.of(c.prefix())).orElse(null);
    Status status = Status.FINISHED;
    Path tensorboard = out.resolve("tensorboard");
    TensorBoardWriter.truncateAfter(tensorboard, start);
    try (MetricsLog metrics = MetricsLog.open(out, start > 0);
        TensorBoardWriter board = new TensorBoardWriter(tensorboard);
        Progress progress = Progress.start(plan.lab(), plan.steps(), start);
        Interruption ctrlC = Interruption.catchCtrlC()) {
      metrics.truncateAfter(start);
      for (long s = start + 1; s <= plan.steps(); s++) {
        StepMetrics m = step.run(s);
        TrainingGuard.checkFinite(s, m.loss());
        done = s;
        if (first == null) {
          first = m;
          firstDone = System.nanoTime();
        }
        last = m;
        heldOut = m.hasHeldOut() ? m : heldOut;
        metrics.log(s, m.row());
        for (var column : m.row().entrySet()) {
          if (!column.getValue().isNaN()) {
            board.scalar(column.getKey(), s, column.getValue());
          }
        }
        double msPerStep = pace(began, firstDone, s - start);
        String shown = (heldOut != null && !m.hasHeldOut() ? m.withHeldOut(heldOut.heldOutAccuracy(),
            heldOut.heldOutAuc()) : m).brief();
        progress.step(s, shown);
        if (!progress.isDrawn() && shouldLog(s, m)) {
          console.printf(Locale.ROOT, "step %d/%d  %s  (%s, ETA %s)%n", s, plan.steps(), m.describe(),
              paceText(msPerStep, (s - start == 1) ? (firstDone - began) / 1e6 : Double.NaN),
              eta(msPerStep, plan.steps() - s));
        }
        boolean stop = ctrlC.requested();
        if (s % plan.checkpointEvery() == 0 || s == plan.steps() || stop) {
          checkpoint = Path.of(store.save(session, s).resolve(CheckpointStore.PREFIX).toString());
        }
        lastDone = System.nanoTime();
        if (stop) {
          status = Status.INTERRUPTED;
          break;
        }
      }
    }
    Path chart = LossChart.draw(out.resolve(MetricsLog.CSV), out.resolve("loss.png"),
        plan.title() + ": training run " + runName());
    long ran = done - start;
    double firstStepSeconds = ran == 0 ? Double.NaN : (firstDone - began) / 1e9;
    double msPerStep = ran == 0 ? Double.NaN
        : ran == 1 ? (firstDone - began) / 1e6 : (lastDone - firstDone) / 1e6 / (ran - 1);
    if (status == Status.INTERRUPTED) {
      console.printf(Locale.ROOT, "interrupted at step %d; continue with: %s --out %s --resume%n", done,
          plan.command(), out);
    }
    return new Outcome(status, out, start, done, first, last, heldOut, firstStepSeconds, msPerStep, chart,
        checkpoint, out.resolve(MetricsLog.CSV), tensorboard);
  }

  /** The run folder as the chart's title names it: its last two names ("music/training"). */
  private String runName() {
    Path parent = out.getParent();
    return parent == null || parent.getFileName() == null ? out.getFileName().toString()
        : parent.getFileName() + "/" + out.getFileName();
  }

  private boolean shouldLog(long step, StepMetrics m) {
    return plan.logEvery() > 0 && (step % plan.logEvery() == 0 || step == plan.steps() || m.hasHeldOut());
  }

  /** Milliseconds per step after the first (the first alone when only one ran). */
  private static double pace(long began, long firstDone, long ran) {
    return ran <= 1 ? (firstDone - began) / 1e6 : (System.nanoTime() - firstDone) / 1e6 / (ran - 1);
  }

  private static String paceText(double msPerStep, double firstStepMs) {
    double ms = Double.isNaN(firstStepMs) ? msPerStep : firstStepMs;
    String pace = ms >= 1000 ? String.format(Locale.ROOT, "%.2f s/step", ms / 1000)
        : String.format(Locale.ROOT, "%.1f ms/step", ms);
    return Double.isNaN(firstStepMs) ? pace : pace + " with graph optimisation";
  }

  private static String eta(double msPerStep, long left) {
    long seconds = Math.round(msPerStep * left / 1000);
    return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
  }
}
