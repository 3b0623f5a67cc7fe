package org.introdl.serving;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Floating-point values written the way TensorFlow Serving writes them in JSON: the shortest of C's {@code %g}
 * (six significant digits) that reads back as the same value, else {@code %.9g} (float) or {@code %.17g} (double);
 * {@code .0} appended to whole numbers not in exponent form (so a list never mixes integer and decimal tokens); and
 * the bare tokens {@code NaN}, {@code Infinity}, {@code -Infinity}, which JavaScript and Python's {@code json} read.
 */
public final class TfJsonNumbers {
  private TfJsonNumbers() {}

  public static String formatFloat(float value) {
    if (!Float.isFinite(value)) {
      return nonFinite(value);
    }
    String text = percentG(new BigDecimal(value), 6);
    if (Float.parseFloat(text) != value) {
      text = percentG(new BigDecimal(value), 9);
    }
    return withDecimalPoint(text, value);
  }

  public static String formatDouble(double value) {
    if (!Double.isFinite(value)) {
      return nonFinite(value);
    }
    String text = percentG(new BigDecimal(value), 6);
    if (Double.parseDouble(text) != value) {
      text = percentG(new BigDecimal(value), 17);
    }
    return withDecimalPoint(text, value);
  }

  private static String nonFinite(double value) {
    return Double.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
  }

  private static String withDecimalPoint(String text, double value) {
    String signed = value == 0 && 1 / value < 0 ? "-" + text : text;
    return signed.contains(".") || signed.contains("e") ? signed : signed + ".0";
  }

  /**
   * C's {@code printf("%.{precision}g")} of an exact binary value: rounded (half to even) to {@code precision}
   * significant digits, fixed notation when the decimal exponent X satisfies -4 <= X < precision, else
   * {@code d.ddde+XX}; trailing zeros and a trailing point removed.
   */
  static String percentG(BigDecimal exact, int precision) {
    if (exact.signum() == 0) {
      return "0";
    }
    BigDecimal rounded = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
    int exponent = rounded.precision() - rounded.scale() - 1;
    if (exponent >= -4 && exponent < precision) {
      BigDecimal fixed = rounded.setScale(Math.max(precision - 1 - exponent, 0), RoundingMode.HALF_EVEN);
      return stripZeros(fixed.toPlainString());
    }
    BigDecimal mantissa = rounded.movePointLeft(exponent).setScale(precision - 1, RoundingMode.HALF_EVEN);
    String digits = stripZeros(mantissa.toPlainString());
    return digits + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
  }

  private static String stripZeros(String plain) {
    if (!plain.contains(".")) {
      return plain;
    }
    String s = plain.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }
}
