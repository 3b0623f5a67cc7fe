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
import jdk.jshell.tool.JavaShellToolBuilder;
import org.introdl.core.io.AtomicFiles;

/**
 * {@code ./labs notebook LAB}: the JDK's own {@code jshell} tool with the labs and TensorFlow Java on its class path,
 * the lab's imports loaded, and each code cell written as a snippet file to {@code /open}, in order. A student edits
 * a cell file (or types a changed line) and opens it again to see the new output.
 */
public final class NotebookShell {
  private NotebookShell() {}

  /** The cell files made for a session: the startup (imports and settings) and one file per code cell. */
  public record CellFiles(Path folder, Path startup, List<Path> cells) {}

  /** Writes the startup and one {@code .jsh} file per code cell of {@code notebook} into {@code folder}. */
  public static CellFiles writeCells(Notebook notebook, Path folder, boolean quick) {
    AtomicFiles.requireWritableDir(folder);
    StringBuilder startup = new StringBuilder();
    startup.append("// ").append(notebook.title()).append(": imports and settings, loaded at start\n");
    startup.append("System.setProperty(\"").append(NotebookSettings.QUICK).append("\", \"").append(quick)
        .append("\");\n");
    List<Path> cells = new ArrayList<>();
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
      AtomicFiles.writeString(file, "// " + cell.title() + "\n" + cell.text() + "\n" + printed);
      cells.add(file);
    }
    Path startupFile = folder.resolve("00-startup.jsh");
    AtomicFiles.writeString(startupFile, startup.toString());
    return new CellFiles(folder, startupFile, cells);
  }

  /** Opens jshell on the cells; returns its exit code when the student types {@code /exit}. */
  public static int open(Notebook notebook, boolean quick, PrintStream out) {
    Path folder;
    try {
      folder = Files.createTempDirectory("introdl-" + notebook.lab() + "-cells");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CellFiles files = writeCells(notebook, folder, quick);
    out.println(notebook.title());
    out.println("The lab's imports are loaded. Run the cells in order (edit a file and /open it again to re-run):");
    files.cells().forEach(cell -> out.println("  /open " + cell));
    out.println("Or type Java directly; /list shows what ran, /exit leaves.");
    try {
      return JavaShellToolBuilder.builder().start(toolArguments(files).toArray(String[]::new));
    } catch (Exception e) {
      throw new IllegalStateException("jshell did not start: " + e.getMessage(), e);
    } finally {
      AtomicFiles.deleteTreeQuietly(folder);
    }
  }

  /** jshell's arguments: this JVM's class path, its default startup plus the lab's, and a headless runtime. */
  static List<String> toolArguments(CellFiles files) {
    return List.of("--class-path", String.join(File.pathSeparator, NotebookRunner.classPath()),
        "--startup", "DEFAULT", "--startup", files.startup().toString(),
        "-R-Djava.awt.headless=true", "-R--add-exports=java.desktop/com.sun.media.sound=ALL-UNNAMED");
  }

  private static String slug(String title) {
    String slug = title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    return slug.isEmpty() ? "cell" : slug;
  }
}
