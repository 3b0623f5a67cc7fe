package org.introdl.notebooks;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import jdk.jshell.tool.JavaShellToolBuilder;
import org.introdl.core.io.AtomicFiles;

/**
 * {@code ./labs notebook LAB}: the JDK's own {@code jshell} tool with the labs and TensorFlow Java on its class path,
 * the lab's imports loaded, and each code cell written as a snippet file to {@code /open}, in order, under
 * {@code out/notebook-LAB/cells}. A student edits a cell file (or types a changed line) and opens it again to see the
 * new output; edited cell files are kept from one session to the next.
 */
public final class NotebookShell {
  private NotebookShell() {}

  /**
   * The cell files of a session: the startup (imports and settings), one file per code cell, and those of them kept
   * because they differ from the notebook (the student's edits).
   */
  public record CellFiles(Path folder, Path startup, List<Path> cells, List<Path> kept) {}

  /**
   * Writes the startup and one {@code .jsh} file per code cell of {@code notebook} into {@code folder}; a cell file
   * already there with other content is the student's edit, and is kept.
   */
  public static CellFiles writeCells(Notebook notebook, Path folder, boolean quick) {
    return writeCells(notebook, folder, quick, Optional.empty());
  }

  /** As {@link #writeCells(Notebook, Path, boolean)}; the cells holding an exercise task call {@code exercises}'. */
  public static CellFiles writeCells(Notebook notebook, Path folder, boolean quick, Optional<Path> exercises) {
    AtomicFiles.requireWritableDir(folder);
    StringBuilder startup = new StringBuilder();
    startup.append("// ").append(notebook.title()).append(": imports and settings, loaded at start\n");
    startup.append("System.setProperty(\"").append(NotebookSettings.QUICK).append("\", \"").append(quick)
        .append("\");\n");
    String workspace = exercises.map(dir -> dir.toAbsolutePath().normalize().toString()).orElse("");
    startup.append("System.setProperty(\"").append(NotebookSettings.EXERCISES).append("\", \"")
        .append(workspace.replace("\\", "\\\\").replace("\"", "\\\"")).append("\");\n");
    List<Path> cells = new ArrayList<>();
    List<Path> kept = new ArrayList<>();
    int number = 0;
    for (Notebook.Cell cell : notebook.codeCells()) {
      if (cell.kind() == Notebook.Cell.Kind.IMPORTS) {
        startup.append(cell.text()).append('\n');
        continue;
      }
      Path file = folder.resolve(String.format(Locale.ROOT, "%02d-%s.jsh", ++number, slug(cell.title())));
      String printed = cell.printed().isEmpty() ? ""
          : "// The 2018 notebook printed:\n" + cell.printed().stream().map(l -> "//   " + l + "\n")
              .reduce("", String::concat);
      String text = "// " + cell.title() + "\n" + cell.text() + "\n" + printed;
      if (isEdited(file, text)) {
        kept.add(file);
      } else {
        AtomicFiles.writeString(file, text);
      }
      cells.add(file);
    }
    Path startupFile = folder.resolve("00-startup.jsh");
    AtomicFiles.writeString(startupFile, startup.toString());
    return new CellFiles(folder, startupFile, cells, kept);
  }

  /** Opens jshell on the cells; returns its exit code when the student types {@code /exit}. */
  public static int open(Notebook notebook, boolean quick, Optional<Path> exercises, PrintStream out) {
    CellFiles files = writeCells(notebook, NotebookSettings.outputDir(notebook.lab().name()).resolve("cells"), quick,
        exercises);
    out.println(notebook.title());
    out.println("The lab's imports are loaded. Run the cells in order (edit a file and /open it again to re-run):");
    files.cells().forEach(cell -> out.println("  /open " + cell));
    if (!files.kept().isEmpty()) {
      out.println("(" + files.kept().size() + " cell files were there already and are kept as they are: delete "
          + files.folder() + " to start over from the notebook)");
    }
    out.println("Or type Java directly; /list shows what ran, /exit leaves.");
    try {
      return JavaShellToolBuilder.builder().start(toolArguments(files).toArray(String[]::new));
    } catch (Exception e) {
      throw new IllegalStateException("jshell did not start: " + e.getMessage(), e);
    }
  }

  /** jshell's arguments: this JVM's class path, its default startup plus the lab's, and a headless runtime. */
  static List<String> toolArguments(CellFiles files) {
    return List.of("--class-path", String.join(File.pathSeparator, NotebookRunner.classPath()),
        "--startup", "DEFAULT", "--startup", files.startup().toString(),
        "-R-Djava.awt.headless=true", "-R--add-exports=java.desktop/com.sun.media.sound=ALL-UNNAMED");
  }

  private static boolean isEdited(Path file, String notebookText) {
    try {
      return Files.exists(file) && !Files.readString(file).equals(notebookText);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  private static String slug(String title) {
    String slug = title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    return slug.isEmpty() ? "cell" : slug;
  }
}
