package org.introdl.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where things live: the repository, the shared fixtures beside it, the download cache and the default output
 * folder. Each can be moved with an environment variable so that nothing is hard-wired to one machine.
 */
public final class LabPaths {
  /** Environment variable: folder for downloaded data (default {@code ~/.cache/introdl}). */
  public static final String CACHE_ENV = "INTRODL_CACHE";
  /** Environment variable: the {@code shared/data} folder with the real fixtures (default {@code ../shared/data}). */
  public static final String SHARED_ENV = "INTRODL_SHARED_DATA";

  private LabPaths() {}

  /** The repository root: the system property set by the build and the launcher, else the working directory. */
  public static Path repoRoot() {
    String fromBuild = System.getProperty("introdl.repo.root");
    return Path.of(fromBuild != null && !fromBuild.isBlank() ? fromBuild : ".").toAbsolutePath().normalize();
  }

  /** The shared fixtures ({@code ../shared/data} beside the checkout), if present. */
  public static Optional<Path> sharedData() {
    String env = System.getenv(SHARED_ENV);
    Path dir = env != null && !env.isBlank() ? Path.of(env) : repoRoot().resolveSibling("shared").resolve("data");
    return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
  }

  /** The cache for downloaded data sets; created on demand by whoever writes into it. */
  public static Path cacheDir() {
    String env = System.getenv(CACHE_ENV);
    if (env != null && !env.isBlank()) {
      return Path.of(env).toAbsolutePath();
    }
    return Path.of(System.getProperty("user.home"), ".cache", "introdl");
  }

  /** Default output folder of the labs ({@code out/} in the repository). */
  public static Path defaultOutputDir() {
    return repoRoot().resolve("out");
  }
}
