package org.introdl.serving;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.introdl.core.testing.SharedFixtures;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/** The SavedModels the serving tests serve: TF Serving's own half_plus_two exports, and small ones made here. */
final class TestModels {
  private TestModels() {}

  /** half_plus_two exported by TF 1.14 (y = x/2 + 2; regress and classify signatures on tf.Example). */
  static Path halfPlusTwoTf1() {
    return SharedFixtures.require("python-savedmodels/half_plus_two_tf1_cpu");
  }

  /** half_plus_two exported by TF 2.14 (a tf.Module; x float32 [1]). */
  static Path halfPlusTwoTf2() {
    return SharedFixtures.require("python-savedmodels/half_plus_two_tf2_cpu");
  }

  /** A base path holding {@code version} as a link to {@code model} (TF Serving's layout; nothing is copied). */
  static Path basePath(Path parent, String name, long version, Path model) throws IOException {
    Path base = Files.createDirectories(parent.resolve(name));
    Files.createSymbolicLink(base.resolve(Long.toString(version)), model.toAbsolutePath());
    return base;
  }

  /**
   * {@code serving_default}: x float32 [-1] to four outputs, one per JSON type: {@code doubled} (2x, float32),
   * {@code truncated} (int64), {@code positive} (bool), {@code text_bytes} (x as text, a string sent as b64);
   * {@code add}: inputs {@code a} float32 [-1] and {@code b} float32 [] to {@code sum} = a + b.
   */
  static Path allJsonTypes(Path dir) throws IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class,
          Placeholder.shape(org.tensorflow.ndarray.Shape.of(-1)));
      Placeholder<TFloat32> a = tf.withName("a").placeholder(TFloat32.class,
          Placeholder.shape(org.tensorflow.ndarray.Shape.of(-1)));
      Placeholder<TFloat32> b = tf.withName("b").placeholder(TFloat32.class,
          Placeholder.shape(org.tensorflow.ndarray.Shape.scalar()));
      Variable<TFloat32> two = tf.withName("two").variable(tf.constant(2f));
      Operand<TFloat32> doubled = tf.withName("doubled").math.mul(x, two);
      Operand<TInt64> truncated = tf.withName("truncated").dtypes.cast(x, TInt64.class);
      var positive = tf.withName("positive").math.greater(x, tf.constant(0f));
      var text = tf.withName("text").dtypes.asString(x);
      Operand<TFloat32> sum = tf.withName("sum").math.add(a, b);
      try (Session s = new Session(g)) {
        s.initialize();
        SavedModelBundle.exporter(dir.toString()).withSession(s)
            .withSignature(Signature.builder().input("x", x).output("doubled", doubled)
                .output("truncated", truncated).output("positive", positive).output("text_bytes", text).build())
            .withSignature(Signature.builder().key("add").input("a", a).input("b", b).output("sum", sum).build())
            .export();
      }
    }
    return dir;
  }

  /** {@code y = x + float(read_file(secret)) + 2}: a model whose signature reads a file, which the scan refuses. */
  static Path readsFile(Path dir, Path secret) throws IOException {
    Files.writeString(secret, "40", StandardCharsets.US_ASCII);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class);
      Variable<TFloat32> bias = tf.withName("bias").variable(tf.constant(2f));
      Operand<TFloat32> fromFile = tf.strings.toNumber(tf.io.readFile(tf.constant(secret.toString())));
      Operand<TFloat32> y = tf.withName("y").math.add(tf.math.add(x, fromFile), bias);
      try (Session s = new Session(g)) {
        s.initialize();
        SavedModelBundle.exporter(dir.toString()).withSession(s)
            .withSignature(Signature.builder().input("x", x).output("y", y).build()).export();
      }
    }
    return dir;
  }
}
