package org.introdl.basics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AutomaticDifferentiationTest {
  @Test
  void printsTheNotebooksThreeLines() {
    AutomaticDifferentiation.Result r = AutomaticDifferentiation.run(4f);
    assertEquals(NotebookReference.printed(26), r.lines().subList(0, 3));
  }

  @Test
  void derivativesMatchThePolynomialDifferentiatedByHand() {
    for (float x : new float[] {-10f, -1.5f, 0f, 0.3f, 7f, 123.25f}) {
      AutomaticDifferentiation.Result r = AutomaticDifferentiation.run(x);
      double f = (double) x * x + 3; // f(x) = x^2 + 3
      double df = 2.0 * x; // f'(x) = 2x
      assertEquals(f, r.f(), Math.abs(f) * 1e-6);
      assertEquals(df, r.df(), 1e-5);
      assertEquals(2.0, r.d2f(), 0); // f''(x) = 2
    }
  }
}
