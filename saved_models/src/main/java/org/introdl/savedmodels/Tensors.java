package org.introdl.savedmodels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.introdl.core.UserError;
import org.introdl.core.io.Npy;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.ByteDataBuffer;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TString;

/** Copies between {@code .npy} arrays (little-endian bytes) and TensorFlow tensors (native order). */
public final class Tensors {
  static {
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new IllegalStateException("only little-endian machines are supported");
    }
  }

  private Tensors() {}

  /** A new tensor holding {@code array}; the caller closes it. */
  public static Tensor toTensor(Npy.Array array) {
    ByteBuffer data = array.data().duplicate();
    data.rewind();
    byte[] bytes = new byte[data.remaining()];
    data.get(bytes);
    return Tensor.of(Dtypes.tensorClass(array.dtype()), Shape.of(array.shape()), DataBuffers.of(bytes, true, false));
  }

  /** A new tensor holding {@code value}; the caller closes it. */
  public static Tensor toTensor(TensorValue value) {
    if (value instanceof TensorValue.Strings s) {
      return TString.tensorOfBytes(Shape.of(s.shape()), DataBuffers.ofObjects(s.values().toArray(byte[][]::new)));
    }
    return toTensor(((TensorValue.Numbers) value).array());
  }

  /** The values of {@code tensor}: strings as bytes, numbers as by {@link #toArray}. */
  public static TensorValue toValue(Tensor tensor, String name) {
    if (tensor instanceof TString strings) {
      long[] shape = tensor.shape().asArray();
      List<byte[]> values = new ArrayList<>();
      strings.asBytes().scalars().forEach(s -> values.add(s.getObject()));
      return new TensorValue.Strings(shape == null ? new long[0] : shape, values);
    }
    return new TensorValue.Numbers(toArray(tensor, name));
  }

  /** The values of {@code tensor} as an array; {@code name} is used if its dtype cannot be represented. */
  public static Npy.Array toArray(Tensor tensor, String name) {
    Npy.DType dtype = Dtypes.toNpy(tensor.dataType()).orElseThrow(() -> new UserError(
        name + ": output dtype " + Dtypes.name(tensor.dataType())
            + " cannot be printed or saved (float32, float64, int32, int64, bool, uint8 and string can)"));
    long bytes = tensor.numBytes();
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new UserError(name + ": output too large to copy (" + bytes + " bytes)");
    }
    byte[] out = new byte[(int) bytes];
    ByteDataBuffer buffer = tensor.asRawTensor().data();
    buffer.read(out);
    long[] shape = tensor.shape().asArray();
    return new Npy.Array(dtype, shape == null ? new long[0] : shape, ByteBuffer.wrap(out));
  }
}
