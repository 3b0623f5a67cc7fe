package org.introdl.core.worker;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * A worker's main for the tests: after {@link WorkerProcess#announceReady()}, it runs one attack in TensorFlow,
 * graphs built here: {@code allocate BYTES} (a Fill of that many bytes, summed so every page is written) or {@code
 * crash} (a oneDNN ConjugateTranspose of a scalar with an empty permutation: a failed CHECK aborts the process). It first prints its environment, one NAME=VALUE a line.
 */
public final class HostileWork {
  private HostileWork() {}

  public static void main(String[] args) {
    System.getenv().forEach((k, v) -> System.out.println(k + "=" + v));
    System.out.flush();
    WorkerProcess.announceReady();
    switch (args[0]) {
      case "allocate" -> System.out.println("sum " + allocate(Long.parseLong(args[1])));
      case "crash" -> crash();
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  /** Fills {@code bytes / 4} floats with 1 and sums them. */
  static float allocate(long bytes) {
    try (Graph g = new Graph(); Session s = new Session(g); TInt64 dims = TInt64.vectorOf(bytes / 4)) {
      Ops tf = Ops.create(g);
      Placeholder<TInt64> shape = tf.placeholder(TInt64.class);
      Operand<TFloat32> filled = tf.fill(shape, tf.constant(1f));
      Operand<TFloat32> sum = tf.sum(filled, tf.constant(0));
      try (var result = s.runner().feed(shape, dims).fetch(sum).run()) {
        return ((TFloat32) result.get(0)).getFloat();
      }
    }
  }

  static void crash() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> scalar = tf.constant(1f);
      Operand<TInt32> noPermutation = tf.constant(new int[0]);
      Operand<TFloat32> y = tf.linalg.conjugateTranspose(scalar, noPermutation);
      try (var result = s.runner().fetch(y).run()) {
        System.out.println("no crash");
      }
    }
  }
}
