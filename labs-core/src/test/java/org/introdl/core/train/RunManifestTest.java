package org.introdl.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.introdl.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunManifestTest {
  @TempDir Path tmp;

  record Settings(int steps, int batch, float lr, String data) {
    Settings withSteps(int s) {
      return new Settings(s, batch, lr, data);
    }
  }

  @Test
  void aResumeTakesTheRecordedSettingsExceptTheGivenOnesWhichMustAgree() {
    RunManifest.of("music", new Settings(100, 64, 0.01f, "songs"), DataFingerprint.synthetic("g", 1, 3)).write(tmp);
    RunManifest m = RunManifest.read(tmp).orElseThrow();
    Settings defaults = new Settings(200, 256, 0.001f, null);
    assertEquals(new Settings(100, 64, 0.01f, "songs"), m.resumeSettings(defaults, Set.of(), tmp));
    assertEquals(new Settings(300, 64, 0.01f, "songs"), m.resumeSettings(defaults.withSteps(300), Set.of("steps"), tmp));
    assertEquals(new Settings(100, 64, 0.01f, "songs"),
        m.resumeSettings(new Settings(1, 64, 0.01f, "x"), Set.of("batch", "lr"), tmp), "equal values may be given");
    UserError lr = assertThrows(UserError.class,
        () -> m.resumeSettings(new Settings(100, 64, 0.02f, null), Set.of("lr"), tmp));
    assertEquals("--lr 0.02 differs from the run in " + tmp + " (--lr 0.01): resume without --lr, or start a new run"
        + " with another --out", lr.getMessage());
  }

  @Test
  void theDataMustBeTheSameAndTheLabTheOneAsked() {
    RunManifest m = RunManifest.of("music", new Settings(1, 1, 1f, null), DataFingerprint.synthetic("g", 1, 3));
    m.requireSameData(DataFingerprint.synthetic("g", 1, 3), tmp);
    assertThrows(UserError.class, () -> m.requireSameData(DataFingerprint.synthetic("g", 2, 3), tmp));
    UserError lab = assertThrows(UserError.class, () -> m.requireLab("x-ray", "x-ray", "xray cam", tmp));
    assertEquals(tmp + ": this is a music run; `xray cam` needs an x-ray run", lab.getMessage());
  }

  @Test
  void theManifestSaysHowTheRunWasMade() throws Exception {
    Path a = Files.writeString(tmp.resolve("a.mid"), "a");
    Path b = Files.writeString(tmp.resolve("b.mid"), "b");
    DataFingerprint files = DataFingerprint.ofFiles("songs", "midi folder", List.of(b, a));
    assertEquals(DataFingerprint.ofFiles("songs", "midi folder", List.of(a, b)), files, "name order, not given order");
    Files.writeString(b, "B");
    assertFalse(files.sameDataAs(DataFingerprint.ofFiles("songs", "midi folder", List.of(a, b))));
    RunManifest.of("music", new Settings(1, 2, 0.5f, null), files).write(tmp);
    String json = Files.readString(tmp.resolve(RunManifest.FILE));
    for (String field : List.of("\"lab\" : \"music\"", "\"batch\" : 2", "\"lr\" : 0.5", "\"sha256\"", "\"tensorflow\"",
        "\"project\"")) {
      assertTrue(json.contains(field), field + " in " + json);
    }
  }

  @Test
  void optionNamesAreTheKeysInKebabCase() {
    assertEquals("--checkpoint-every", RunManifest.optionName("checkpointEvery"));
    assertEquals("--lr", RunManifest.optionName("lr"));
  }
}
