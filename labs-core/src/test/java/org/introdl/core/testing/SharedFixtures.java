package org.introdl.core.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.introdl.core.LabPaths;

/**
 * The real fixtures in {@code ../shared/data}. Where they are absent a test is skipped with a message saying so,
 * except on CI ({@code CI=true}), where a missing fixture is a failure: CI always has them.
 */
public final class SharedFixtures {
  private SharedFixtures() {}

  /** The fixture at {@code relative} under {@code shared/data}; skips (or fails on CI) when it is missing. */
  public static Path require(String relative) {
    Optional<Path> root = LabPaths.sharedData();
    Path path = root.map(r -> r.resolve(relative)).orElse(null);
    if (path != null && Files.exists(path)) {
      return path;
    }
    String message = "fixture shared/data/" + relative + " is missing (expected beside the checkout, or set "
        + LabPaths.SHARED_ENV + ")";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message);
    }
    assumeTrue(false, message + ": test skipped");
    return path;
  }
}
