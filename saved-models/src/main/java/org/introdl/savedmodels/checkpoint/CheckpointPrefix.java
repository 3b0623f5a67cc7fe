package org.introdl.savedmodels.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.introdl.core.UserError;

/**
 * Where a checkpoint's files are, from what a user types: the prefix ({@code model.ckpt}), one of its files
 * ({@code model.ckpt.index}, {@code model.ckpt.meta}), or a folder holding exactly one {@code .index}. The
 * {@code checkpoint} text file is not trusted: Python writes absolute paths of the machine that trained.
 */
public record CheckpointPrefix(Path prefix) {
  public static CheckpointPrefix resolve(Path given) {
    if (Files.isDirectory(given)) {
      List<Path> indexes;
      try (Stream<Path> files = Files.list(given)) {
        indexes = files.filter(p -> p.getFileName().toString().endsWith(".index")).sorted().toList();
      } catch (IOException e) {
        throw UserError.inFile(given, "cannot list (" + e.getMessage() + ")");
      }
      if (indexes.size() != 1) {
        throw UserError.inFile(given, indexes.isEmpty() ? "no checkpoint (.index file) in this folder"
            : "holds several checkpoints; name one: " + String.join(", ",
                indexes.stream().map(p -> strip(p.getFileName().toString(), ".index")).toList()));
      }
      return new CheckpointPrefix(given.resolve(strip(indexes.get(0).getFileName().toString(), ".index")));
    }
    String name = given.getFileName() == null ? given.toString() : given.getFileName().toString();
    for (String suffix : List.of(".index", ".meta")) {
      if (name.endsWith(suffix)) {
        return new CheckpointPrefix(given.resolveSibling(strip(name, suffix)));
      }
    }
    if (name.matches(".*\\.data-\\d{5}-of-\\d{5}")) {
      return new CheckpointPrefix(given.resolveSibling(name.replaceAll("\\.data-\\d{5}-of-\\d{5}$", "")));
    }
    CheckpointPrefix p = new CheckpointPrefix(given);
    if (!Files.exists(p.index())) {
      throw UserError.inFile(given, "no checkpoint here (" + p.index().getFileName() + " not found)");
    }
    return p;
  }

  public Path index() {
    return sibling(".index");
  }

  public Path meta() {
    return sibling(".meta");
  }

  private Path sibling(String suffix) {
    return prefix.resolveSibling(prefix.getFileName() + suffix);
  }

  private static String strip(String s, String suffix) {
    return s.substring(0, s.length() - suffix.length());
  }
}
