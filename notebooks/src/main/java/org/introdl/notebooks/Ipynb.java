package org.introdl.notebooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.introdl.core.io.AtomicFiles;

/**
 * A notebook as a Jupyter {@code .ipynb} file (nbformat 4.5) for a Java kernel (IJava, JJava: kernel name
 * {@code java}). Made from the same cell source as the JShell form. No outputs are stored: what the 2018 notebook
 * printed follows its code cell as a short text cell, so a student can compare after running the cell.
 */
public final class Ipynb {
  /** Where the generated files are kept in the repository, relative to its root. */
  public static final String FOLDER = "notebooks/ipynb";

  private static final ObjectMapper JSON = new ObjectMapper();

  private Ipynb() {}

  /** The {@code .ipynb} file name of a lab's notebook. */
  public static String fileName(Notebook.Lab lab) {
    return lab.fileName() + ".ipynb";
  }

  /** The notebook as {@code .ipynb} text: stable (same source, same bytes). */
  public static String render(Notebook notebook) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode cells = root.putArray("cells");
    int id = 0;
    for (Notebook.Cell cell : notebook.cells()) {
      String cellId = notebook.lab() + "-" + String.format(Locale.ROOT, "%02d", ++id);
      if (cell.isCode()) {
        addCode(cells, cellId, cell);
        if (!cell.printed().isEmpty()) {
          addMarkdown(cells, cellId + "-printed", "The 2018 notebook printed:\n\n```\n"
              + String.join("\n", cell.printed()) + "\n```");
        }
      } else {
        addMarkdown(cells, cellId, cell.text());
      }
    }
    ObjectNode metadata = root.putObject("metadata");
    ObjectNode kernel = metadata.putObject("kernelspec");
    kernel.put("display_name", "Java");
    kernel.put("language", "java");
    kernel.put("name", "java");
    ObjectNode language = metadata.putObject("language_info");
    language.put("codemirror_mode", "java");
    language.put("file_extension", ".jshell");
    language.put("mimetype", "text/x-java-source");
    language.put("name", "java");
    metadata.put("title", notebook.title());
    root.put("nbformat", 4);
    root.put("nbformat_minor", 5);
    // Jupyter's own layout: "key": value, one-space indent, {} and [] when empty.
    Separators separators = Separators.createDefaultInstance()
        .withObjectFieldValueSpacing(Separators.Spacing.AFTER).withObjectEmptySeparator("").withArrayEmptySeparator("");
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter(separators)
        .withObjectIndenter(new DefaultIndenter(" ", "\n"))
        .withArrayIndenter(new DefaultIndenter(" ", "\n"));
    try {
      return JSON.writer(printer).writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the notebook as JSON", e);
    }
  }

  /** Writes the lab's {@code .ipynb} into {@code folder} (atomically) and returns the file. */
  public static Path write(Notebook notebook, Path folder) {
    Path file = folder.resolve(fileName(notebook.lab()));
    AtomicFiles.writeString(file, render(notebook));
    return file;
  }

  private static void addCode(ArrayNode cells, String id, Notebook.Cell cell) {
    ObjectNode node = cells.addObject();
    node.put("cell_type", "code");
    node.putNull("execution_count");
    node.put("id", id);
    node.putObject("metadata");
    node.putArray("outputs");
    putSource(node, "// " + cell.title() + "\n" + cell.text());
  }

  private static void addMarkdown(ArrayNode cells, String id, String text) {
    ObjectNode node = cells.addObject();
    node.put("cell_type", "markdown");
    node.put("id", id);
    node.putObject("metadata");
    putSource(node, text);
  }

  /** Jupyter's multi-line string: one array item per line, each but the last ending in a newline. */
  private static void putSource(ObjectNode node, String text) {
    ArrayNode source = node.putArray("source");
    List<String> lines = List.of(text.split("\n", -1));
    for (int i = 0; i < lines.size(); i++) {
      source.add(i < lines.size() - 1 ? lines.get(i) + "\n" : lines.get(i));
    }
  }
}
