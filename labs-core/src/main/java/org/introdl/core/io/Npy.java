package org.introdl.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.introdl.core.UserError;

/**
 * NumPy's {@code .npy} format (versions 1.0, 2.0, 3.0), C order, for the dtypes the labs exchange with Python:
 * float32, float64, int32, int64, bool and uint8. Reading checks the header against the file size before it
 * allocates anything, so a hostile header cannot ask for gigabytes.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final int MAX_HEADER = 64 * 1024;
  // NumPy writes the header with Python's repr (single quotes); double quotes are accepted too.
  private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
  private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /** The element types this codec reads and writes, with NumPy's descriptor and item size. */
  public enum DType {
    FLOAT32("<f4", 4),
    FLOAT64("<f8", 8),
    INT32("<i4", 4),
    INT64("<i8", 8),
    BOOL("|b1", 1),
    UINT8("|u1", 1);

    public final String descr;
    public final int itemSize;

    DType(String descr, int itemSize) {
      this.descr = descr;
      this.itemSize = itemSize;
    }

    static DType ofDescr(String descr) {
      String d = descr.replace("=", "<");
      for (DType t : values()) {
        if (t.descr.equals(d) || (t.itemSize == 1 && t.descr.substring(1).equals(d.substring(1)))) {
          return t;
        }
      }
      return null;
    }
  }

  /** An n-dimensional array: dtype, shape and the little-endian C-order bytes. */
  public record Array(DType dtype, long[] shape, ByteBuffer data) {
    public Array {
      data = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    public long size() {
      return elementCount(shape);
    }

    public static Array of(float[] values, long... shape) {
      ByteBuffer b = allocate(DType.FLOAT32, shape, values.length);
      b.asFloatBuffer().put(values);
      return new Array(DType.FLOAT32, shape.clone(), b);
    }

    public static Array of(double[] values, long... shape) {
      ByteBuffer b = allocate(DType.FLOAT64, shape, values.length);
      b.asDoubleBuffer().put(values);
      return new Array(DType.FLOAT64, shape.clone(), b);
    }

    public static Array of(int[] values, long... shape) {
      ByteBuffer b = allocate(DType.INT32, shape, values.length);
      b.asIntBuffer().put(values);
      return new Array(DType.INT32, shape.clone(), b);
    }

    public static Array of(long[] values, long... shape) {
      ByteBuffer b = allocate(DType.INT64, shape, values.length);
      b.asLongBuffer().put(values);
      return new Array(DType.INT64, shape.clone(), b);
    }

    public static Array ofBytes(DType dtype, byte[] values, long... shape) {
      if (dtype.itemSize != 1) {
        throw new IllegalArgumentException("ofBytes takes bool or uint8");
      }
      ByteBuffer b = allocate(dtype, shape, values.length);
      b.put(values).flip();
      return new Array(dtype, shape.clone(), b);
    }

    /** The values converted to float (any dtype). */
    public float[] toFloats() {
      int n = Math.toIntExact(size());
      float[] out = new float[n];
      ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < n; i++) {
        out[i] = (float) valueAt(b, i);
      }
      return out;
    }

    /** The values converted to double (any dtype). */
    public double[] toDoubles() {
      int n = Math.toIntExact(size());
      double[] out = new double[n];
      ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < n; i++) {
        out[i] = valueAt(b, i);
      }
      return out;
    }

    private double valueAt(ByteBuffer b, int i) {
      int at = i * dtype.itemSize;
      return switch (dtype) {
        case FLOAT32 -> b.getFloat(at);
        case FLOAT64 -> b.getDouble(at);
        case INT32 -> b.getInt(at);
        case INT64 -> b.getLong(at);
        case BOOL -> b.get(at) != 0 ? 1 : 0;
        case UINT8 -> b.get(at) & 0xff;
      };
    }

    private static ByteBuffer allocate(DType dtype, long[] shape, int length) {
      if (elementCount(shape) != length) {
        throw new IllegalArgumentException(
            "shape " + java.util.Arrays.toString(shape) + " does not hold " + length + " values");
      }
      return ByteBuffer.allocate(length * dtype.itemSize).order(ByteOrder.LITTLE_ENDIAN);
    }
  }

  /** Reads a {@code .npy} file; any problem is a {@link UserError} naming the file. */
  public static Array read(Path file) {
    long fileSize;
    try {
      fileSize = Files.size(file);
    } catch (IOException e) {
      throw UserError.inFile(file, "cannot read (" + e.getMessage() + ")");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, fileSize, file.toString());
    } catch (IOException e) {
      throw UserError.inFile(file, "cannot read (" + e.getMessage() + ")");
    }
  }

  /** Reads from a stream of known length; {@code name} is used in error messages. */
  public static Array read(InputStream in, long length, String name) throws IOException {
    byte[] preamble = in.readNBytes(8);
    if (preamble.length < 8 || !startsWithMagic(preamble)) {
      throw new UserError(name + ": not a .npy file (bad magic)");
    }
    int major = preamble[6];
    int headerLen;
    int prefix;
    if (major == 1) {
      byte[] len = in.readNBytes(2);
      if (len.length < 2) {
        throw new UserError(name + ": truncated .npy header");
      }
      headerLen = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
      prefix = 10;
    } else if (major == 2 || major == 3) {
      byte[] len = in.readNBytes(4);
      if (len.length < 4) {
        throw new UserError(name + ": truncated .npy header");
      }
      headerLen = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt();
      prefix = 12;
    } else {
      throw new UserError(name + ": unsupported .npy version " + major);
    }
    if (headerLen < 0 || headerLen > MAX_HEADER || prefix + (long) headerLen > length) {
      throw new UserError(name + ": truncated or corrupt .npy header (length " + headerLen + ")");
    }
    byte[] headerBytes = in.readNBytes(headerLen);
    if (headerBytes.length < headerLen) {
      throw new UserError(name + ": truncated .npy header");
    }
    String header = new String(headerBytes, StandardCharsets.ISO_8859_1);
    DType dtype = parseDType(header, name);
    long[] shape = parseShape(header, name);
    long count = elementCount(shape);
    long expected = count < 0 || count > Long.MAX_VALUE / dtype.itemSize ? -1 : count * dtype.itemSize;
    long available = length - prefix - headerLen;
    if (count < 0 || expected != available) {
      throw new UserError(
          String.format(Locale.ROOT, "%s: header says %d values of %s (%d bytes) but the file holds %d bytes",
              name, count, dtype.descr, expected, available));
    }
    if (expected > Integer.MAX_VALUE - 8) {
      throw new UserError(name + ": array too large (" + expected + " bytes)");
    }
    byte[] body = in.readNBytes((int) expected);
    if (body.length != expected) {
      throw new UserError(name + ": truncated .npy data");
    }
    return new Array(dtype, shape, ByteBuffer.wrap(body));
  }

  /** Writes {@code array} as a version 1.0 {@code .npy} file, atomically. */
  public static void write(Path file, Array array) {
    AtomicFiles.write(file, out -> out.write(toBytes(array)));
  }

  /** The bytes of a version 1.0 {@code .npy} file holding {@code array}. */
  public static byte[] toBytes(Array array) {
    StringBuilder shape = new StringBuilder("(");
    for (int i = 0; i < array.shape().length; i++) {
      shape.append(array.shape()[i]);
      if (array.shape().length == 1 || i < array.shape().length - 1) {
        shape.append(i < array.shape().length - 1 ? ", " : ",");
      }
    }
    shape.append(')');
    String dict = "{'descr': '" + array.dtype().descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    int unpadded = 10 + dict.length() + 1;
    int pad = (64 - unpadded % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    ByteBuffer data = array.data().duplicate();
    data.rewind();
    ByteBuffer out = ByteBuffer.allocate(10 + header.length() + data.remaining()).order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
    out.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
    return out.array();
  }

  private static boolean startsWithMagic(byte[] b) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (b[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  private static DType parseDType(String header, String name) {
    Matcher m = DESCR.matcher(header);
    if (!m.find()) {
      throw new UserError(name + ": .npy header has no 'descr'");
    }
    DType t = DType.ofDescr(m.group(1));
    if (t == null) {
      throw new UserError(name + ": unsupported dtype '" + m.group(1)
          + "' (float32, float64, int32, int64, bool, uint8 are supported, little-endian)");
    }
    Matcher f = FORTRAN.matcher(header);
    if (f.find() && f.group(1).equals("True")) {
      throw new UserError(name + ": Fortran-order arrays are not supported (save with C order)");
    }
    return t;
  }

  private static long[] parseShape(String header, String name) {
    Matcher m = SHAPE.matcher(header);
    if (!m.find()) {
      throw new UserError(name + ": .npy header has no 'shape'");
    }
    List<Long> dims = new ArrayList<>();
    for (String part : m.group(1).split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      try {
        long d = Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
        if (d < 0) {
          throw new NumberFormatException();
        }
        dims.add(d);
      } catch (NumberFormatException e) {
        throw new UserError(name + ": bad dimension '" + p + "' in .npy shape");
      }
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  static long elementCount(long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        return -1;
      }
      try {
        n = Math.multiplyExact(n, d);
      } catch (ArithmeticException e) {
        return -1;
      }
    }
    return n;
  }
}
