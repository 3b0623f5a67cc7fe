package org.introdl.music.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.introdl.core.UserError;

/** A melody matrix as CSV: one row per line, 78 comma-separated 0/1 values. */
final class MelodyCsv {
  private MelodyCsv() {}

  static Melody read(Path file) {
    List<Integer> notes = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        if (notes.size() >= NoteStateMatrix.MAX_ROWS) {
          throw UserError.inFile(file, "more than " + NoteStateMatrix.MAX_ROWS + " rows");
        }
        String[] cells = line.split(",", -1);
        if (cells.length != Melody.NOTE_COUNT) {
          throw UserError.inFile(file, "line " + lineNo + " has " + cells.length + " values, expected " + Melody.NOTE_COUNT);
        }
        int note = Melody.REST;
        for (int c = 0; c < cells.length; c++) {
          double v;
          try {
            v = Double.parseDouble(cells[c].trim());
          } catch (NumberFormatException e) {
            throw UserError.inFile(file, "line " + lineNo + ": '" + cells[c].trim() + "' is not a number");
          }
          if (v == 1 && note == Melody.REST) {
            note = c;
          } else if (v != 0) {
            throw UserError.inFile(file, "line " + lineNo + " is not one-hot");
          }
        }
        notes.add(note);
      }
    } catch (IOException e) {
      throw UserError.inFile(file, "cannot read (" + e.getMessage() + ")");
    }
    return new Melody(notes.stream().mapToInt(Integer::intValue).toArray());
  }
}
