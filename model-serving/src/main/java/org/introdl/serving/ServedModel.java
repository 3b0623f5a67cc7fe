package org.introdl.serving;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

/**
 * The versions of one model and their life cycle, as TensorFlow Serving's manager keeps them: the versions its policy
 * chooses among the folders present are loaded (LOADING, then AVAILABLE, or END with the error); once a newly chosen
 * version is AVAILABLE the others are unloaded (UNLOADING, then END) as soon as the requests that hold them finish,
 * so no request is dropped and none is served by a half-loaded version. A version that failed to load is not retried
 * until its folder is removed and added again. A version whose worker died while serving (a crash, its memory budget)
 * is END with the reason, and is loaded again at the next poll, up to {@link #MAX_RESTARTS} times.
 */
public final class ServedModel {
  /** TF Serving's {@code ModelVersionStatus.State}. */
  public enum State { START, LOADING, AVAILABLE, UNLOADING, END }

  /** One version's entry in the status API. */
  public record VersionStatus(long version, State state, ServingError.Code errorCode, String errorMessage) {}

  /** How often a version whose worker died is started again before it stays END (a model that always crashes). */
  static final int MAX_RESTARTS = 3;

  private final ModelConfig config;
  private final ModelLoader loader;
  private final ConcurrentSkipListMap<Long, Version> versions = new ConcurrentSkipListMap<>();
  /** Per version number, how often its worker died and it was started again. */
  private final Map<Long, Integer> restarts = new java.util.HashMap<>();

  public ServedModel(ModelConfig config, ModelLoader loader) {
    this.config = config;
    this.loader = loader;
  }

  public ModelConfig config() {
    return config;
  }

  /**
   * Whether the base path is one SavedModel folder or a Keras file (served as version 1) rather than a folder of
   * versions.
   */
  private boolean isSingleVersion() {
    return Files.isRegularFile(config.basePath().resolve("saved_model.pb"))
        || KerasFiles.isKerasFile(config.basePath());
  }

  /**
   * Brings the loaded versions in line with the folders present: loads what the policy chooses, then unloads what
   * it no longer chooses. Returns one line per change, for the server's log.
   */
  public synchronized List<String> poll() {
    SortedSet<Long> present = presentVersions();
    List<String> changes = new ArrayList<>();
    versions.values().removeIf(v -> v.failed() && !present.contains(v.number));
    restarts.keySet().retainAll(present);
    restartDied(present, changes);
    SortedSet<Long> chosen = loadChosen(present, changes);
    boolean chosenAvailable = chosen.stream().anyMatch(n -> versions.get(n).state() == State.AVAILABLE);
    if (chosenAvailable || present.isEmpty()) {
      for (Version v : versions.values()) {
        if (!chosen.contains(v.number) && v.state() == State.AVAILABLE) {
          v.retire();
          changes.add(line(v.number, "unloaded" + (present.contains(v.number) ? "" : " (its folder is gone)")));
        }
      }
    }
    return changes;
  }

  /**
   * Loads the versions the policy chooses among those present that have not failed; a chosen version that fails is
   * never served, so the policy chooses again among the rest (the one before it, say). Returns the final choice.
   */
  private SortedSet<Long> loadChosen(SortedSet<Long> present, List<String> changes) {
    while (true) {
      SortedSet<Long> candidates = new TreeSet<>(present);
      versions.values().stream().filter(v -> v.failed() && !v.restartPending).forEach(v -> candidates.remove(v.number));
      SortedSet<Long> chosen = config.policy().choose(candidates);
      boolean failedNow = false;
      for (Long number : new TreeSet<>(chosen).descendingSet()) {
        Version current = versions.get(number);
        if (current == null || current.state() == State.END && !current.restartPending) {
          changes.add(load(number));
          failedNow |= versions.get(number).failed();
        }
      }
      if (!failedNow) {
        return chosen;
      }
    }
  }

  /**
   * A version whose worker died stays END with the reason until the next poll (the status API shows why), then is
   * taken out of the list, so that the policy chooses it again and it is loaded anew; meanwhile no other version is
   * loaded in its place. After {@link #MAX_RESTARTS} restarts it stays END.
   */
  private void restartDied(SortedSet<Long> present, List<String> changes) {
    for (Version v : versions.values()) {
      if (v.restartPending) {
        versions.remove(v.number);
        continue;
      }
      String died = v.takeDeath();
      if (died == null) {
        continue;
      }
      int count = restarts.merge(v.number, 1, Integer::sum);
      if (count <= MAX_RESTARTS && present.contains(v.number)) {
        v.restartPending = true;
        changes.add(line(v.number, "END, " + died + "; starting it again (" + count + " of " + MAX_RESTARTS + ")"));
      } else {
        changes.add(line(v.number, "END, " + died + "; not started again (it died " + MAX_RESTARTS + " times)"));
      }
    }
  }

  private String load(long number) {
    Version version = new Version(number);
    versions.put(number, version);
    Path dir = isSingleVersion() ? config.basePath() : config.basePath().resolve(Long.toString(number));
    try {
      version.available(loader.load(dir, config));
      return line(number, "AVAILABLE");
    } catch (ModelLoader.LoadFailure e) {
      version.failedWith(e.code(), e.getMessage());
      return line(number, "END, not served: " + e.getMessage());
    } catch (RuntimeException e) {
      version.failedWith(ServingError.Code.UNKNOWN, String.valueOf(e.getMessage()));
      return line(number, "END, not served: " + e);
    }
  }

  private String line(long number, String what) {
    return "model " + config.name() + " version " + number + ": " + what;
  }

  /** The numeric version folders under the base path (or version 1 for a single SavedModel folder or Keras file). */
  private SortedSet<Long> presentVersions() {
    SortedSet<Long> present = new TreeSet<>();
    if (isSingleVersion()) {
      present.add(1L);
      return present;
    }
    try (Stream<Path> children = Files.list(config.basePath())) {
      children.filter(Files::isDirectory).map(p -> p.getFileName().toString())
          .filter(name -> name.matches("\\d{1,18}")).forEach(name -> present.add(Long.parseLong(name)));
    } catch (IOException | java.io.UncheckedIOException e) {
      // The base path vanished or cannot be listed: nothing is present, as TF Serving sees it.
    }
    return present;
  }

  /** The version a request asks for (latest when neither is given), held until the lease is closed. */
  public Lease acquire(OptionalLong version, String label) {
    if (label != null) {
      return acquireSpecific(labelled(label));
    }
    if (version.isPresent()) {
      return acquireSpecific(version.getAsLong());
    }
    for (Version v : versions.descendingMap().values()) {
      Lease lease = v.tryAcquire();
      if (lease != null) {
        return lease;
      }
    }
    throw ServingError.notFound("Servable not found for request: Latest(" + config.name() + ")");
  }

  private Lease acquireSpecific(long number) {
    Version v = versions.get(number);
    Lease lease = v == null ? null : v.tryAcquire();
    if (lease == null) {
      throw ServingError.notFound("Servable not found for request: Specific(" + config.name() + ", " + number + ")");
    }
    return lease;
  }

  private long labelled(String label) {
    Long number = config.labels().get(label);
    if (number == null) {
      throw ServingError.invalid("Unrecognized servable version label: " + label);
    }
    return number;
  }

  /** The status API: every version known (newest first), or the one asked for. */
  public List<VersionStatus> status(OptionalLong version, String label) {
    if (label != null || version.isPresent()) {
      long number = label != null ? labelled(label) : version.getAsLong();
      Version v = versions.get(number);
      if (v == null) {
        throw ServingError.notFound("Could not find version " + number + " of model " + config.name());
      }
      return List.of(v.status());
    }
    List<VersionStatus> all = versions.descendingMap().values().stream().map(Version::status).toList();
    if (all.isEmpty()) {
      throw ServingError.notFound("Could not find any versions of model " + config.name());
    }
    return all;
  }

  /** Unloads every version (at shutdown); each closes when its last request finishes. */
  public synchronized void unloadAll() {
    versions.values().forEach(Version::retire);
  }

  /** Versions by number, for tests and the health check. */
  Map<Long, State> states() {
    Map<Long, State> states = new java.util.TreeMap<>();
    versions.forEach((k, v) -> states.put(k, v.state()));
    return states;
  }

  /** A request's hold on a loaded version: the version is not closed before every lease on it is. */
  public static final class Lease implements AutoCloseable {
    private final Version version;
    private final ServableModel model;
    private boolean released;

    private Lease(Version version, ServableModel model) {
      this.version = version;
      this.model = model;
    }

    public long version() {
      return version.number;
    }

    public ServableModel model() {
      return model;
    }

    @Override
    public synchronized void close() {
      if (!released) {
        released = true;
        version.release();
      }
    }
  }

  /** One version: its state, and the loaded model with the count of requests using it. */
  private static final class Version {
    private final long number;
    private State state = State.LOADING;
    private ServingError.Code errorCode = ServingError.Code.OK;
    private String errorMessage = "";
    private String diedOf;
    /** Its worker died and it is loaded anew at the next poll (read and written by the poll only). */
    private boolean restartPending;
    private ServableModel model;
    private int users;

    Version(long number) {
      this.number = number;
    }

    synchronized State state() {
      noticeDeath();
      return state;
    }

    synchronized boolean failed() {
      noticeDeath();
      return state == State.END && errorCode != ServingError.Code.OK;
    }

    synchronized VersionStatus status() {
      noticeDeath();
      return new VersionStatus(number, state, errorCode, errorMessage);
    }

    /** If the loaded model can no longer serve (its worker died), the version is END with the reason. */
    private void noticeDeath() {
      String died = model == null || state != State.AVAILABLE && state != State.UNLOADING ? null : model.failure();
      if (died != null) {
        closeModel();
        errorCode = ServingError.Code.INTERNAL;
        errorMessage = died;
        diedOf = died;
      }
    }

    /** Why its worker died, the first time this is asked after it did (for the restart), else null. */
    synchronized String takeDeath() {
      noticeDeath();
      String died = diedOf;
      diedOf = null;
      return died;
    }

    synchronized void available(ServableModel loaded) {
      model = loaded;
      state = State.AVAILABLE;
    }

    synchronized void failedWith(ServingError.Code code, String message) {
      state = State.END;
      errorCode = code;
      errorMessage = message;
    }

    synchronized Lease tryAcquire() {
      noticeDeath();
      if (state != State.AVAILABLE) {
        return null;
      }
      users++;
      return new Lease(this, model);
    }

    synchronized void release() {
      users--;
      if (state == State.UNLOADING && users == 0) {
        closeModel();
      }
    }

    synchronized void retire() {
      if (state != State.AVAILABLE) {
        return;
      }
      state = State.UNLOADING;
      if (users == 0) {
        closeModel();
      }
    }

    private void closeModel() {
      model.close();
      model = null;
      state = State.END;
    }
  }
}
