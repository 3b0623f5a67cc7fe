/**
 * Running a model from a file in a process of its own, under limits the operating system enforces: the second layer
 * behind the model scan (the saved-models module's {@code safety} package), under the
 * {@link org.introdl.core.safety.RunLimits} of the command line.
 *
 * <ul>
 *   <li>{@link org.introdl.core.worker.WorkerProcess}: starts one child JVM with hard limits (resident memory
 *       watched and killed at the budget, SIGKILL at the deadline, crash files and native log in a temporary working
 *       folder that is deleted, an environment built from nothing) and says how it ended;</li>
 *   <li>{@link org.introdl.core.worker.WorkerBroker}: the command line's side; a command that is
 *       {@link org.introdl.core.worker.RunsInWorker} is run again in a worker with absolute paths and staged outputs,
 *       and a crash, an overrun or a hang becomes one line.</li>
 * </ul>
 *
 * <p>Serving keeps one long-lived worker per model version: {@link org.introdl.core.worker.WorkerProcess#start}
 * returns the running child, whose stdin and stdout are the server's request channel; the same watch (memory, crash)
 * and clean-up apply for its whole life, and the server gives each request its own deadline. What this package
 * does not do is sandbox files or network: the worker runs as the user.
 */
package org.introdl.core.worker;
