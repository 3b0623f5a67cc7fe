package org.introdl.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.introdl.core.testing.SharedFixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ./labs notebook lab2 --run --quick}: every cell runs. The 2018 notebook was saved without outputs, so no
 * printed value exists to compare with; what the cells print of the notebook's stated facts
 * ({@code shared/data/lab-reference/reference-outputs.json}: the 78 possible notes, hidden size, learning rate,
 * timesteps) is checked against them. And {@code --step}: an edited learning rate gives a new loss.
 */
class Lab2NotebookRunTest {
  private static final Pattern LOSS = Pattern.compile("loss (\\d+\\.\\d{3}) -> (\\d+\\.\\d{3})");
  private static NotebookRunner.Report report;
  private static JsonNode music;

  @BeforeAll
  static void runTheNotebook() throws IOException {
    music = new ObjectMapper().readTree(SharedFixtures.require("lab-reference/reference-outputs.json").toFile())
        .path("lab1_part2_music_rnn");
    report = QuickRuns.of(Notebook.Lab.lab2);
  }

  @Test
  void everyCellRunsOnTheQuickSettings() {
    report.runs().forEach(run -> assertEquals(Optional.empty(), run.failure()));
    assertTrue(report.passed());
    assertEquals(List.of(), music.path("printed_outputs").findValuesAsText("stdout"),
        "the 2018 notebook printed nothing: if the reference gains outputs, check them here");
    String song = QuickRuns.cell(report, "2.6 Generate a song").output();
    assertTrue(song.contains("Generated 500 notes after") && song.contains("gen_song_0.mid")
        && song.contains("base_song_0.mid"), song);
    assertEquals(music.path("generation").path("generated_steps").asInt(), 500);
  }

  @Test
  void theCellsPrintTheNotebooksStatedEncodingAndHyperparameters() {
    int notes = music.path("encoding").path("num_possible_notes").asInt();
    JsonNode hyper = music.path("hyperparameters");
    int hidden = hyper.path("hidden_size").asInt();
    int timesteps = hyper.path("timesteps").asInt();
    String encoded = QuickRuns.cell(report, "2.2 Encode the songs").output();
    assertTrue(encoded.contains(" rows x " + notes), encoded);
    String settings = QuickRuns.cell(report, "2.3 Hyperparameters").output();
    assertTrue(settings.contains("lr=" + hyper.path("learning_rate").asText() + ",")
        && settings.contains("hidden=" + hidden + ",") && settings.contains("timesteps=" + timesteps + ","), settings);
    String graph = QuickRuns.cell(report, "2.4 The notebook's graph").output();
    assertTrue(graph.contains("input_vec:  [-1, " + timesteps + ", " + notes + "]"), graph);
    assertTrue(graph.contains("weights:    [" + hidden + ", " + notes + "], biases: [" + notes + "]"), graph);
  }

  @Test
  void steppingWithTheLearningRateEditedShowsANewLossFromTheSameStart() {
    Notebook notebook = Notebook.load(Notebook.Lab.lab2);
    String hyperparameters = QuickRuns.cell(report, "2.3 Hyperparameters").cell().text();
    String edit = hyperparameters.replace(".withLr(0.001f)", ".withLr(0.01f)");
    assertNotEquals(hyperparameters, edit, "the cell no longer sets the rate with .withLr(0.001f): update the test");
    // Enter runs 2.2; e replaces 2.3 with the edit (typed, ending with a lone '.'); Enter runs 2.4 and 2.5; q quits.
    String keys = "\ne\n" + edit + "\n.\n\n\nq\n";
    ByteArrayOutputStream shown = new ByteArrayOutputStream();
    NotebookStepper.Steps steps = new NotebookStepper(notebook, new BufferedReader(new StringReader(keys)),
        new PrintStream(shown, true, StandardCharsets.UTF_8), Optional.empty()).step(true, Optional.empty());
    assertEquals(List.of("2.3 Hyperparameters"), steps.edited());
    String stepped = QuickRuns.cell(new NotebookRunner.Report(notebook, steps.runs()), "2.5 Train the LSTM").output();
    Matcher edited = loss(stepped);
    Matcher lab = loss(QuickRuns.cell(report, "2.5 Train the LSTM").output());
    assertEquals(lab.group(1), edited.group(1), "the loss before any update does not depend on the rate");
    assertNotEquals(lab.group(2), edited.group(2), "ten times the rate, another loss after the steps");
    assertTrue(shown.toString(StandardCharsets.UTF_8).contains("loss " + edited.group(1) + " -> " + edited.group(2)));
  }

  private static Matcher loss(String output) {
    Matcher m = LOSS.matcher(output);
    assertTrue(m.find(), output);
    return m;
  }
}
