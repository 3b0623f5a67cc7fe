package org.introdl.core.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** TF1's Glorot uniform: inside (-limit, limit), with the uniform distribution's mean 0 and variance limit^2 / 3. */
class GlorotUniformTest {
  @Test
  void drawsFromPlusMinusTheLimitWithTheUniformsMoments() {
    int fanIn = 206;
    int fanOut = 512;
    double limit = Math.sqrt(6.0 / (fanIn + fanOut));
    try (Graph g = new Graph()) {
      var values = GlorotUniform.of(Ops.create(g), Shape.of(fanIn, fanOut), fanIn, fanOut, 7, 3);
      try (Session s = new Session(g); Result r = s.runner().fetch(values).run()) {
        TFloat32 drawn = (TFloat32) r.get(0);
        double sum = 0;
        double squares = 0;
        double largest = 0;
        long n = drawn.size();
        float[] floats = new float[(int) n];
        drawn.asRawTensor().data().asFloats().read(floats);
        for (float v : floats) {
          sum += v;
          squares += (double) v * v;
          largest = Math.max(largest, Math.abs(v));
        }
        assertTrue(largest <= limit, "inside the limit " + limit + ": " + largest);
        assertTrue(largest > 0.99 * limit, "reaches near the limit, not [0, limit/2): " + largest);
        assertEquals(0, sum / n, 0.005, "mean");
        assertEquals(limit * limit / 3, squares / n, 0.02 * limit * limit / 3, "variance of U(-limit, limit)");
      }
    }
  }
}
