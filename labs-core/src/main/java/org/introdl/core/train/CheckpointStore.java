package org.introdl.core.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.introdl.core.UserError;
import org.introdl.core.io.AtomicFiles;
import org.tensorflow.Session;

/**
 * Training checkpoints that survive a crash: each is written by {@link Session#save} into a temporary folder, which
 * is renamed to {@code step-000123/} only when complete, so a folder with that name is always whole. The last
 * {@code keep} are kept. Restoring tries the newest first and falls back to older ones, with a warning, when one is
 * damaged.
 *
 * <p>TF Java adds its save/restore ops to the graph on the first save or restore: build the whole graph (optimizer
 * slots included) before calling either.
 */
public final class CheckpointStore {
  /** The variables' file prefix inside each checkpoint folder ({@code model.index}, {@code model.data-*}). */
  public static final String PREFIX = "model";
  private static final Pattern STEP_DIR = Pattern.compile("step-(\\d+)");

  private final Path dir;
  private final int keep;
  private final PrintStream warnings;

  public CheckpointStore(Path dir, int keep) {
    this(dir, keep, System.err);
  }

  public CheckpointStore(Path dir, int keep, PrintStream warnings) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep must be >= 1");
    }
    this.dir = dir;
    this.keep = keep;
    this.warnings = warnings;
  }

  /** One complete checkpoint on disk. */
  public record Checkpoint(long step, Path folder) {
    /** The prefix to pass to {@code Session.restore} (or to {@code ./labs checkpoint list}). */
    public String prefix() {
      return folder.resolve(PREFIX).toString();
    }
  }

  public Path dir() {
    return dir;
  }

  /** Saves the session's variables as the checkpoint of {@code step}; returns its folder. */
  public Path save(Session session, long step) {
    Path target = dir.resolve(folderName(step));
    Path tmp = dir.resolve("." + folderName(step) + ".tmp-" + System.nanoTime());
    try {
      Files.createDirectories(tmp);
      session.save(tmp.resolve(PREFIX).toString());
      AtomicFiles.deleteTree(target);
      AtomicFiles.moveIntoPlace(tmp, target);
      AtomicFiles.writeString(dir.resolve("latest"), folderName(step) + "\n");
      prune();
      return target;
    } catch (IOException e) {
      AtomicFiles.deleteTreeQuietly(tmp);
      throw new UserError(dir + ": cannot write checkpoint (" + e.getMessage() + ")");
    } catch (RuntimeException e) {
      AtomicFiles.deleteTreeQuietly(tmp);
      String message = String.valueOf(e.getMessage());
      if (message.contains("No space left") || message.contains("Disk quota")) {
        throw new UserError(dir + ": disk full while writing the checkpoint of step " + step
            + "; the previous checkpoints are intact (free some space, then --resume)");
      }
      throw e;
    }
  }

  /** Complete checkpoints, newest first. Temporary folders of interrupted saves are ignored. */
  public List<Checkpoint> list() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Checkpoint> found = new ArrayList<>();
    try (Stream<Path> entries = Files.list(dir)) {
      entries.filter(Files::isDirectory).forEach(p -> {
        Matcher m = STEP_DIR.matcher(p.getFileName().toString());
        if (m.matches()) {
          found.add(new Checkpoint(Long.parseLong(m.group(1)), p));
        }
      });
    } catch (IOException e) {
      throw new UserError(dir + ": cannot list checkpoints (" + e.getMessage() + ")");
    }
    found.sort(Comparator.comparingLong(Checkpoint::step).reversed());
    return found;
  }

  public Optional<Checkpoint> latest() {
    return list().stream().findFirst();
  }

  /**
   * Restores the newest checkpoint that restores cleanly and returns its step; empty when there is none. A damaged
   * checkpoint (missing or corrupt files) is reported on the warnings stream and skipped.
   */
  public OptionalLong restoreLatest(Session session) {
    for (Checkpoint c : list()) {
      String problem = problemWith(c);
      if (problem == null) {
        try {
          session.restore(c.prefix());
          return OptionalLong.of(c.step());
        } catch (RuntimeException e) {
          problem = String.valueOf(e.getMessage()).lines().findFirst().orElse("unreadable");
        }
      }
      warnings.println("warning: checkpoint " + c.folder() + " is damaged (" + problem + "); trying the previous one");
    }
    return OptionalLong.empty();
  }

  private static String problemWith(Checkpoint c) {
    Path index = c.folder().resolve(PREFIX + ".index");
    try {
      if (!Files.isRegularFile(index) || Files.size(index) == 0) {
        return "missing or empty " + index.getFileName();
      }
      try (Stream<Path> files = Files.list(c.folder())) {
        if (files.noneMatch(p -> p.getFileName().toString().startsWith(PREFIX + ".data-"))) {
          return "missing data file";
        }
      }
    } catch (IOException e) {
      return e.getMessage();
    }
    return null;
  }

  private void prune() throws IOException {
    List<Checkpoint> all = list();
    for (Checkpoint old : all.subList(Math.min(keep, all.size()), all.size())) {
      AtomicFiles.deleteTree(old.folder());
    }
  }

  private static String folderName(long step) {
    return String.format("step-%06d", step);
  }


}
