package org.introdl.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The music and x-ray notebooks train, so CI compiles their cells instead of running them ({@code ./labs notebook
 * LAB --check}): a cell left behind by a change to the labs' classes fails here, naming the cell.
 */
class NotebookCompileTest {
  @Test
  void everyCellOfTheMusicAndXrayNotebooksCompiles() {
    assertEquals(Optional.empty(), NotebookRunner.compile(Notebook.load(Notebook.Lab.lab2)));
    assertEquals(Optional.empty(), NotebookRunner.compile(Notebook.load(Notebook.Lab.lab3)));
  }

  @Test
  void aCellCallingAMethodThatIsGoneIsNamed() {
    Notebook notebook = Notebook.parse(Notebook.Lab.lab2, "test.cells", """
        %% title Test
        %% imports
        import org.introdl.music.train.MusicSettings;
        %% code Settings
        MusicSettings settings = MusicSettings.lab();
        %% code Train
        settings = settings.withStepCount(3);
        """);
    String error = NotebookRunner.compile(notebook).orElseThrow();
    assertTrue(error.startsWith("lab2 cell 3 \"Train\" does not compile: cannot find symbol"), error);
  }
}
