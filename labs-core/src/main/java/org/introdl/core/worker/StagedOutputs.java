package org.introdl.core.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.introdl.core.UserError;
import org.introdl.core.io.AtomicFiles;

/**
 * The output folders of a worker's command, written first into hidden staging folders beside them (same disk, so a
 * rename moves them) and published only when the worker succeeds; after a crash, a kill or an error nothing of them
 * is left. The worker sees a staging folder under the target's own name, existing exactly when the target does, so
 * the command's checks ("already exists") and file names come out the same.
 */
final class StagedOutputs {
  /** One output: where it goes, where the worker writes it, the hidden folder holding that, the first folder made. */
  private record Staged(Path target, Path staging, Path holder, Path madeParent) {}

  private final Map<Path, Staged> byTarget = new LinkedHashMap<>();
  /** Ctrl-C during the run: the staging folders go too. */
  private final Thread onExit = new Thread(this::discard);

  /** Stages each target (absolute paths). */
  static StagedOutputs prepare(List<Path> targets) {
    StagedOutputs outputs = new StagedOutputs();
    Runtime.getRuntime().addShutdownHook(outputs.onExit);
    try {
      for (Path target : targets) {
        outputs.stage(target);
      }
    } catch (IOException | RuntimeException e) {
      outputs.discard();
      throw e instanceof IOException io ? new UserError("cannot prepare the output folder (" + io.getMessage() + ")")
          : (RuntimeException) e;
    }
    return outputs;
  }

  private void stage(Path target) throws IOException {
    Path parent = target.getParent();
    Path madeParent = firstMissing(parent);
    Files.createDirectories(parent);
    removeAbandoned(parent, holderPrefix(target));
    Path holder = Files.createDirectory(parent.resolve(holderPrefix(target) + ProcessHandle.current().pid() + "-"
        + UUID.randomUUID().toString().substring(0, 8)));
    Path staging = holder.resolve(target.getFileName().toString());
    if (Files.isDirectory(target)) {
      Files.createDirectory(staging);
    }
    byTarget.put(target, new Staged(target, staging, holder, madeParent));
  }

  /** Where the worker writes {@code target}. */
  Path stagingFor(Path target) {
    return byTarget.get(target).staging();
  }

  /** {@code text} with each staging path replaced by its target, as the user should read it. */
  String translate(String text) {
    String result = text;
    for (Staged s : byTarget.values()) {
      result = result.replace(s.staging().toString(), s.target().toString());
    }
    return result;
  }

  /** Moves what the worker wrote into place: a new folder is renamed whole, an existing one gets each file. */
  void publish() {
    for (Staged s : byTarget.values()) {
      try {
        if (!Files.exists(s.staging(), LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        if (Files.isDirectory(s.target()) && Files.isDirectory(s.staging(), LinkOption.NOFOLLOW_LINKS)) {
          merge(s.staging(), s.target());
        } else {
          AtomicFiles.moveIntoPlace(s.staging(), s.target());
        }
      } catch (IOException e) {
        throw new UserError(s.target() + ": cannot move the output into place (" + e.getMessage() + ")");
      }
    }
  }

  /** Removes the staging folders and any parent folder made for them that is still empty. */
  void discard() {
    if (Thread.currentThread() != onExit) {
      try {
        Runtime.getRuntime().removeShutdownHook(onExit);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    }
    for (Staged s : byTarget.values()) {
      AtomicFiles.deleteTreeQuietly(s.holder());
      if (s.madeParent() != null && !Files.exists(s.target())) {
        AtomicFiles.deleteTreeQuietly(s.madeParent());
      }
    }
  }

  private static void merge(Path from, Path into) throws IOException {
    List<Path> entries;
    try (Stream<Path> list = Files.list(from)) {
      entries = new ArrayList<>(list.toList());
    }
    for (Path entry : entries) {
      Path target = into.resolve(entry.getFileName().toString());
      if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) && Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        merge(entry, target);
      } else {
        AtomicFiles.moveIntoPlace(entry, target);
      }
    }
  }

  /** A holder is named {@code .TARGET.worker-PID-RANDOM}: the broker's process id tells whether it is still alive. */
  private static String holderPrefix(Path target) {
    return "." + target.getFileName() + ".worker-";
  }

  /**
   * Deletes the holders that a broker killed with SIGKILL left beside the target (its shutdown hook never ran). A
   * holder whose broker still runs (another command writing the same output) is left alone.
   */
  private static void removeAbandoned(Path parent, String prefix) throws IOException {
    List<Path> abandoned;
    try (Stream<Path> siblings = Files.list(parent)) {
      abandoned = siblings.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
          .filter(p -> p.getFileName().toString().startsWith(prefix))
          .filter(p -> brokerGone(p.getFileName().toString().substring(prefix.length()))).toList();
    }
    abandoned.forEach(AtomicFiles::deleteTreeQuietly);
  }

  /** Whether the broker named in a holder's {@code PID-RANDOM} suffix has ended; false for a name not ours. */
  static boolean brokerGone(String suffix) {
    int dash = suffix.indexOf('-');
    if (dash <= 0) {
      return false;
    }
    try {
      long pid = Long.parseLong(suffix.substring(0, dash));
      return ProcessHandle.of(pid).map(process -> !process.isAlive()).orElse(true);
    } catch (NumberFormatException notOurs) {
      return false;
    }
  }

  private static Path firstMissing(Path dir) {
    Path missing = null;
    for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
      missing = p;
    }
    return missing;
  }
}
