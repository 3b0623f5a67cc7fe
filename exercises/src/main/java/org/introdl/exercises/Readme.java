package org.introdl.exercises;

import java.nio.file.Path;
import org.introdl.exercises.grading.Lab;
import org.introdl.exercises.grading.Task;

/** The README that {@code start} writes beside a lab's task file. */
final class Readme {
  private Readme() {}

  static String of(Lab lab, Path workspace) {
    StringBuilder out = new StringBuilder();
    out.append("# ").append(lab.title()).append(": exercises\n\n")
        .append("Edit `").append(lab.fileName()).append("`: each task is one method whose body throws a TODO. Replace ")
        .append("the throw with your code, in the notebook's order. The text above each method is the notebook's.\n\n")
        .append("From the repository of the labs:\n\n```\n")
        .append("./labs exercises check ").append(workspace).append("                 # every task: passed or what is wrong\n")
        .append("./labs exercises check ").append(workspace).append(" --task TASK     # one task\n")
        .append("./labs exercises hint ").append(workspace).append(" TASK             # one more hint each time\n")
        .append("./labs exercises solve ").append(workspace).append(" TASK            # the reference solution (marked as such)\n")
        .append("```\n\n## Tasks\n\n");
    for (Task task : lab.tasks()) {
      out.append("- `").append(task.name()).append("`: ").append(task.summary()).append('\n');
    }
    String plug = switch (lab.id()) {
      case "lab2" -> "\nWhen `rnn` and `sampleNextNote` pass, train your own network and hear it:\n\n```\n"
          + "./labs music train --exercises " + workspace + " --out out/my-music\n"
          + "./labs music generate --exercises " + workspace + " --checkpoint out/my-music\n```\n";
      case "lab3" -> "\nWhen the three tasks pass, draw the lab's maps with your code:\n\n```\n"
          + "./labs xray cam --exercises " + workspace + " --checkpoint out/xray-train\n```\n";
      default -> "";
    };
    return out.append(plug).toString();
  }
}
