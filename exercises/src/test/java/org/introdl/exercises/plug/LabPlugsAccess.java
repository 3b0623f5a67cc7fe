package org.introdl.exercises.plug;

import java.nio.file.Path;
import org.introdl.music.sample.SongSampler;

/** The plugs with a short watchdog, for tests of an endless loop that must not take a minute. */
public final class LabPlugsAccess {
  private final LabPlugs plugs;

  public LabPlugsAccess(long seconds) {
    plugs = new LabPlugs(seconds);
  }

  public SongSampler.NoteSampler sampler(Path workspace) {
    return plugs.plug(workspace, SongSampler.NoteSampler.class);
  }
}
