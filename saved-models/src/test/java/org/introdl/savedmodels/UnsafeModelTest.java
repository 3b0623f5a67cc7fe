package org.introdl.savedmodels;

import org.introdl.savedmodels.format.SavedModelDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import org.introdl.savedmodels.safety.UnsafeOps;
import org.introdl.savedmodels.cli.SavedModelCommand;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * A model built and exported in Java whose signature reads a file: {@code y = x + float(read_file(PATH))}. The
 * scanner flags it, {@code run} refuses it and never touches the file; with {@code --allow-unsafe-ops} it runs and
 * the file's content shows up in the output (which proves the op is real).
 */
class UnsafeModelTest {
  @TempDir Path tmp;
  Path secret;
  Path model;

  @BeforeEach
  void exportModelThatReadsAFile() throws Exception {
    secret = tmp.resolve("secret.txt");
    Files.writeString(secret, "40", StandardCharsets.US_ASCII);
    model = tmp.resolve("reads-file");
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class);
      // A variable so that the exporter has something to save, as any real model would.
      Variable<TFloat32> bias = tf.withName("bias").variable(tf.constant(2f));
      Operand<TFloat32> fromFile = tf.strings.toNumber(tf.io.readFile(tf.constant(secret.toString())));
      Operand<TFloat32> y = tf.withName("y").math.add(tf.math.add(x, fromFile), bias);
      try (Session s = new Session(g)) {
        s.initialize();
        SavedModelBundle.exporter(model.toString()).withSession(s)
            .withSignature(Signature.builder().input("x", x).output("y", y).build()).export();
      }
    }
  }

  @Test
  void scanFlagsReadFileAndExitsNonZero() {
    UnsafeOps.Report report = UnsafeOps.scan(SavedModelDir.open(model).metaGraph("serve"));
    assertEquals(java.util.List.of("ReadFile"), report.unsafeOpTypes());
    CliRun r = CliRun.run(new SavedModelCommand(), "scan", model.toString());
    assertEquals(SavedModelCommand.EXIT_CHECK_FAILED, r.exitCode());
    assertTrue(r.out().contains("ReadFile (reads, writes or lists files)"), r.out());
  }

  @Test
  void runRefusesAndNeverReadsTheFile() throws Exception {
    Files.setAttribute(secret, "lastAccessTime", FileTime.fromMillis(0));
    CliRun.run(new SavedModelCommand(), "run", model.toString(), "--input", "x=[1.0]")
        .assertOneLineError(1, "refusing to run", "ReadFile", "--allow-unsafe-ops");
    assertEquals(0, accessTime(secret), "the refused model must not have read " + secret);

    // The control: allowed to run, the op does read the file (its content appears in y), and here the file
    // system records the access; so the unchanged access time above is evidence, not an accident.
    CliRun allowed = CliRun.run(new SavedModelCommand(), "run", model.toString(), "--input", "x=[1.0]",
        "--allow-unsafe-ops").assertOk();
    assertTrue(allowed.out().contains("[43.0]"), allowed.out());
    assertTrue(allowed.err().contains("warning: ran with unsafe ops: ReadFile"), allowed.err());
    assumeTrue(accessTime(secret) != 0, "this file system does not record access times");
  }

  private static long accessTime(Path p) throws Exception {
    return Files.readAttributes(p, BasicFileAttributes.class).lastAccessTime().toMillis();
  }
}
