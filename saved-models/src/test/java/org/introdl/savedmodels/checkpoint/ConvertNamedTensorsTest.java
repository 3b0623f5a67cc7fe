package org.introdl.savedmodels.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.introdl.core.io.Npy;
import org.introdl.savedmodels.CliRun;
import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.SignatureRunner;
import org.introdl.savedmodels.cli.CheckpointCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SaverDef;
import org.tensorflow.types.TFloat32;

/**
 * {@code checkpoint convert --input KEY=TENSOR --output KEY=TENSOR} on a graph shaped like a music model (inputs
 * [N, 64, 78] to a sigmoid [N, 78], next to sigmoid gates of another width, as an LSTM has), saved by TensorFlow Java
 * with a {@code .meta} written here. The signature holds exactly the tensors named; the served probabilities are
 * checked in plain Java.
 */
class ConvertNamedTensorsTest {
  @TempDir Path tmp;

  @Test
  void theSignatureHoldsTheNamedTensors() throws Exception {
    Path prefix = tmp.resolve("music.ckpt");
    float[] weights = new float[78 * 78];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = ((i * 37) % 101 - 50) / 500f;
    }
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> inputs = tf.withName("inputs").placeholder(TFloat32.class,
          org.tensorflow.op.core.Placeholder.shape(org.tensorflow.ndarray.Shape.of(-1, 64, 78)));
      Operand<TFloat32> last = tf.math.mean(inputs, tf.constant(1));
      Operand<TFloat32> w =
          tf.withName("w").variable(tf.reshape(tf.constant(weights), tf.constant(new int[] {78, 78})));
      Operand<TFloat32> gate =
          tf.withName("w_gate").variable(tf.zeros(tf.constant(new int[] {78, 32}), TFloat32.class));
      tf.withName("gate").math.sigmoid(tf.linalg.matMul(last, gate));
      tf.withName("notes").math.sigmoid(tf.linalg.matMul(last, w));
      try (Session s = new Session(g)) {
        s.initialize();
        s.save(prefix.toString());
      }
      MetaGraphDef meta = MetaGraphDef.newBuilder().setGraphDef(g.toGraphDef()).setSaverDef(SaverDef.newBuilder()
          .setFilenameTensorName("save/filename:0").setSaveTensorName("save/control_dependency:0")
          .setRestoreOpName("save/restore_all")).build();
      Files.write(tmp.resolve("music.ckpt.meta"), meta.toByteArray());
    }
    Path out = tmp.resolve("music-savedmodel");
    CliRun.run(new CheckpointCommand(), "convert", prefix.toString(), "--to", out.toString(), "--input",
        "inputs=inputs", "--output", "probabilities=notes").assertOk();
    SavedModelDir model = SavedModelDir.open(out);
    SavedModelDir.Signature sig = model.signature(model.metaGraph("serve"), "serving_default");
    assertEquals("inputs:0", sig.inputs().get("inputs").tensorName());
    assertEquals("notes:0", sig.outputs().get("probabilities").tensorName());

    float[] x = new float[64 * 78];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i % 78 == (i / 78) % 78) ? 1f : 0f;
    }
    Path xFile = tmp.resolve("x.npy");
    Npy.write(xFile, Npy.Array.of(x, 1, 64, 78));
    Npy.Array p = SignatureRunner.run(new SignatureRunner.Request(out, "serve", "serving_default",
        Map.of("inputs", "@" + xFile), false)).outputs().get("probabilities");
    assertArrayEquals(new long[] {1, 78}, p.shape());
    float[] got = p.toFloats();
    for (int j = 0; j < 78; j++) {
      double z = 0;
      for (int k = 0; k < 78; k++) {
        double mean = 0;
        for (int t = 0; t < 64; t++) {
          mean += x[t * 78 + k];
        }
        z += mean / 64 * weights[k * 78 + j];
      }
      assertEquals(1 / (1 + Math.exp(-z)), got[j], 1e-6);
    }
  }
}
