package org.introdl.core.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Attacks on TensorFlow itself, run in a worker ({@link HostileWork}): each is contained (killed or reported), none
 * leaves a file, and the controls show each attack is real when the limit is not there.
 */
class WorkerProcessTest {
  private static final long GIB = 1L << 30;
  /** More than the budget, less than the control's budget: 1.25 GiB of floats. */
  private static final long ATTACK_BYTES = 5 * GIB / 4;

  @Test
  void aModelAllocatingPastTheBudgetIsKilledBeforeItsResidentMemoryReachesIt() {
    WorkerProcess.Exit exit = run(GIB, Duration.ofSeconds(60), "allocate", Long.toString(ATTACK_BYTES));
    assertEquals(WorkerProcess.Ending.OVER_MEMORY, exit.ending(), exit::toString);
    assertTrue(exit.peakResidentBytes() <= GIB, "peak " + exit.peakResidentBytes());
    assertTrue(exit.peakResidentBytes() > GIB / 2, "the watch saw the allocation grow: " + exit.peakResidentBytes());

    // Control: with room for it the same attack runs to the end, and its memory goes well past the first budget.
    WorkerProcess.Exit roomy = run(3 * GIB, Duration.ofSeconds(60), "allocate", Long.toString(ATTACK_BYTES));
    assertEquals(WorkerProcess.Ending.EXITED, roomy.ending(), roomy::toString);
    assertTrue(roomy.stdout().contains("sum " + (float) (ATTACK_BYTES / 4)), roomy.stdout());
    assertTrue(roomy.peakResidentBytes() > GIB + GIB / 8, "peak " + roomy.peakResidentBytes());
  }

  @Test
  void theWorkerSeesNoneOfTheParentsEnvironmentButWhatTensorFlowNeeds() {
    // The build gives this JVM INTRODL_TEST_SECRET (as a user's shell holds tokens); the worker must not see it.
    assertTrue(System.getenv().containsKey("INTRODL_TEST_SECRET"), "the build sets the secret for this test");
    WorkerProcess.Exit exit = run(GIB, Duration.ofSeconds(60), "allocate", "4096");
    assertEquals(0, exit.exitCode(), exit::toString);
    assertFalse(exit.stdout().contains("INTRODL_TEST_SECRET"), exit.stdout());
    List<String> names = exit.stdout().lines().filter(l -> l.contains("=")).map(l -> l.split("=", 2)[0]).toList();
    List<String> allowed = new ArrayList<>(WorkerProcess.PASSED_ENVIRONMENT);
    allowed.addAll(List.of("PATH", "TMPDIR", "MALLOC_ARENA_MAX", "PWD", "SHLVL", "_"));
    assertTrue(allowed.containsAll(names), () -> "unexpected variables: " + names);
    assertTrue(exit.stdout().contains("MALLOC_ARENA_MAX=2"), exit.stdout());
  }

  @Test
  void aFailedCheckInsideTensorFlowIsACrashWithTensorFlowsReasonAndLeavesNoFile() throws Exception {
    List<Path> before = workerFolders();
    WorkerProcess.Exit exit = run(GIB, Duration.ofSeconds(60), "crash");
    assertEquals(WorkerProcess.Ending.CRASHED, exit.ending(), exit::toString);
    assertEquals(134, exit.exitCode(), "SIGABRT");
    assertTrue(exit.crashReason().startsWith("Check failed: dims_tf_order.size() > 0"), exit.crashReason());
    assertEquals(before, workerFolders(), "the worker's folder (crash report, native log) is gone");
    try (Stream<Path> here = Files.list(Path.of(""))) {
      assertTrue(here.noneMatch(p -> p.getFileName().toString().startsWith("hs_err")), "no crash report here");
    }
  }

  @Test
  void aStartedWorkerThatCrashesEndsWithTheReasonAndLeavesNoFolder() throws Exception {
    List<Path> before = workerFolders();
    WorkerProcess.Running worker = WorkerProcess.start(new WorkerProcess.Launch(HostileWork.class.getName(),
        List.of("crash"), GIB, Duration.ZERO, false), line -> { });
    WorkerProcess.Exit exit = worker.exit().get(120, java.util.concurrent.TimeUnit.SECONDS);
    assertEquals(WorkerProcess.Ending.CRASHED, exit.ending(), exit::toString);
    assertTrue(exit.crashReason().startsWith("Check failed: dims_tf_order.size() > 0"), exit.crashReason());
    assertEquals(before, workerFolders(), "the worker's folder is gone once its end is known");
    worker.close();
  }

  private static WorkerProcess.Exit run(long budget, Duration timeout, String... args) {
    return WorkerProcess.run(new WorkerProcess.Launch(HostileWork.class.getName(), List.of(args), budget, timeout,
        false), line -> { });
  }

  private static List<Path> workerFolders() throws Exception {
    try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return tmp.filter(p -> p.getFileName().toString().startsWith("introdl-worker-")).sorted().toList();
    }
  }
}
