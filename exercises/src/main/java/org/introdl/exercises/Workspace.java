package org.introdl.exercises;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import org.introdl.core.UserError;
import org.introdl.core.io.AtomicFiles;
import org.introdl.exercises.grading.Lab;

/**
 * A student's exercise folder: one sub-folder per started lab ({@code lab1/Lab1Basics.java} and its README) and a
 * small state file ({@code .exercises.properties}: hints shown, last check results). It lives outside the repository,
 * so a student's work never mixes with the project's.
 */
public final class Workspace {
  public static final String STATE_FILE = ".exercises.properties";

  private final Path root;
  /** When opened at one lab's folder: that lab only. */
  private final Lab only;

  private Workspace(Path root, Lab only) {
    this.root = root;
    this.only = only;
  }

  /** {@code ~/introdl-exercises}: where {@code start} puts a workspace when no folder is given. */
  public static Path defaultDir() {
    return Path.of(System.getProperty("user.home"), "introdl-exercises");
  }

  /** The workspace at {@code dir}; or, when {@code dir} is one lab's folder, that lab of its workspace. */
  public static Workspace at(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    for (Lab lab : Exercises.labs()) {
      if (Files.isRegularFile(abs.resolve(lab.fileName())) && abs.getFileName() != null
          && abs.getFileName().toString().equals(lab.id()) && abs.getParent() != null) {
        return new Workspace(abs.getParent(), lab);
      }
    }
    return new Workspace(abs, null);
  }

  /** Like {@link #at}, but the folder must hold at least one started lab. */
  public static Workspace existing(Path dir) {
    Workspace ws = at(dir);
    if (ws.startedLabs().isEmpty()) {
      throw new UserError(dir + ": no exercises here; start a lab with './labs exercises start lab1 --dir " + dir + "'");
    }
    return ws;
  }

  public Path root() {
    return root;
  }

  public Path labDir(Lab lab) {
    return root.resolve(lab.id());
  }

  public Path file(Lab lab) {
    return labDir(lab).resolve(lab.fileName());
  }

  /** How the file is named in messages: relative to the workspace, as javac names a file given that way. */
  public String shownAs(Lab lab) {
    return lab.id() + "/" + lab.fileName();
  }

  public boolean started(Lab lab) {
    return Files.isRegularFile(file(lab));
  }

  public List<Lab> startedLabs() {
    return Exercises.labs().stream().filter(l -> (only == null || only == l) && started(l)).toList();
  }

  public String read(Lab lab) {
    try {
      return Files.readString(file(lab));
    } catch (IOException e) {
      throw UserError.inFile(file(lab), "cannot read: " + e.getMessage());
    }
  }

  /** Replaces the lab's file (through a temporary file, so a crash never leaves half of it). */
  public void write(Lab lab, String source) {
    try {
      Files.createDirectories(labDir(lab));
      AtomicFiles.writeString(file(lab), source);
    } catch (IOException e) {
      throw UserError.inFile(file(lab), "cannot write: " + e.getMessage());
    }
  }

  /**
   * Copies the lab's file to {@code Lab2Music.java.orig} (or {@code .orig.2}, {@code .orig.3}, ... when that is
   * taken, so no earlier attempt is lost) and returns the copy.
   */
  public Path backUp(Lab lab) {
    Path backup = labDir(lab).resolve(lab.fileName() + ".orig");
    for (int n = 2; Files.exists(backup); n++) {
      backup = labDir(lab).resolve(lab.fileName() + ".orig." + n);
    }
    AtomicFiles.writeString(backup, read(lab));
    return backup;
  }

  // ---- state ----

  public int hintsShown(String task) {
    return Integer.parseInt(state().getProperty("hints." + task, "0"));
  }

  public void setHintsShown(String task, int count) {
    update("hints." + task, Integer.toString(count));
  }

  /** The last check's outcome for a task: "passed", "reference", "failed" or null when never checked. */
  public String lastResult(String task) {
    return state().getProperty("result." + task);
  }

  public void setLastResult(String task, String outcome) {
    update("result." + task, outcome);
  }

  private Properties state() {
    Properties p = new Properties();
    Path file = root.resolve(STATE_FILE);
    if (Files.isRegularFile(file)) {
      try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(in);
      } catch (IOException | IllegalArgumentException e) {
        // A damaged state file only forgets hints and results: start afresh rather than fail.
      }
    }
    return p;
  }

  private void update(String key, String value) {
    Properties p = state();
    p.setProperty(key, value);
    StringWriter text = new StringWriter();
    new TreeMap<>(p).forEach((k, v) -> text.append(k.toString()).append('=').append(v.toString()).append('\n'));
    try {
      Files.createDirectories(root);
      AtomicFiles.writeString(root.resolve(STATE_FILE), text.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
