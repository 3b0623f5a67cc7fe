package org.introdl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages of every module depend on each other one way: a package that reaches itself again through others
 * (a cycle) cannot be read, tested or moved on its own. Dependencies are read from the sources: each class of the
 * project that a file's code names by its full name (imports included).
 */
class PackageCyclesTest {
  private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
  private static final Pattern PROJECT_NAME = Pattern.compile("\\b(org\\.introdl(?:\\.[a-z]\\w*)+)\\.([A-Z]\\w*)");
  private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);
  @Test
  void noPackageOfTheProjectReachesItselfThroughOthers() throws IOException {
    Map<String, Set<String>> uses = packageGraph(Path.of("..").toAbsolutePath().normalize());
    assertEquals(List.of(), cycles(uses), "package cycles");
  }

  @Test
  void aCycleThroughThreePackagesIsFound() {
    Map<String, Set<String>> uses = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a", "d"),
        "d", Set.of());
    assertEquals(List.of(new TreeSet<>(List.of("a", "b", "c"))), cycles(uses));
  }

  /** Package -> the project's packages its main sources name. */
  private static Map<String, Set<String>> packageGraph(Path repo) throws IOException {
    Map<String, Set<String>> uses = new TreeMap<>();
    List<Path> sources;
    try (Stream<Path> files = Files.walk(repo)) {
      sources = files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/"))
          .filter(p -> !p.toString().contains("/target/")).toList();
    }
    for (Path source : sources) {
      // Code and imports, not comments: a Javadoc link to another package is no dependency.
      String text = COMMENT.matcher(read(source)).replaceAll("");
      Matcher pkg = PACKAGE.matcher(text);
      if (!pkg.find()) {
        continue;
      }
      Set<String> targets = uses.computeIfAbsent(pkg.group(1), k -> new TreeSet<>());
      Matcher name = PROJECT_NAME.matcher(text);
      while (name.find()) {
        if (!name.group(1).equals(pkg.group(1))) {
          targets.add(name.group(1));
        }
      }
    }
    uses.values().forEach(targets -> targets.retainAll(uses.keySet()));
    return uses;
  }

  /** The strongly connected components with more than one package (Tarjan's algorithm). */
  static List<Set<String>> cycles(Map<String, Set<String>> uses) {
    var search = new Object() {
      final Map<String, Integer> index = new HashMap<>();
      final Map<String, Integer> low = new HashMap<>();
      final List<String> stack = new ArrayList<>();
      final List<Set<String>> found = new ArrayList<>();

      void visit(String v) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.add(v);
        for (String w : uses.getOrDefault(v, Set.of())) {
          if (!index.containsKey(w)) {
            visit(w);
            low.put(v, Math.min(low.get(v), low.get(w)));
          } else if (stack.contains(w)) {
            low.put(v, Math.min(low.get(v), index.get(w)));
          }
        }
        if (low.get(v).equals(index.get(v))) {
          Set<String> component = new TreeSet<>();
          String w;
          do {
            w = stack.remove(stack.size() - 1);
            component.add(w);
          } while (!w.equals(v));
          if (component.size() > 1) {
            found.add(component);
          }
        }
      }
    };
    new TreeSet<>(uses.keySet()).forEach(v -> {
      if (!search.index.containsKey(v)) {
        search.visit(v);
      }
    });
    return search.found;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
