package org.introdl.savedmodels.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.introdl.savedmodels.CliRun;
import org.introdl.savedmodels.cli.SavedModelCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.BundleEntryProto;
import org.tensorflow.proto.BundleHeaderProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;

/**
 * Restoring allocates every tensor at the shape the checkpoint's index declares, whatever the graph says: a
 * {@code variables.index} of a few bytes that declares a 150,000,000-element tensor is refused by the memory budget
 * before TensorFlow sees the model.
 */
class CheckpointIndexMemoryTest {
  @TempDir Path tmp;

  /** y = x + bias, exported by TensorFlow Java (its checkpoint holds one float). */
  private Path export() throws Exception {
    Path out = tmp.resolve("model");
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class);
      Operand<TFloat32> y = tf.withName("y").math.add(x, tf.withName("bias").variable(tf.constant(2f)));
      try (Session s = new Session(g)) {
        s.initialize();
        SavedModelBundle.exporter(out.toString()).withSession(s)
            .withSignature(Signature.builder().input("x", x).output("y", y).build()).export();
      }
    }
    return out;
  }

  @Test
  void anIndexDeclaringAHugeTensorIsOverTheBudget() throws Exception {
    Path model = export();
    Path index = model.resolve("variables/variables.index");
    List<String> names = TensorBundleIndex.read(index).entries().stream().map(TensorBundleIndex.Entry::name)
        .toList();
    BundleEntryProto huge = BundleEntryProto.newBuilder().setDtype(DataType.DT_FLOAT).setShape(TensorShapeProto
        .newBuilder().addDim(TensorShapeProto.Dim.newBuilder().setSize(150_000_000))).setSize(4).build();
    byte[] hostile = new BundleIndexWriter(8, 4, false).write(BundleHeaderProto.newBuilder().setNumShards(1).build(),
        names, names.stream().map(n -> huge).toList());
    // The control: the model's own index declares one float, and runs under the same budget.
    assertEquals(4 * names.size(), TensorBundleIndex.declaredBytes(index));
    CliRun ok = CliRun.run(new SavedModelCommand(), "run", model.toString(), "--input", "x=[1.0]",
        "--max-memory", "256m").assertOk();
    assertTrue(ok.out().contains("[3.0]"), ok.out());

    Files.write(index, hostile);
    assertEquals(600_000_000L * names.size(), TensorBundleIndex.declaredBytes(index));
    CliRun.run(new SavedModelCommand(), "run", model.toString(), "--input", "x=[1.0]", "--max-memory", "256m")
        .assertOneLineError(1, "over the memory budget of 256.0 MiB", "variables.index");
    CliRun scan = CliRun.run(new SavedModelCommand(), "scan", model.toString(), "--max-memory", "256m");
    assertEquals(SavedModelCommand.EXIT_CHECK_FAILED, scan.exitCode(), scan.out());
    assertTrue(scan.out().contains("OVER the memory budget"), scan.out());
  }
}
