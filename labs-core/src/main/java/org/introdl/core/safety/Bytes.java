package org.introdl.core.safety;

import java.util.Locale;

/** Byte sizes as people write them ({@code 512m}, {@code 4g}, {@code 1.5GiB}) and as we print them. */
public final class Bytes {
  private Bytes() {}

  /** Parses "123", "64k", "512m", "4g", "1.5GiB", "2t" (binary units); throws IllegalArgumentException. */
  public static long parse(String text) {
    String s = text.strip().toLowerCase(Locale.ROOT).replace("ib", "").replace("b", "");
    long unit = 1;
    if (!s.isEmpty()) {
      switch (s.charAt(s.length() - 1)) {
        case 'k' -> unit = 1L << 10;
        case 'm' -> unit = 1L << 20;
        case 'g' -> unit = 1L << 30;
        case 't' -> unit = 1L << 40;
        default -> unit = 1;
      }
      if (unit > 1) {
        s = s.substring(0, s.length() - 1);
      }
    }
    double value;
    try {
      value = Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a size (e.g. 512m, 4g)");
    }
    if (!(value > 0) || value * unit >= Long.MAX_VALUE) {
      throw new IllegalArgumentException("'" + text + "' is not a positive size (e.g. 512m, 4g)");
    }
    return (long) (value * unit);
  }

  /** "812 B", "1.2 KiB", "10.0 GiB". */
  public static String format(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = bytes;
    int i = -1;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
  }
}
