package org.introdl.savedmodels.repair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.introdl.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A repaired model's copy of the original folder never follows a symbolic link. */
class CopyTreeTest {
  @TempDir Path tmp;

  @Test
  void aLinkInTheFolderIsRefusedNotCopiedThrough() throws Exception {
    Path secret = Files.writeString(tmp.resolve("secret.txt"), "40");
    Path assets = Files.createDirectories(tmp.resolve("model/assets/a/b/c/d/e"));
    Files.writeString(tmp.resolve("model/assets/vocab.txt"), "words");
    Path link = Files.createSymbolicLink(assets.resolve("stolen.txt"), secret);
    UserError e = assertThrows(UserError.class, () -> RepairedModel.copyTree(tmp.resolve("model/assets"),
        tmp.resolve("copy")));
    assertTrue(e.getMessage().startsWith(link.toString()) && e.getMessage().contains("symbolic link"),
        e.getMessage());
    assertFalse(Files.exists(tmp.resolve("copy/a/b/c/d/e/stolen.txt")));
    // The control: a copy that follows the link puts the secret into the output as a plain file.
    Path followed = tmp.resolve("followed.txt");
    Files.copy(link, followed);
    assertFalse(Files.isSymbolicLink(followed));
    assertEquals("40", Files.readString(followed));
    // Without the link, the tree is copied as it is.
    Files.delete(link);
    RepairedModel.copyTree(tmp.resolve("model/assets"), tmp.resolve("copy"));
    assertEquals("words", Files.readString(tmp.resolve("copy/vocab.txt")));
    assertTrue(Files.isDirectory(tmp.resolve("copy/a/b/c/d/e")));
  }
}
