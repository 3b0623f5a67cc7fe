package org.introdl.savedmodels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.introdl.savedmodels.cli.SavedModelCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * A model that never finishes (a While loop whose condition is always true: pure computation, so the scan lets it
 * through) is ended by {@code --timeout} with one line and exit code 1. A session run cannot be interrupted, so the
 * command runs in a process of its own, as {@code ./labs} does, and must end by itself.
 */
class TimeoutTest {
  @TempDir Path tmp;

  @Test
  void aHungModelEndsWithOneLineAfterTheTimeout() throws Exception {
    Path model = tmp.resolve("hangs");
    exportEndlessLoop(model);
    long start = System.nanoTime();
    CliRun r = CliMain.inNewProcess(120, SavedModelCommand.class, "run", model.toString(), "--input", "x=1.0",
        "--timeout", "2");
    double seconds = (System.nanoTime() - start) / 1e9;
    r.assertOneLineError(1, model.toString(), "did not finish within 2 s", "--timeout");
    assertTrue(seconds < 60, "the process took " + seconds + " s to end");
  }

  @SuppressWarnings("unchecked")
  private static void exportEndlessLoop(Path out) throws java.io.IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class);
      tf.withName("unused").variable(tf.constant(0f));
      Output<?>[] loop = g.whileLoop(new Output<?>[] {x.asOutput()},
          (cond, in, result) -> result[0] = Ops.create(cond).constant(true).asOutput(),
          (body, in, result) -> {
            Ops b = Ops.create(body);
            result[0] = b.math.add((Operand<TFloat32>) in[0], b.constant(1f)).asOutput();
          }, "forever");
      Operand<TFloat32> y = tf.withName("y").identity((Operand<TFloat32>) loop[0]);
      try (Session s = new Session(g)) {
        s.initialize();
        SavedModelBundle.exporter(out.toString()).withSession(s)
            .withSignature(Signature.builder().input("x", x).output("y", y).build()).export();
      }
    }
  }
}
