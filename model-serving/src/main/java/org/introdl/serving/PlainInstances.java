package org.introdl.serving;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.introdl.core.io.Npy;
import org.introdl.savedmodels.values.Dtypes;
import org.introdl.savedmodels.values.TensorSpec;
import org.introdl.savedmodels.values.TensorValue;
import org.tensorflow.proto.DataType;

/**
 * The common predict request read in one pass: {@code {"instances": [...]}} and nothing else, for a signature with
 * one float or double input, every row a rectangular nest of lists of plain numbers the dtype holds. Such a body
 * (a generation client's one-hot window, an image) is most of the traffic, and reading its tokens straight into the
 * tensor's bytes skips the JSON tree and a value object per number. Anything else, including every mistake, is
 * answered {@code null}: the request then takes the general path ({@link JsonTensors}), which gives TF Serving's
 * answer or its error; so this path never decides an error, and its tensors equal the general path's.
 */
final class PlainInstances {
  private PlainInstances() {}

  /** The input tensor of {@code body}, or null when the body is not a plain row-format request for {@code spec}. */
  static TensorValue read(byte[] body, TensorSpec spec, ObjectMapper json) {
    DataType base = Dtypes.base(spec.dtype());
    if (base != DataType.DT_FLOAT && base != DataType.DT_DOUBLE) {
      return null;
    }
    try (JsonParser p = json.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT || p.nextToken() != JsonToken.FIELD_NAME
          || !p.currentName().equals("instances") || p.nextToken() != JsonToken.START_ARRAY) {
        return null;
      }
      Reader reader = new Reader(p, base == DataType.DT_FLOAT);
      if (!reader.rows() || p.nextToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        return null;
      }
      return reader.tensor(base);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Reads the rows after {@code "instances": [}, learning the shape from the first row. */
  private static final class Reader {
    private final JsonParser p;
    private final boolean float32;
    /** The shape of a row, learnt from the first one. */
    private final List<Integer> rowShape = new ArrayList<>();
    private double[] values = new double[256];
    private int count;
    private int rows;

    Reader(JsonParser p, boolean float32) {
      this.p = p;
      this.float32 = float32;
    }

    /** Every row up to the closing bracket; false when a row is not plain or not shaped as the first. */
    boolean rows() throws IOException {
      for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
        boolean first = rows == 0;
        if (!(first ? learn(t, 0) : value(t, 0))) {
          return false;
        }
        rows++;
      }
      return rows > 0;
    }

    /** The first row: any rectangular nest, its sizes recorded level by level (the first child of each teaches). */
    private boolean learn(JsonToken t, int level) throws IOException {
      if (t != JsonToken.START_ARRAY) {
        return rowShape.size() == level && number(t);
      }
      rowShape.add(-1);
      int size = 0;
      for (JsonToken c = p.nextToken(); c != JsonToken.END_ARRAY; c = p.nextToken()) {
        if (!(size == 0 ? learn(c, level + 1) : value(c, level + 1))) {
          return false;
        }
        size++;
      }
      rowShape.set(level, size);
      return size > 0;
    }

    /** A later part of the nest, which must have the sizes learnt. */
    private boolean value(JsonToken t, int level) throws IOException {
      if (level == rowShape.size()) {
        return number(t);
      }
      if (t != JsonToken.START_ARRAY) {
        return false;
      }
      int size = 0;
      for (JsonToken c = p.nextToken(); c != JsonToken.END_ARRAY; c = p.nextToken()) {
        if (!value(c, level + 1)) {
          return false;
        }
        size++;
      }
      return size == rowShape.get(level);
    }

    /** A number the dtype holds as the general path takes it: integers up to 2^24 - 1 (2^53 - 1), decimals in range. */
    private boolean number(JsonToken t) throws IOException {
      double v;
      if (t == JsonToken.VALUE_NUMBER_INT) {
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          return false;
        }
        long l = p.getLongValue();
        if (Math.abs(l) > (1L << (float32 ? 24 : 53)) - 1) {
          return false;
        }
        v = l;
      } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
        v = p.getDoubleValue();
        if (Double.isFinite(v) && Math.abs(v) > (float32 ? Float.MAX_VALUE : Double.MAX_VALUE)) {
          return false;
        }
      } else {
        return false;
      }
      if (count == values.length) {
        values = Arrays.copyOf(values, count * 2);
      }
      values[count++] = v;
      return true;
    }

    TensorValue tensor(DataType base) {
      long[] shape = new long[rowShape.size() + 1];
      shape[0] = rows;
      for (int i = 0; i < rowShape.size(); i++) {
        shape[i + 1] = rowShape.get(i);
      }
      Npy.DType carrier = float32 ? Npy.DType.FLOAT32 : Npy.DType.FLOAT64;
      ByteBuffer buf = ByteBuffer.allocate(count * carrier.itemSize).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < count; i++) {
        if (float32) {
          buf.putFloat((float) values[i]);
        } else {
          buf.putDouble(values[i]);
        }
      }
      buf.flip();
      return new TensorValue.Numbers(new Npy.Array(carrier, shape, buf), base);
    }
  }
}
