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
    Path holder = Files.createDirectory(parent.resolve("." + target.getFileName() + ".worker-"
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

  private static Path firstMissing(Path dir) {
    Path missing = null;
    for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
      missing = p;
    }
    return missing;
  }
}
