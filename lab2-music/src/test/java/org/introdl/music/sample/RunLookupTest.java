package org.introdl.music.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.introdl.core.UserError;
import org.introdl.core.train.DataFingerprint;
import org.introdl.core.train.RunManifest;
import org.introdl.music.data.SongDataset;
import org.introdl.music.train.MusicRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What generate and export find from --checkpoint and --seed-song, and what they say when it is not there. */
class RunLookupTest {
  @TempDir Path tmp;

  @Test
  void aMissingSeedSongFailsWithTheClosestNames() {
    UserError e = assertThrows(UserError.class,
        () -> MusicGenerator.pickSeed(SongDataset.builtin(SongDataset.MIN_ROWS_DEFAULT), "Ode to Jy"));
    assertTrue(e.getMessage().startsWith("no song named 'Ode to Jy' in built-in public-domain melodies (closest: \"Ode"
        + " to Joy (Beethoven)\", "), e.getMessage());
  }

  @Test
  void withoutANameTheLabsSeedIsTakenOrTheFirstSongWithANote() {
    SongDataset builtin = SongDataset.builtin(SongDataset.MIN_ROWS_DEFAULT);
    MusicGenerator.Seed seed = MusicGenerator.pickSeed(builtin, null);
    assertEquals(builtin.songs().get(0), seed.song());
    assertTrue(seed.note().contains("\"How Deep Is Your Love - Chorus\" is not in built-in"), seed.note());
  }

  @Test
  void aCheckpointThatDoesNotExistOrIsOfTheOtherLabIsNamed() throws Exception {
    UserError missing = assertThrows(UserError.class,
        () -> MusicRun.locate(tmp.resolve("nonexistent"), "music generate"));
    assertEquals(tmp.resolve("nonexistent") + ": no such file or folder", missing.getMessage());

    Path xrayRun = tmp.resolve("xray-run");
    RunManifest.of("x-ray", java.util.Map.of("imageSize", 128), DataFingerprint.synthetic("phantoms", 1, 400))
        .write(java.nio.file.Files.createDirectories(xrayRun));
    UserError other = assertThrows(UserError.class, () -> MusicRun.locate(xrayRun, "music generate"));
    assertEquals(xrayRun.toAbsolutePath().normalize() + ": this is an x-ray run; `music generate` needs a music run",
        other.getMessage());
  }
}
