package org.introdl.savedmodels.values;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.introdl.core.UserError;

/**
 * NumPy {@code .npy} files of fixed-width strings, read as the byte strings of a TensorFlow {@code string} tensor:
 * {@code |S<n>} (bytes, NUL-padded; {@code np.array([b"a"])}) and {@code <U<n>} (UTF-32 text;
 * {@code np.array(["a"])}), stored as UTF-8. Object arrays ({@code |O}) are pickles and are refused.
 */
public final class StringNpy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([<>|=])([SUO])(\\d*)['\"]");
  private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*True");
  private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

  private StringNpy() {}

  public static TensorValue.Strings read(Path file) {
    byte[] bytes;
    try {
      if (!Files.isRegularFile(file)) {
        throw UserError.inFile(file, "not found");
      }
      if (Files.size(file) > ArrayJson.MAX_VALUES * 4) {
        throw UserError.inFile(file, "too large for a string input");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw UserError.inFile(file, "cannot read (" + e.getMessage() + ")");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
      throw UserError.inFile(file, "not a .npy file (bad magic)");
    }
    int major = bytes[6];
    long headerLength = major == 1 ? Short.toUnsignedInt(in.getShort(8)) : Integer.toUnsignedLong(in.getInt(8));
    int start = major == 1 ? 10 : 12;
    if (start + headerLength > bytes.length) {
      throw UserError.inFile(file, "truncated .npy header");
    }
    String header = new String(bytes, start, (int) headerLength, StandardCharsets.ISO_8859_1);
    Matcher descr = DESCR.matcher(header);
    if (!descr.find()) {
      throw UserError.inFile(file, "the model expects strings, but this .npy file holds numbers; save an array of "
          + "str or bytes");
    }
    if (descr.group(2).equals("O") || descr.group(3).isEmpty()) {
      throw UserError.inFile(file, "an object array (pickled Python objects) cannot be read; save it with "
          + "dtype str or bytes (np.array(values, dtype=str))");
    }
    if (FORTRAN.matcher(header).find()) {
      throw UserError.inFile(file, "Fortran-order arrays are not supported; save a C-order array");
    }
    long[] shape = shape(header, file);
    boolean unicode = descr.group(2).equals("U");
    int width = Integer.parseInt(descr.group(3)) * (unicode ? 4 : 1);
    long count = 1;
    for (long d : shape) {
      count *= d;
    }
    int offset = start + (int) headerLength;
    if (count > ArrayJson.MAX_VALUES || offset + count * width != bytes.length) {
      throw UserError.inFile(file, "holds " + (bytes.length - offset) + " data bytes, but shape "
          + TensorSpec.shapeText(shape) + " of " + descr.group(1) + descr.group(2) + descr.group(3) + " needs "
          + count * width);
    }
    ByteOrder order = descr.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    List<byte[]> values = new ArrayList<>();
    for (long i = 0; i < count; i++) {
      int at = offset + (int) i * width;
      values.add(unicode ? utf32(bytes, at, width, order, file) : withoutPadding(bytes, at, width));
    }
    return new TensorValue.Strings(shape, values);
  }

  /** Writes {@code value} as {@code |S<n>} (NumPy bytes, NUL-padded to the longest), atomically. */
  public static void write(Path file, TensorValue.Strings value) {
    int width = Math.max(1, value.values().stream().mapToInt(v -> v.length).max().orElse(1));
    StringBuilder shape = new StringBuilder("(");
    for (long d : value.shape()) {
      shape.append(d).append(", ");
    }
    String dims = value.shape().length == 1 ? shape.substring(0, shape.length() - 1) + ")"
        : value.shape().length == 0 ? "()" : shape.substring(0, shape.length() - 2) + ")";
    String dict = "{'descr': '|S" + width + "', 'fortran_order': False, 'shape': " + dims + ", }";
    int total = 10 + dict.length() + 1;
    String header = dict + " ".repeat((64 - total % 64) % 64) + "\n";
    ByteBuffer out = ByteBuffer.allocate(10 + header.length() + value.values().size() * width)
        .order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length())
        .put(header.getBytes(StandardCharsets.ISO_8859_1));
    for (byte[] v : value.values()) {
      out.put(v).put(new byte[width - v.length]);
    }
    org.introdl.core.io.AtomicFiles.writeBytes(file, out.array());
  }

  private static long[] shape(String header, Path file) {
    Matcher m = SHAPE.matcher(header);
    if (!m.find()) {
      throw UserError.inFile(file, "the .npy header has no shape");
    }
    return Arrays.stream(m.group(1).split(",")).map(String::strip).filter(s -> !s.isEmpty())
        .mapToLong(s -> {
          try {
            return Long.parseLong(s.replace("L", ""));
          } catch (NumberFormatException e) {
            throw UserError.inFile(file, "bad size '" + s + "' in the .npy shape");
          }
        }).toArray();
  }

  /** NumPy pads {@code S} items with NUL bytes at the end. */
  private static byte[] withoutPadding(byte[] bytes, int at, int width) {
    int end = at + width;
    while (end > at && bytes[end - 1] == 0) {
      end--;
    }
    return Arrays.copyOfRange(bytes, at, end);
  }

  private static byte[] utf32(byte[] bytes, int at, int width, ByteOrder order, Path file) {
    ByteBuffer b = ByteBuffer.wrap(bytes, at, width).order(order);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < width / 4; i++) {
      int cp = b.getInt();
      if (cp == 0) {
        break;
      }
      if (!Character.isValidCodePoint(cp)) {
        throw UserError.inFile(file, "holds an invalid character U+" + Integer.toHexString(cp));
      }
      sb.appendCodePoint(cp);
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
