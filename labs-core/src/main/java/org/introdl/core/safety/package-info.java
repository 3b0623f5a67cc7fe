/**
 * The limits a run of a model from a file is held to, shared by every command that runs one:
 *
 * <ul>
 *   <li>{@link org.introdl.core.safety.RunLimits}: {@code --allow-unsafe-ops}, the memory budget
 *       ({@code --max-memory}) and the time limit ({@code --timeout}) of one run;</li>
 *   <li>{@link org.introdl.core.safety.Bytes}: byte sizes as people write them and as the messages print them;</li>
 *   <li>{@link org.introdl.core.safety.Watchdog}: the time limit of a run in this JVM; the command line runs models
 *       from files in a worker process instead ({@link org.introdl.core.worker}), killed at the limit.</li>
 * </ul>
 *
 * What judges a model before it runs (allowed ops, what runs on its own, declared memory) is the scan of the
 * saved-models module ({@code org.introdl.savedmodels.safety}), next to the formats it reads; the labs that run a
 * SavedModel call it from there.
 */
package org.introdl.core.safety;
