package org.introdl.xray.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.introdl.core.testing.SharedFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of {@code ./labs data fetch xray} that need no network: the pinned list and the label lists. */
class NihFetchTest {
  @TempDir Path tmp;

  @Test
  void pinnedSourcesAreTheNihImagesAndTheThreeLabelLists() {
    List<NihFetch.Source> sources = NihFetch.readSources(SharedFixtures.require("chest-xray-nih/sources.csv"));
    assertEquals(131, sources.stream().filter(s -> s.kind().equals("image")).count());
    assertEquals(3, sources.stream().filter(s -> s.kind().equals("labels")).count());
    assertTrue(sources.stream().allMatch(s -> s.url().startsWith("https://") && s.sha256().matches("[0-9a-f]{64}")));
  }

  @Test
  void theBundledPinnedListIsTheSharedFixturesList() {
    assertEquals(NihFetch.readSources(SharedFixtures.require("chest-xray-nih/sources.csv")), NihFetch.pinnedSources());
  }

  @Test
  void labelListsBecomeNihFindingLabelsThatTheFolderReaderUnderstands() throws Exception {
    Path list = Files.writeString(tmp.resolve("test_list.txt"),
        "images/a.png 0 0 1 0 0 0 0 1 0 0 0 0 0 0\nb.png 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
    Map<String, String> findings = NihFetch.readLabelList(list);
    assertEquals("Effusion|Pneumothorax", findings.get("a.png"));
    assertEquals("No Finding", findings.get("b.png"));
  }
}
