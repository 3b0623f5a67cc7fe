package org.introdl.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.introdl.core.LabPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The committed {@code .ipynb} files are what the cell sources make today, and they are valid nbformat 4.5 notebooks
 * for a Java kernel (validated with a JSON Schema library against the structure of Jupyter's published schema).
 */
class IpynbTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @EnumSource(Notebook.Lab.class)
  void theCommittedNotebookIsTheOneTheCellSourceMakes(Notebook.Lab lab) throws IOException {
    Path committed = committedFolder().resolve(Ipynb.fileName(lab));
    assertTrue(Files.exists(committed), committed + " is missing: ./labs notebook " + lab + " --ipynb " + Ipynb.FOLDER);
    assertEquals(Ipynb.render(Notebook.load(lab)), Files.readString(committed, StandardCharsets.UTF_8),
        committed + " differs from its cell source: regenerate it with ./labs notebook " + lab + " --ipynb "
            + Ipynb.FOLDER);
  }

  @ParameterizedTest
  @EnumSource(Notebook.Lab.class)
  void theNotebookIsAValidNbformat4NotebookForAJavaKernel(Notebook.Lab lab) throws IOException {
    JsonNode notebook = JSON.readTree(Ipynb.render(Notebook.load(lab)));
    assertEquals(Set.of(), schema().validate(notebook));
    assertEquals("java", notebook.path("metadata").path("kernelspec").path("language").asText());
    assertEquals("java", notebook.path("metadata").path("language_info").path("name").asText());
  }

  @Test
  void theSchemaRejectsABrokenNotebook() throws IOException {
    JsonNode valid = JSON.readTree(Ipynb.render(Notebook.load(Notebook.Lab.lab1)));
    ObjectNode noExecutionCount = valid.deepCopy();
    ((ObjectNode) firstCode(noExecutionCount)).remove("execution_count");
    assertFalse(schema().validate(noExecutionCount).isEmpty(), "a code cell without execution_count");
    ObjectNode badId = valid.deepCopy();
    ((ObjectNode) badId.path("cells").get(0)).put("id", "cell one");
    assertFalse(schema().validate(badId).isEmpty(), "a cell id with a space");
    ObjectNode oldFormat = valid.deepCopy();
    oldFormat.put("nbformat", 3);
    assertFalse(schema().validate(oldFormat).isEmpty(), "nbformat 3");
  }

  @Test
  void eachCodeCellIsTheCellSourcesCodeUnderItsTitle() throws IOException {
    Notebook source = Notebook.load(Notebook.Lab.lab2);
    JsonNode notebook = JSON.readTree(Ipynb.render(source));
    List<String> codeCells = new ArrayList<>();
    for (JsonNode cell : notebook.path("cells")) {
      if (cell.path("cell_type").asText().equals("code")) {
        StringBuilder text = new StringBuilder();
        cell.path("source").forEach(line -> text.append(line.asText()));
        codeCells.add(text.toString());
      }
    }
    assertEquals(source.codeCells().stream().map(c -> "// " + c.title() + "\n" + c.text()).toList(), codeCells);
  }

  private static Path committedFolder() {
    return LabPaths.repoRoot().resolve(Ipynb.FOLDER);
  }

  private static JsonNode firstCode(JsonNode notebook) {
    for (JsonNode cell : notebook.path("cells")) {
      if (cell.path("cell_type").asText().equals("code")) {
        return cell;
      }
    }
    throw new AssertionError("no code cell");
  }

  private static JsonSchema schema() throws IOException {
    try (InputStream in = IpynbTest.class.getResourceAsStream("nbformat-v4.5-subset.schema.json")) {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(JSON.readTree(in));
    }
  }
}
