package org.introdl.exercises;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.introdl.core.UserError;
import org.introdl.core.cli.Suggestions;
import org.introdl.exercises.grading.Lab;
import org.introdl.exercises.grading.Task;
import org.introdl.exercises.lab1.Lab1Exercises;
import org.introdl.exercises.lab2.Lab2Exercises;
import org.introdl.exercises.lab3.Lab3Exercises;

/** The three labs' exercises, in course order, and their reference sources (shipped as resources). */
public final class Exercises {
  private static final List<Lab> LABS = List.of(Lab1Exercises.lab(), Lab2Exercises.lab(), Lab3Exercises.lab());

  private Exercises() {}

  public static List<Lab> labs() {
    return LABS;
  }

  /** A lab by id ({@code lab1}), number ({@code 1}) or the lab's command name ({@code basics}, {@code music}, {@code xray}). */
  public static Lab lab(String name) {
    String key = name.toLowerCase(Locale.ROOT).strip();
    String id = switch (key) {
      case "1", "basics" -> "lab1";
      case "2", "music" -> "lab2";
      case "3", "xray" -> "lab3";
      default -> key;
    };
    return LABS.stream().filter(l -> l.id().equals(id)).findFirst().orElseThrow(() -> new UserError(
        "no lab '" + name + "': choose lab1 (basics), lab2 (music) or lab3 (xray)"));
  }

  /** The lab that has a task of this name. */
  public static Optional<Lab> labOfTask(String task) {
    return LABS.stream().filter(l -> l.task(task).isPresent()).findFirst();
  }

  public static Task task(String name) {
    return labOfTask(name).flatMap(l -> l.task(name)).orElseThrow(() -> noSuchTask(name));
  }

  /** "no task 'rnnn'; did you mean 'rnn'?", or the list of tasks when none is near. */
  public static UserError noSuchTask(String name) {
    List<String> names = LABS.stream().flatMap(l -> l.tasks().stream()).map(Task::name).toList();
    List<String> near = Suggestions.closest(name, names);
    return new UserError("no task '" + name + "'; " + (near.isEmpty() ? "the tasks are: " + String.join(", ", names)
        : "did you mean " + String.join(" or ", near.stream().map(n -> "'" + n + "'").toList()) + "?"));
  }

  /** The lab's complete reference file: every task solved. */
  public static String referenceSource(Lab lab) {
    String resource = lab.id() + "/" + lab.fileName();
    try (InputStream in = Exercises.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The task file a student starts from: the reference with each task's body replaced by its TODO. */
  public static String templateSource(Lab lab) {
    String source = referenceSource(lab);
    for (Task task : lab.tasks()) {
      source = org.introdl.exercises.workspace.SourceEditor.replaceBody(source, task.name(),
          org.introdl.exercises.workspace.SourceEditor.todoBody(task.name(), task.summary()));
    }
    return source;
  }
}
