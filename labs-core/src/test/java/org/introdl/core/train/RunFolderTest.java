package org.introdl.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.introdl.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** What --checkpoint names: the run found from it (or one line saying why not), and the checkpoint restored. */
class RunFolderTest {
  @TempDir Path tmp;

  @Test
  void aRunStepFolderOrCheckpointsFolderFindsTheRunAndRestoresTheNamedOrNewestCheckpoint() {
    Path run = tmp.resolve("run");
    RunManifest.of("music", Map.of("steps", 20), DataFingerprint.ofText("songs", "test", 1, "x")).write(run);
    CheckpointStore store = new CheckpointStore(run.resolve("checkpoints"), 3);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> v = tf.withName("v").variable(tf.constant(0f));
      Placeholder<TFloat32> value = tf.placeholder(TFloat32.class);
      Assign<TFloat32> assign = tf.assign(v, value);
      try (Session s = new Session(g)) {
        for (int step : new int[] {10, 20}) {
          try (TFloat32 x = TFloat32.scalarOf(step); Result r = s.runner().feed(value, x).addTarget(assign).run()) {
            store.save(s, step);
          }
        }
      }
      for (Path named : new Path[] {run, run.resolve("checkpoints")}) {
        RunFolder folder = RunFolder.locate(named, "music", "./labs music train", "music generate");
        assertEquals(run.toAbsolutePath().normalize(), folder.dir());
        assertEquals(20f, restoredValue(g, v, folder), named + ": the newest");
      }
      RunFolder step10 = RunFolder.locate(run.resolve("checkpoints/step-000010"), "music", "t", "c");
      assertEquals(10f, restoredValue(g, v, step10), "the step folder named");
    }
  }

  @Test
  void aMissingPathAFolderWithoutARunAndAnotherLabsRunAreOneLineEach() throws Exception {
    UserError missing = assertThrows(UserError.class,
        () -> RunFolder.locate(tmp.resolve("nowhere"), "music", "./labs music train", "music generate"));
    assertTrue(missing.getMessage().endsWith("nowhere: no such file or folder"), missing.getMessage());
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    UserError noRun = assertThrows(UserError.class,
        () -> RunFolder.locate(empty, "music", "./labs music train", "music generate"));
    assertTrue(noRun.getMessage().contains("give the folder that `./labs music train --out` wrote"), noRun.getMessage());
    Path xray = tmp.resolve("xray");
    RunManifest.of("xray", Map.of("steps", 1), DataFingerprint.ofText("phantoms", "test", 1, "x")).write(xray);
    UserError other = assertThrows(UserError.class,
        () -> RunFolder.locate(xray, "music", "./labs music train", "music generate"));
    assertTrue(other.getMessage().contains("`music generate` needs a music run"), other.getMessage());
  }

  private static float restoredValue(Graph g, Variable<TFloat32> v, RunFolder folder) {
    try (Session s = new Session(g)) {
      folder.restore(s);
      try (Result r = s.runner().fetch(v).run()) {
        return ((TFloat32) r.get(0)).getFloat();
      }
    }
  }
}
