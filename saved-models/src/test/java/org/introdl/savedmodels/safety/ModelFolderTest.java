package org.introdl.savedmodels.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.introdl.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model folder must hold its own files: a symbolic link anywhere in it, or the folder itself being one, would let
 * the loader read a file from elsewhere on the machine.
 */
class ModelFolderTest {
  @TempDir Path tmp;

  private Path model() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("model/variables"));
    Files.writeString(dir.resolve("variables.index"), "index");
    Files.writeString(tmp.resolve("model/saved_model.pb"), "");
    return tmp.resolve("model");
  }

  @Test
  void aLinkFiveLevelsDeepIsRefused() throws Exception {
    Path model = model();
    Path deep = Files.createDirectories(model.resolve("assets/a/b/c/d"));
    Path link = Files.createSymbolicLink(deep.resolve("secret"), tmp.resolve("model/variables/variables.index"));
    UserError e = assertThrows(UserError.class, () -> ModelFolder.requireScannable(model));
    assertTrue(e.getMessage().startsWith(link.toString()) && e.getMessage().contains("symbolic link"),
        e.getMessage());
    // The control: a walk four levels deep, as before, does not see it.
    try (Stream<Path> four = Files.walk(model, 4)) {
      assertFalse(four.anyMatch(Files::isSymbolicLink));
    }
  }

  @Test
  void aModelFolderThatIsItselfALinkIsRefused() throws Exception {
    Path link = Files.createSymbolicLink(tmp.resolve("linked"), model());
    UserError e = assertThrows(UserError.class, () -> ModelFolder.requireScannable(link));
    assertTrue(e.getMessage().contains("is a symbolic link;"), e.getMessage());
    assertThrows(UserError.class, () -> ModelFolder.requireScannable(link.resolve(".")));
    // The control: the folder it points to is fine, and so is the link's target named through "..".
    ModelFolder.requireScannable(tmp.resolve("model"));
    ModelFolder.requireScannable(tmp.resolve("model/variables/.."));
    assertEquals(java.util.Optional.empty(), ModelFolder.symbolicLink(tmp.resolve("model")));
  }
}
