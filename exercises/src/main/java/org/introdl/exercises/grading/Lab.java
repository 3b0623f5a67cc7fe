package org.introdl.exercises.grading;

import java.util.List;
import java.util.Optional;

/**
 * One lab's exercises: its id ({@code lab1}), title, the Java file students edit (a class in the default package) and
 * its tasks in notebook order.
 */
public record Lab(String id, String title, String className, List<Task> tasks) {
  public String fileName() {
    return className + ".java";
  }

  public Optional<Task> task(String name) {
    return tasks.stream().filter(t -> t.name().equals(name)).findFirst();
  }
}
