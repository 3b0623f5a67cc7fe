package org.introdl.basics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PerceptronTest {
  @Test
  void printsTheNotebookOutputToTheLastDigit() {
    Perceptron.Result r = Perceptron.run(new float[][] {{0.25f, 0.15f}});
    assertEquals(NotebookReference.printed(14).get(0), Arrays.toString(r.out()[0]));
  }

  @Test
  void equalsSigmoidComputedInDoubleForManyRows() {
    Random random = new Random(7);
    float[][] x = new float[50][2];
    for (float[] row : x) {
      row[0] = (float) (random.nextGaussian() * 3);
      row[1] = (float) (random.nextGaussian() * 3);
    }
    float[][] out = Perceptron.run(x).out();
    for (int i = 0; i < x.length; i++) {
      double z = (double) x[i][0] * 1.0 + (double) x[i][1] * 1.0 + 0.0; // W = ones, b = zeros
      assertEquals(1 / (1 + Math.exp(-z)), out[i][0], 1e-6);
    }
  }

  @Test
  void rejectsRowsOfTheWrongWidth() {
    assertThrows(IllegalArgumentException.class, () -> Perceptron.run(new float[][] {{1, 2, 3}}));
  }
}
