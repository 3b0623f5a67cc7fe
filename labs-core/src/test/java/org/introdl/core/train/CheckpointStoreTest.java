package org.introdl.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
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

class CheckpointStoreTest {
  @TempDir Path dir;

  /** A graph with one variable {@code v} and an op that assigns a fed value to it. */
  private static final class Model implements AutoCloseable {
    final Graph graph = new Graph();
    final Ops tf = Ops.create(graph);
    final Variable<TFloat32> v = tf.withName("v").variable(tf.constant(0f));
    final Placeholder<TFloat32> value = tf.placeholder(TFloat32.class);
    final Assign<TFloat32> assign = tf.assign(v, value);
    final Session session = new Session(graph);

    void set(float x) {
      try (TFloat32 t = TFloat32.scalarOf(x); Result r = session.runner().feed(value, t).addTarget(assign).run()) {
        // assigned
      }
    }

    float get() {
      try (Result r = session.runner().fetch(v).run()) {
        return ((TFloat32) r.get(0)).getFloat();
      }
    }

    @Override
    public void close() {
      session.close();
      graph.close();
    }
  }

  @Test
  void restoresTheNewestCheckpointAndKeepsOnlyTheLastK() {
    CheckpointStore store = new CheckpointStore(dir, 2);
    try (Model m = new Model()) {
      for (int step = 10; step <= 40; step += 10) {
        m.set(step);
        store.save(m.session, step);
      }
    }
    assertEquals(2, store.list().size());
    try (Model fresh = new Model()) {
      assertEquals(OptionalLong.of(40), store.restoreLatest(fresh.session));
      assertEquals(40f, fresh.get());
    }
  }

  @Test
  void aDamagedNewestCheckpointFallsBackToThePreviousWithAWarning() throws IOException {
    ByteArrayOutputStream warnings = new ByteArrayOutputStream();
    CheckpointStore store = new CheckpointStore(dir, 3, new PrintStream(warnings, true, StandardCharsets.UTF_8));
    try (Model m = new Model()) {
      m.set(1f);
      store.save(m.session, 1);
      m.set(2f);
      Path newest = store.save(m.session, 2);
      Files.write(newest.resolve("model.index"), new byte[] {1, 2, 3}); // torn by a crash or a bad disk
    }
    try (Model fresh = new Model()) {
      assertEquals(OptionalLong.of(1), store.restoreLatest(fresh.session));
      assertEquals(1f, fresh.get());
    }
    assertTrue(warnings.toString(StandardCharsets.UTF_8).contains("step-000002"), warnings.toString());
  }

  @Test
  void interruptedSavesAreIgnored() throws IOException {
    Files.createDirectories(dir.resolve(".step-000009.tmp-1"));
    CheckpointStore store = new CheckpointStore(dir, 3);
    assertTrue(store.list().isEmpty());
    try (Model m = new Model()) {
      assertEquals(OptionalLong.empty(), store.restoreLatest(m.session));
    }
  }
}
