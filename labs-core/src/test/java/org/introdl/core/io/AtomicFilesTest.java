package org.introdl.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.introdl.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void aWriterThatFailsLeavesTheOldFileAndNoTemporaryBehind() throws IOException {
    Path target = dir.resolve("song.mid");
    AtomicFiles.writeString(target, "old");
    assertThrows(UserError.class, () -> AtomicFiles.write(target, out -> {
      out.write("half of the new".getBytes());
      throw new IOException("disk full");
    }));
    assertEquals("old", Files.readString(target));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void anUnwritableFolderIsAClearError() throws IOException {
    Path file = dir.resolve("a-file");
    Files.writeString(file, "x");
    UserError e = assertThrows(UserError.class, () -> AtomicFiles.requireWritableDir(file.resolve("sub")));
    assertEquals(true, e.getMessage().startsWith(file.resolve("sub").toString()));
  }

  @Test
  void deleteTreeRemovesAFolderWithEverythingInItAndAcceptsAbsentPaths() throws IOException {
    Path run = Files.createDirectories(dir.resolve("run/checkpoints/step-000001"));
    Files.writeString(run.resolve("model.index"), "x");
    AtomicFiles.deleteTree(dir.resolve("run"));
    assertEquals(false, Files.exists(dir.resolve("run")));
    AtomicFiles.deleteTree(dir.resolve("never-there"));
  }
}
