package org.introdl.exercises;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.introdl.exercises.grading.Lab;
import org.introdl.exercises.grading.Task;
import org.introdl.exercises.workspace.SourceEditor;
import org.junit.jupiter.api.Test;

class SourceEditorTest {
  private static final String SOURCE = """
      class A {
        // rnn( in a comment { does not count
        static String note = "rnn() { not code }";
        static char brace = '{';
        /** rnn(x) { in Javadoc } */
        static int rnn(int x) {
          if (x > 0) { return "}".length(); }
          return '}';
        }
        static int other() { return rnn(1); }
      }
      """;

  @Test
  void findsTheMethodBodyPastCommentsStringsAndChars() {
    assertEquals("if (x > 0) { return \"}\".length(); }\nreturn '}';", SourceEditor.statements(SOURCE, "rnn"));
    String replaced = SourceEditor.replaceBody(SOURCE, "rnn", "return 7;");
    assertTrue(replaced.contains("static int rnn(int x) {\n    return 7;\n  }\n  static int other()"), replaced);
    assertEquals(SourceEditor.State.MISSING, SourceEditor.state(SOURCE, "missing"));
  }

  @Test
  void everyTaskFileHasEachTaskAsATodoWithTheNotebooksText() {
    for (Lab lab : Exercises.labs()) {
      String template = Exercises.templateSource(lab);
      for (Task task : lab.tasks()) {
        assertEquals(SourceEditor.State.TODO, SourceEditor.state(template, task.name()), task.name());
        assertEquals(3, task.hints().size(), task.name());
        int method = template.indexOf(" " + task.name() + "(");
        String betweenJavadocAndMethod = template.substring(template.lastIndexOf("*/", method) + 2, method);
        assertTrue(!betweenJavadocAndMethod.contains("}") && !betweenJavadocAndMethod.contains(";"), task.name()
            + " has no Javadoc right above it");
        assertTrue(template.substring(template.lastIndexOf("/**", method), method).contains("\""),
            task.name() + "'s Javadoc quotes no notebook text");
      }
      String solved = template;
      for (Task task : lab.tasks()) {
        solved = SourceEditor.replaceBody(solved, task.name(), SourceEditor.SOLVED_MARK + "\n"
            + SourceEditor.statements(Exercises.referenceSource(lab), task.name()));
        assertEquals(SourceEditor.State.REFERENCE, SourceEditor.state(solved, task.name()));
      }
    }
  }
}
