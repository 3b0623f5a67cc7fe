package org.introdl.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.introdl.core.UserError;
import org.introdl.core.testing.BadInputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@code .npy} codec: NumPy's layout, dtypes, edge shapes, header versions, damaged and hostile files. */
class NpyTest {
  @TempDir Path tmp;

  private static Npy.Array read(byte[] bytes) throws IOException {
    return Npy.read(new ByteArrayInputStream(bytes), bytes.length, "t.npy");
  }

  /** A file with the given version and header dict (padded as NumPy pads) and body. */
  private static byte[] file(int major, String dict, byte[] body) {
    int prefix = major == 1 ? 10 : 12;
    int unpadded = prefix + dict.length() + 1;
    String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
    ByteBuffer b = ByteBuffer.allocate(prefix + header.length() + body.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    if (major == 1) {
      b.putShort((short) header.length());
    } else {
      b.putInt(header.length());
    }
    b.put(header.getBytes(StandardCharsets.UTF_8)).put(body);
    return b.array();
  }

  private static byte[] floats(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return b.array();
  }

  @Test
  void writesNumPysExactLayout() {
    // np.save of np.arange(6, dtype='<f4').reshape(2, 3): version 1.0, header padded so data starts at byte 128.
    byte[] bytes = Npy.toBytes(Npy.Array.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3));
    assertEquals(128 + 24, bytes.length);
    assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 118, 0}, Arrays.copyOf(bytes, 10));
    String header = new String(bytes, 10, 118, StandardCharsets.ISO_8859_1);
    assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), header);
    assertTrue(header.endsWith(" \n"), header);
    assertArrayEquals(floats(0, 1, 2, 3, 4, 5), Arrays.copyOfRange(bytes, 128, bytes.length));
  }

  @Test
  void shapesOfRankZeroAndOneAreWrittenAsPythonTuples() {
    String scalar = new String(Npy.toBytes(Npy.Array.of(new double[] {2.5})), StandardCharsets.ISO_8859_1);
    assertTrue(scalar.contains("'shape': (), }"), scalar);
    String empty = new String(Npy.toBytes(Npy.Array.of(new int[0], 0)), StandardCharsets.ISO_8859_1);
    assertTrue(empty.contains("'shape': (0,), }"), empty);
    String vector = new String(Npy.toBytes(Npy.Array.of(new long[] {7}, 1)), StandardCharsets.ISO_8859_1);
    assertTrue(vector.contains("'descr': '<i8'") && vector.contains("'shape': (1,), }"), vector);
  }

  @ParameterizedTest
  @EnumSource(Npy.DType.class)
  void everyDtypeRoundTripsThroughAFileInEveryEdgeShape(Npy.DType dtype) throws Exception {
    for (long[] shape : new long[][] {{}, {0}, {2, 3}, {1, 1, 4}, {3, 0, 2}}) {
      int n = (int) Npy.elementCount(shape);
      Npy.Array a = sample(dtype, n, shape);
      Path f = tmp.resolve(dtype + "-" + shape.length + "-" + n + ".npy");
      Npy.write(f, a);
      Npy.Array back = Npy.read(f);
      assertEquals(dtype, back.dtype());
      assertArrayEquals(shape, back.shape());
      assertArrayEquals(a.toDoubles(), back.toDoubles(), 0.0);
      assertEquals(0, (Files.size(f) - (long) n * dtype.itemSize) % 64, "data starts on a 64-byte boundary");
    }
  }

  private static Npy.Array sample(Npy.DType dtype, int n, long[] shape) {
    return switch (dtype) {
      case FLOAT32 -> {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
          v[i] = i == 1 ? Float.NaN : i == 2 ? -Float.MAX_VALUE : i * 0.1f - 1;
        }
        yield Npy.Array.of(v, shape);
      }
      case FLOAT64 -> {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
          v[i] = i == 1 ? Double.NEGATIVE_INFINITY : Math.PI * i;
        }
        yield Npy.Array.of(v, shape);
      }
      case INT32 -> {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
          v[i] = i == 1 ? Integer.MIN_VALUE : i * 1000 - 7;
        }
        yield Npy.Array.of(v, shape);
      }
      case INT64 -> {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
          v[i] = i == 1 ? Long.MAX_VALUE : -i;
        }
        yield Npy.Array.of(v, shape);
      }
      case BOOL, UINT8 -> {
        byte[] v = new byte[n];
        for (int i = 0; i < n; i++) {
          v[i] = (byte) (dtype == Npy.DType.BOOL ? i % 2 : (i * 85) % 256);
        }
        yield Npy.Array.ofBytes(dtype, v, shape);
      }
    };
  }

  @Test
  void valuesConvertAsNumPyWouldCastThem() {
    assertArrayEquals(new double[] {0, 255, 128},
        Npy.Array.ofBytes(Npy.DType.UINT8, new byte[] {0, (byte) 255, (byte) 128}, 3).toDoubles(), 0.0);
    assertArrayEquals(new float[] {1, 0, 1},
        Npy.Array.ofBytes(Npy.DType.BOOL, new byte[] {1, 0, 1}, 3).toFloats(), 0f);
    assertThrows(IllegalArgumentException.class, () -> Npy.Array.of(new float[] {1, 2, 3}, 2, 2));
  }

  @Test
  void readsVersion2And3HeadersAndOtherByteOrderSpellings() throws Exception {
    byte[] body = floats(1.5f, -2f);
    Npy.Array v2 = read(file(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", body));
    assertArrayEquals(new float[] {1.5f, -2f}, v2.toFloats(), 0f);
    Npy.Array v3 = read(file(3, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }", body));
    assertArrayEquals(new long[] {1, 2}, v3.shape());
    Npy.Array bools = read(file(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", new byte[] {1, 0}));
    assertEquals(Npy.DType.BOOL, bools.dtype());
    Npy.Array native8 = read(file(1, "{'descr': '=i8', 'shape': (), 'fortran_order': False}", new byte[8]));
    assertEquals(Npy.DType.INT64, native8.dtype());
    Npy.Array python2Long = read(file(1, "{'descr': '<u1', 'fortran_order': False, 'shape': (3L,), }",
        new byte[] {1, 2, 3}));
    assertArrayEquals(new long[] {3}, python2Long.shape());
  }

  @Test
  void everyTruncationAndRandomFileIsAOneLineUserError() {
    byte[] valid = Npy.toBytes(Npy.Array.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
    int cases = 0;
    for (int n = 0; n < valid.length; n++) {
      byte[] cut = Arrays.copyOf(valid, n);
      assertOneLine(assertThrows(UserError.class, () -> read(cut), "prefix of " + n + " bytes"));
      cases++;
    }
    for (byte[] random : BadInputs.randomBytes(42, 50, 400)) {
      assertOneLine(assertThrows(UserError.class, () -> read(random)));
      cases++;
    }
    byte[] longer = Arrays.copyOf(valid, valid.length + 4);
    assertTrue(assertThrows(UserError.class, () -> read(longer)).getMessage().contains("file holds 28 bytes"));
    assertTrue(cases > 150);
  }

  @Test
  void hostileHeadersAreRefusedBeforeAllocating() {
    String[][] cases = {
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000, 1000000000), }", "header says"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", "header says"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", "bad dimension"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", "bad dimension"},
      {"{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", "unsupported dtype '>f4'"},
      {"{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", "unsupported dtype"},
      {"{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", "unsupported dtype"},
      {"{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", "Fortran-order"},
      {"{'fortran_order': False, 'shape': (2,), }", "no 'descr'"},
      {"{'descr': '<f4', 'fortran_order': False, }", "no 'shape'"},
    };
    for (String[] c : cases) {
      UserError e = assertThrows(UserError.class, () -> read(file(1, c[0], floats(1, 2))), c[0]);
      assertTrue(e.getMessage().contains(c[1]), e.getMessage());
      assertOneLine(e);
    }
    // A version 2 header length of 2 GiB, and an unknown version.
    byte[] huge = file(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", floats(1, 2));
    ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(8, Integer.MAX_VALUE);
    assertTrue(assertThrows(UserError.class, () -> read(huge)).getMessage().contains("corrupt .npy header"));
    byte[] v9 = file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", floats(1, 2));
    v9[6] = 9;
    assertTrue(assertThrows(UserError.class, () -> read(v9)).getMessage().contains("unsupported .npy version 9"));
  }

  @Test
  void missingFileNamesTheFile() {
    UserError e = assertThrows(UserError.class, () -> Npy.read(tmp.resolve("absent.npy")));
    assertTrue(e.getMessage().startsWith(tmp.resolve("absent.npy") + ": cannot read"), e.getMessage());
  }

  private static void assertOneLine(UserError e) {
    assertTrue(e.getMessage().startsWith("t.npy: "), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
  }
}
