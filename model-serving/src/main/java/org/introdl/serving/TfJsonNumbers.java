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
    String text = percentG(value, 6);
    if (Float.parseFloat(text) != value) {
      text = percentG(value, 9);
    }
    return withDecimalPoint(text, value);
  }

  /**
   * {@link #percentG(BigDecimal, int)} of a float, fast: the float's exact value (a double holds it) scaled to
   * {@code precision} digits in double arithmetic and rounded; only when the scaled value lies so near a half that
   * the arithmetic's error could decide the rounding is the exact decimal expansion computed. An answer goes out for
   * every float a model returns, and the exact path costs microseconds each.
   */
  static String percentG(float value, int precision) {
    double v = Math.abs((double) value);
    if (v == 0) {
      return "0";
    }
    int exponent = (int) Math.floor(Math.log10(v));
    double scaled = v * Math.pow(10, precision - 1 - exponent);
    double low = Math.pow(10, precision - 1);
    if (scaled < low) {
      exponent--;
      scaled = v * Math.pow(10, precision - 1 - exponent);
    } else if (scaled >= low * 10) {
      exponent++;
      scaled = v * Math.pow(10, precision - 1 - exponent);
    }
    double fraction = scaled - Math.floor(scaled);
    if (Math.abs(fraction - 0.5) < NEAR_HALF || scaled < low || scaled >= low * 10) {
      return percentG(new BigDecimal(value), precision);
    }
    long digits = Math.round(scaled);
    if (digits == (long) (low * 10)) {
      digits /= 10;
      exponent++;
    }
    return (value < 0 ? "-" : "") + layout(Long.toString(digits), exponent, precision);
  }

  /** How near a half (in units of the last digit kept) the fast rounding hands over to the exact one. */
  private static final double NEAR_HALF = 1e-4;

  /** C's %g layout of {@code precision} significant {@code digits} times 10^(exponent - precision + 1). */
  private static String layout(String digits, int exponent, int precision) {
    if (exponent >= -4 && exponent < precision) {
      String plain = exponent >= 0
          ? digits.substring(0, exponent + 1) + "." + digits.substring(exponent + 1)
          : "0." + "0".repeat(-exponent - 1) + digits;
      return stripZeros(plain);
    }
    String mantissa = stripZeros(digits.charAt(0) + "." + digits.substring(1));
    return mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "")
        + Math.abs(exponent);
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
    if (plain.indexOf('.') < 0) {
      return plain;
    }
    int end = plain.length();
    while (plain.charAt(end - 1) == '0') {
      end--;
    }
    return plain.substring(0, plain.charAt(end - 1) == '.' ? end - 1 : end);
  }
}
