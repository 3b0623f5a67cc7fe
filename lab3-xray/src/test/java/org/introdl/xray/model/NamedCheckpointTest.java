package org.introdl.xray.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.introdl.core.UserError;
import org.introdl.core.train.DataFingerprint;
import org.introdl.core.train.RunManifest;
import org.introdl.xray.data.XrayConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What --checkpoint may name, on folders laid out as a training run leaves them (the files' contents unread). */
class NamedCheckpointTest {
  @TempDir Path tmp;

  @Test
  void aPrefixOutsideAnyRunIsThePythonLabsReadAt256Pixels() throws IOException {
    Path prefix = checkpointFiles(tmp.resolve("saved_model"), "model.ckpt");
    assertEquals(new NamedCheckpoint(prefix, XrayConstants.LAB_IMAGE_SIZE), NamedCheckpoint.locate(prefix, "xray eval"));
  }

  @Test
  void aRunItsCheckpointsOrOneStepGiveThatCheckpointAndTheRunsImageSize() throws IOException {
    Path run = run(XrayConstants.LAB, 48);
    Path older = checkpointFiles(run.resolve("checkpoints/step-000002"), "model");
    Path newest = checkpointFiles(run.resolve("checkpoints/step-000010"), "model");
    assertEquals(new NamedCheckpoint(newest, 48), NamedCheckpoint.locate(run, "xray eval"));
    assertEquals(new NamedCheckpoint(newest, 48), NamedCheckpoint.locate(run.resolve("checkpoints"), "xray eval"));
    assertEquals(new NamedCheckpoint(older, 48),
        NamedCheckpoint.locate(run.resolve("checkpoints/step-000002"), "xray eval"));
    assertEquals(new NamedCheckpoint(older, 48), NamedCheckpoint.locate(older, "xray eval"));
  }

  @Test
  void anotherLabsRunOrAFolderWithoutCheckpointIsOneLine() throws IOException {
    Path music = run("music", 64);
    checkpointFiles(music.resolve("checkpoints/step-000001"), "model");
    UserError e = assertThrows(UserError.class, () -> NamedCheckpoint.locate(music, "xray cam"));
    assertTrue(e.getMessage().contains("music") && e.getMessage().contains("xray cam"), e.getMessage());
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    e = assertThrows(UserError.class, () -> NamedCheckpoint.locate(empty, "xray eval"));
    assertTrue(e.getMessage().startsWith(empty.toString()) && e.getMessage().contains("no checkpoint here"),
        e.getMessage());
  }

  private Path run(String lab, int imageSize) {
    Path dir = tmp.resolve(lab + "-run");
    RunManifest.of(lab, java.util.Map.of("imageSize", imageSize), DataFingerprint.synthetic("test", 1, 1)).write(dir);
    return dir;
  }

  private static Path checkpointFiles(Path folder, String name) throws IOException {
    Files.createDirectories(folder);
    Files.writeString(folder.resolve(name + ".index"), "");
    return folder.resolve(name);
  }
}
