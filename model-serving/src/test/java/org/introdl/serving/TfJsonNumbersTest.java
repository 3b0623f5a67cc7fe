package org.introdl.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Floats as TensorFlow Serving writes them. The expected texts are C's printf output ({@code printf '%g'} and
 * {@code '%.9g'} in a shell) with TF Serving's rules on top: the %g text if it reads back as the same float, else
 * %.9g; ".0" after a whole number without an exponent.
 */
class TfJsonNumbersTest {
  @Test
  void shortestTextThatReadsBackAsTheSameFloat() {
    assertEquals("2.5", TfJsonNumbers.formatFloat(2.5f));
    assertEquals("0.2", TfJsonNumbers.formatFloat(0.2f)); // not 0.200000003 (float 0.2 widened to double)
    assertEquals("-1.5", TfJsonNumbers.formatFloat(-1.5f));
    assertEquals("0.0001", TfJsonNumbers.formatFloat(0.0001f));
    assertEquals("0.333333343", TfJsonNumbers.formatFloat(1f / 3)); // %g gives 0.333333, which is another float
    assertEquals("3.14159274", TfJsonNumbers.formatFloat((float) Math.PI));
  }

  @Test
  void wholeNumbersGetADecimalPointUnlessInExponentForm() {
    assertEquals("3.0", TfJsonNumbers.formatFloat(3f));
    assertEquals("0.0", TfJsonNumbers.formatFloat(0f));
    assertEquals("-0.0", TfJsonNumbers.formatFloat(-0f));
    assertEquals("100000.0", TfJsonNumbers.formatFloat(100000f));
    assertEquals("1e+06", TfJsonNumbers.formatFloat(1e6f));
    assertEquals("9e+06", TfJsonNumbers.formatFloat(9e6f));
    assertEquals("3e-05", TfJsonNumbers.formatFloat(3e-5f));
    assertEquals("1e-07", TfJsonNumbers.formatFloat(1e-7f));
    assertEquals("16777216.0", TfJsonNumbers.formatFloat(16777216f)); // %g 1.67772e+07 is not 2^24: %.9g
    assertEquals("123456792.0", TfJsonNumbers.formatFloat(123456789f)); // the float nearest 123456789
  }

  @Test
  void doublesUseSeventeenDigitsWhenSixDoNotReadBack() {
    assertEquals("0.1", TfJsonNumbers.formatDouble(0.1));
    assertEquals("0.33333333333333331", TfJsonNumbers.formatDouble(1.0 / 3));
    assertEquals("1e+300", TfJsonNumbers.formatDouble(1e300));
    assertEquals("42.0", TfJsonNumbers.formatDouble(42));
  }

  @Test
  void theFastFloatPathWritesWhatTheExactDecimalExpansionGives() {
    java.util.Random random = new java.util.Random(11);
    for (int i = 0; i < 200_000; i++) {
      // Any bit pattern (every exponent), then values near 1 such as a model's probabilities.
      float f = i % 2 == 0 ? Float.intBitsToFloat(random.nextInt()) : random.nextFloat();
      if (!Float.isFinite(f)) {
        continue;
      }
      for (int precision : new int[] {6, 9}) {
        assertEquals(TfJsonNumbers.percentG(new java.math.BigDecimal(f), precision),
            TfJsonNumbers.percentG(f, precision), () -> Float.toString(f));
      }
    }
    // Values whose scaled expansion is exactly a half at the last digit kept: ties go to even, as C rounds them.
    for (float tie : new float[] {0.5f, 2.5f, 1.0000005f, 1234567.5f, 0.03125f, 1.5e-5f, 9.9999995f}) {
      for (int precision : new int[] {6, 9}) {
        assertEquals(TfJsonNumbers.percentG(new java.math.BigDecimal(tie), precision),
            TfJsonNumbers.percentG(tie, precision), Float.toString(tie));
      }
    }
    assertEquals("1.4013e-45", TfJsonNumbers.formatFloat(Float.MIN_VALUE)); // printf %g of 2^-149
    assertEquals("3.40282347e+38", TfJsonNumbers.formatFloat(Float.MAX_VALUE));
  }

  @Test
  void nonFiniteValuesAreTheJavaScriptTokens() {
    assertEquals("NaN", TfJsonNumbers.formatFloat(Float.NaN));
    assertEquals("Infinity", TfJsonNumbers.formatFloat(Float.POSITIVE_INFINITY));
    assertEquals("-Infinity", TfJsonNumbers.formatDouble(Double.NEGATIVE_INFINITY));
  }
}
