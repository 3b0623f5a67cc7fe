package org.introdl.basics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.introdl.core.testing.SharedFixtures;

/** What the 2018 notebook printed, read from {@code shared/data/lab-reference/reference-outputs.json}. */
final class NotebookReference {
  private NotebookReference() {}

  /** The stdout of notebook cell {@code cell}, split into lines. */
  static List<String> printed(int cell) {
    Path json = SharedFixtures.require("lab-reference/reference-outputs.json");
    try {
      JsonNode outputs = new ObjectMapper().readTree(json.toFile()).path("lab1_part1_tf_basics").path("printed_outputs");
      for (JsonNode output : outputs) {
        if (output.path("cell").asInt() == cell) {
          return output.path("stdout").asText().lines().toList();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new AssertionError("no printed output for cell " + cell + " in " + json);
  }
}
