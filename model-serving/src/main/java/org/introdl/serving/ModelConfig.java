package org.introdl.serving;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.introdl.core.safety.RunLimits;

/**
 * One served model, as TensorFlow Serving's {@code model_config} describes it: its name, its base path (numeric
 * version folders, or one SavedModel folder served as version 1), which versions to serve, labels naming versions,
 * and the safety limits its versions are loaded under ({@code allow_unsafe_ops}, the memory budget, the load time
 * limit).
 */
public record ModelConfig(String name, Path basePath, VersionPolicy policy, Map<String, Long> labels,
    RunLimits limits) {
  public ModelConfig {
    labels = Map.copyOf(labels);
  }

  /** Which of the version folders present are served. */
  public sealed interface VersionPolicy {
    /** The versions to serve among those present on disk that have not failed to load. */
    SortedSet<Long> choose(SortedSet<Long> candidates);

    /** The newest {@code count} versions (TF Serving's default, with count 1). */
    record Latest(int count) implements VersionPolicy {
      @Override
      public SortedSet<Long> choose(SortedSet<Long> candidates) {
        TreeSet<Long> chosen = new TreeSet<>();
        for (Long v : new TreeSet<>(candidates).descendingSet()) {
          if (chosen.size() == count) {
            break;
          }
          chosen.add(v);
        }
        return chosen;
      }
    }

    /** Every version present. */
    record All() implements VersionPolicy {
      @Override
      public SortedSet<Long> choose(SortedSet<Long> candidates) {
        return new TreeSet<>(candidates);
      }
    }

    /** Exactly these versions, when present. */
    record Specific(List<Long> versions) implements VersionPolicy {
      @Override
      public SortedSet<Long> choose(SortedSet<Long> candidates) {
        TreeSet<Long> chosen = new TreeSet<>(candidates);
        chosen.retainAll(versions);
        return chosen;
      }
    }
  }
}
