package org.introdl.notebooks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One lab as a notebook, read from its cell source ({@code <lab>.cells} beside this class): the one source from which
 * the JShell form and the {@code .ipynb} form are both made, so the two cannot drift.
 *
 * <p>The cell source is plain text. A line starting with {@code %%} opens a block; everything up to the next such line
 * is the block's text:
 * <pre>
 * %% title Lab 1 Part 1: ...          the notebook's title
 * %% from lab1/Lab1_Part1-Solutions.ipynb   the 2018 notebook it follows
 * %% markdown                          a text cell
 * %% imports                           the lab's imports (loaded first, in JShell and in Jupyter)
 * %% code [4] 1.1 Computation graph    a code cell; [4] is the 2018 notebook's cell index, when it printed something
 * %% printed                           what the 2018 notebook printed under the code cell above, verbatim
 * </pre>
 */
public record Notebook(Lab lab, String title, String from, List<Cell> cells) {
  /** The three labs, by the name {@code ./labs notebook} takes. */
  public enum Lab {
    lab1("lab1-basics"),
    lab2("lab2-music"),
    lab3("lab3-xray");

    private final String fileName;

    Lab(String fileName) {
      this.fileName = fileName;
    }

    /** The base name of the cell source and of the generated {@code .ipynb}. */
    public String fileName() {
      return fileName;
    }
  }

  /** A cell: text, or code (with its title, its 2018 cell index if known, and what the 2018 notebook printed). */
  public record Cell(Kind kind, String title, Optional<Integer> notebookCell, String text, List<String> printed) {
    public enum Kind { MARKDOWN, IMPORTS, CODE }

    public boolean isCode() {
      return kind != Kind.MARKDOWN;
    }
  }

  public Notebook {
    cells = List.copyOf(cells);
  }

  /** The code cells (imports included), in order. */
  public List<Cell> codeCells() {
    return cells.stream().filter(Cell::isCode).toList();
  }

  /** The lab's notebook, from the cell source shipped with this module. */
  public static Notebook load(Lab lab) {
    String resource = lab.fileName() + ".cells";
    try (InputStream in = Notebook.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the cell source " + resource + " is missing from the notebooks module");
      }
      return parse(lab, resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource + ": " + e.getMessage(), e);
    }
  }

  /** Parses a cell source; {@code name} is used in the one-line errors. */
  public static Notebook parse(Lab lab, String name, String source) {
    return new CellSourceParser(name).parse(lab, source);
  }

  /** Collects the blocks of a cell source into cells. */
  private static final class CellSourceParser {
    private final String name;
    private String title;
    private String from = "";
    private final List<Cell> cells = new ArrayList<>();
    private String directive;
    private int directiveLine;
    private final List<String> body = new ArrayList<>();

    CellSourceParser(String name) {
      this.name = name;
    }

    Notebook parse(Lab lab, String source) {
      String[] lines = source.split("\r?\n", -1);
      for (int i = 0; i < lines.length; i++) {
        if (lines[i].startsWith("%%")) {
          close();
          directive = lines[i].substring(2).trim();
          directiveLine = i + 1;
        } else if (directive == null && !lines[i].isBlank()) {
          throw error(i + 1, "text before the first %% line");
        } else {
          body.add(lines[i]);
        }
      }
      close();
      if (title == null) {
        throw error(1, "no '%% title' line");
      }
      return new Notebook(lab, title, from, cells);
    }

    private void close() {
      if (directive == null) {
        return;
      }
      String text = trimmedBody();
      String word = directive.split("\\s+", 2)[0];
      String rest = directive.substring(word.length()).trim();
      switch (word) {
        case "title" -> title = rest;
        case "from" -> from = rest;
        case "markdown" -> cells.add(new Cell(Cell.Kind.MARKDOWN, "", Optional.empty(), text, List.of()));
        case "imports" -> cells.add(new Cell(Cell.Kind.IMPORTS, "Imports", Optional.empty(), text, List.of()));
        case "code" -> cells.add(codeCell(rest, text));
        case "printed" -> attachPrinted(text);
        default -> throw error(directiveLine, "unknown block '%% " + word + "' (title, from, markdown, imports, code,"
            + " printed)");
      }
      directive = null;
      body.clear();
    }

    private Cell codeCell(String header, String text) {
      Optional<Integer> notebookCell = Optional.empty();
      String cellTitle = header;
      if (header.startsWith("[")) {
        int close = header.indexOf(']');
        try {
          notebookCell = Optional.of(Integer.parseInt(header.substring(1, close)));
        } catch (RuntimeException e) {
          throw error(directiveLine, "'" + header + "' does not start with a cell index like [4]");
        }
        cellTitle = header.substring(close + 1).trim();
      }
      if (cellTitle.isEmpty()) {
        throw error(directiveLine, "a code cell needs a title");
      }
      return new Cell(Cell.Kind.CODE, cellTitle, notebookCell, text, List.of());
    }

    private void attachPrinted(String text) {
      if (cells.isEmpty() || cells.get(cells.size() - 1).kind() != Cell.Kind.CODE) {
        throw error(directiveLine, "'%% printed' must follow a code cell");
      }
      Cell code = cells.remove(cells.size() - 1);
      cells.add(new Cell(code.kind(), code.title(), code.notebookCell(), code.text(), List.of(text.split("\n"))));
    }

    private String trimmedBody() {
      int end = body.size();
      while (end > 0 && body.get(end - 1).isBlank()) {
        end--;
      }
      int start = 0;
      while (start < end && body.get(start).isBlank()) {
        start++;
      }
      return String.join("\n", body.subList(start, end));
    }

    private IllegalArgumentException error(int line, String what) {
      return new IllegalArgumentException(name + ":" + line + ": " + what);
    }
  }
}
