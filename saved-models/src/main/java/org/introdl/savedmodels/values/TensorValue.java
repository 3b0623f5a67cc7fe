package org.introdl.savedmodels.values;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.introdl.core.io.Npy;

/**
 * A value fed to or fetched from a signature: numbers (one of the six {@code .npy} dtypes), or byte strings, the
 * contents of a TensorFlow {@code string} tensor (text, or serialized protos such as {@code tf.Example}).
 */
public sealed interface TensorValue permits TensorValue.Numbers, TensorValue.Strings {
  /** The prefix that marks a JSON string as base64-encoded bytes rather than text. */
  String BASE64_PREFIX = "b64:";

  long[] shape();

  /** Numeric arrays by key, as values (in the same order). */
  static java.util.Map<String, TensorValue> numbers(java.util.Map<String, Npy.Array> arrays) {
    java.util.Map<String, TensorValue> values = new java.util.LinkedHashMap<>();
    arrays.forEach((k, v) -> values.put(k, new Numbers(v)));
    return values;
  }

  /**
   * Numbers, as an {@code .npy} array; {@code dtype} is the tensor's own dtype, which for float16, bfloat16 and uint16
   * is narrower than the array's.
   */
  record Numbers(Npy.Array array, org.tensorflow.proto.DataType dtype) implements TensorValue {
    public Numbers(Npy.Array array) {
      this(array, Dtypes.toTf(array.dtype()));
    }

    @Override
    public long[] shape() {
      return array.shape();
    }

    /** Whether the tensor's dtype is narrower than the array's (float16 held as float32). */
    public boolean widened() {
      return dtype != Dtypes.toTf(array.dtype());
    }
  }

  /** Byte strings in C order. */
  record Strings(long[] shape, List<byte[]> values) implements TensorValue {
    public Strings {
      values = List.copyOf(values);
      long count = 1;
      for (long d : shape) {
        count *= d;
      }
      if (count != values.size()) {
        throw new IllegalArgumentException("shape " + TensorSpec.shapeText(shape) + " does not hold "
            + values.size() + " strings");
      }
    }

    /** A string as JSON shows it: the text if it is valid UTF-8, else {@code b64:} and its bytes in base64. */
    public static String display(byte[] value) {
      try {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(value)).toString();
      } catch (CharacterCodingException e) {
        return BASE64_PREFIX + Base64.getEncoder().encodeToString(value);
      }
    }
  }
}
