package org.introdl.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.introdl.savedmodels.values.TensorSpec;
import org.introdl.savedmodels.values.TensorValue;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DataType;

/**
 * The one-pass reader of plain row-format requests gives the tensor the general path gives, byte for byte, and
 * hands every other body (each mistake included) to the general path, which alone decides TF Serving's errors.
 */
class PlainInstancesTest {
  private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();
  private static final TensorSpec FLOAT = new TensorSpec("x", "x:0", DataType.DT_FLOAT, new long[] {-1, -1});
  private static final TensorSpec DOUBLE = new TensorSpec("x", "x:0", DataType.DT_DOUBLE, new long[] {-1});

  @Test
  void plainBodiesGiveTheGeneralPathsTensor() {
    for (String instances : new String[] {"[1.0, 2.0, 5.0]", "[[1, 0], [0, 1]]", "[[[0.5, -2e-3]], [[1e30, 3]]]",
        "[16777215, -16777215]", "[NaN, Infinity, -Infinity]", "[0.1, 1.5e-45, 3.4e38]"}) {
      for (TensorSpec spec : new TensorSpec[] {FLOAT, DOUBLE}) {
        String body = "{\"instances\": " + instances + "}";
        TensorValue plain = PlainInstances.read(bytes(body), spec, JSON);
        assertNotNull(plain, body + " takes the one-pass path");
        assertSame(general(body, spec), plain, body);
      }
    }
  }

  @Test
  void everyOtherBodyIsLeftToTheGeneralPath() {
    for (String body : new String[] {"{\"instances\": [[1.0, 2.0], [3.0]]}", "{\"instances\": [1.0, [2.0]]}",
        "{\"instances\": [\"one\"]}", "{\"instances\": [16777217]}", "{\"instances\": []}",
        "{\"instances\": [[]]}", "{\"instances\": [{\"x\": 1.0}]}", "{\"inputs\": [1.0]}",
        "{\"signature_name\": \"s\", \"instances\": [1.0]}", "{\"instances\": [1.0], \"inputs\": [1.0]}",
        "{\"instances\": [1.0]} 7", "{\"instances\": [1e39]}", "{\"instances\": [3.4028235e38]}",
        "{\"instances\": [true]}", "{\"instances\": [null]}",
        "{\"instances\": [1.0", "[1.0]", "{\"instances\": [99999999999999999999]}"}) {
      assertNull(PlainInstances.read(bytes(body), FLOAT, JSON), body);
    }
  }

  @Test
  void randomBodiesAreReadAsTheGeneralPathReadsThemOrLeftToIt() {
    Random random = new Random(5);
    int taken = 0;
    for (int i = 0; i < 2000; i++) {
      String body = "{\"instances\": " + nest(random, 1 + random.nextInt(3), random.nextInt(20) == 0) + "}";
      TensorValue plain = PlainInstances.read(bytes(body), FLOAT, JSON);
      if (plain != null) {
        taken++;
        assertSame(general(body, FLOAT), plain, body);
      }
    }
    assertEquals(true, taken > 1000, "most random rectangular bodies take the one-pass path: " + taken);
  }

  /** A rectangular nest of numbers of the given depth, or (ragged) one whose last row is short. */
  private static String nest(Random random, int depth, boolean ragged) {
    int[] sizes = new int[depth];
    for (int d = 0; d < depth; d++) {
      sizes[d] = 1 + random.nextInt(3);
    }
    return nest(random, sizes, 0, ragged);
  }

  private static String nest(Random random, int[] sizes, int level, boolean ragged) {
    if (level == sizes.length) {
      return switch (random.nextInt(4)) {
        case 0 -> Integer.toString(random.nextInt(2000) - 1000);
        case 1 -> Float.toString(random.nextFloat() * 10 - 5);
        case 2 -> Double.toString(random.nextGaussian() * Math.pow(10, random.nextInt(60) - 30));
        default -> Long.toString(random.nextLong() >> random.nextInt(64));
      };
    }
    StringBuilder b = new StringBuilder("[");
    int size = ragged && level == sizes.length - 1 ? Math.max(sizes[level] - random.nextInt(2), 1) : sizes[level];
    for (int i = 0; i < size; i++) {
      b.append(i > 0 ? ", " : "").append(nest(random, sizes, level + 1, ragged && i == size - 1));
    }
    return b.append(']').toString();
  }

  private static TensorValue general(String body, TensorSpec spec) {
    return JsonTensors.parsePredict(RestApi.parseJson(bytes(body)), Map.of("x", spec)).inputs().get("x");
  }

  private static void assertSame(TensorValue expected, TensorValue actual, String body) {
    TensorValue.Numbers e = (TensorValue.Numbers) expected;
    TensorValue.Numbers a = (TensorValue.Numbers) actual;
    assertArrayEquals(e.shape(), a.shape(), body);
    assertEquals(e.dtype(), a.dtype(), body);
    assertEquals(e.array().dtype(), a.array().dtype(), body);
    assertEquals(bytesOf(e.array().data()), bytesOf(a.array().data()), body);
  }

  private static ByteBuffer bytesOf(ByteBuffer data) {
    ByteBuffer d = data.duplicate();
    d.rewind();
    return d;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
