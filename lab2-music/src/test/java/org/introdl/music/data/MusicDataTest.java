package org.introdl.music.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.introdl.core.io.Downloads;
import org.introdl.core.testing.SharedFixtures;
import org.junit.jupiter.api.Test;

class MusicDataTest {
  @Test
  void thePinnedListNamesThe88SongsWithTheirChecksums() {
    Path dir = SharedFixtures.require("music-midi-2018/data");
    List<MusicData.PinnedFile> pinned = MusicData.pinnedFiles();
    assertEquals(88, pinned.size());
    for (MusicData.PinnedFile f : pinned) {
      assertEquals(f.sha256(), Downloads.sha256Of(dir.resolve(f.name())), f.name());
    }
  }

  @Test
  void urlsPointAtThePinnedCommitWithNamesEscaped() {
    MusicData.PinnedFile f = new MusicData.PinnedFile("Baby I'm Yours - Chorus.midi", "0".repeat(64));
    assertEquals("https://raw.githubusercontent.com/aamini/introtodeeplearning_labs/"
        + "c7b3c0f5734a4dab11e1b37feb8f3c0afd73be88/lab1/data/Baby%20I%27m%20Yours%20-%20Chorus.midi", f.url());
  }

  @Test
  void theBuiltInCorpusIsLongEnoughForTheLabsWindows() {
    SongDataset d = SongDataset.builtin(SongDataset.MIN_ROWS_DEFAULT);
    assertEquals(18, d.report().kept());
    assertTrue(d.songs().stream().allMatch(s -> s.melody().length() >= BuiltinMelodies.MIN_ROWS));
    assertEquals(60, BuiltinMelodies.midiPitch("C4"));
    assertEquals(66, BuiltinMelodies.midiPitch("F#4"));
  }
}
