package org.introdl.savedmodels.values;

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
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat16;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint16;

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

  /**
   * A new tensor of dtype {@code target} holding {@code value}: float16, bfloat16 and uint16 are narrowed from the
   * array that carries them, refusing values they cannot hold; other dtypes as {@link #toTensor(TensorValue)}.
   */
  public static Tensor toTensor(TensorValue value, DataType target, String name) {
    if (!(value instanceof TensorValue.Numbers n)) {
      return toTensor(value);
    }
    Shape shape = Shape.of(n.shape());
    switch (Dtypes.base(target)) {
      case DT_HALF, DT_BFLOAT16 -> {
        float[] v = n.array().toFloats();
        float max = target == DataType.DT_HALF ? 65504f : Float.MAX_VALUE;
        for (float f : v) {
          if (Float.isFinite(f) && Math.abs(f) > max) {
            throw new UserError(name + ": " + f + " is too large for " + Dtypes.name(target));
          }
        }
        return Dtypes.base(target) == DataType.DT_HALF ? TFloat16.tensorOf(shape, DataBuffers.of(v, true, false))
            : TBfloat16.tensorOf(shape, DataBuffers.of(v, true, false));
      }
      case DT_UINT16 -> {
        double[] v = n.array().toDoubles();
        short[] s = new short[v.length];
        for (int i = 0; i < v.length; i++) {
          if (v[i] < 0 || v[i] > 65535) {
            throw new UserError(name + ": " + (long) v[i] + " is out of range [0, 65535] for uint16");
          }
          s[i] = (short) (int) v[i];
        }
        return TUint16.tensorOf(shape, DataBuffers.of(s, true, false));
      }
      default -> {
        return toTensor(value);
      }
    }
  }

  /** The values of {@code tensor}: strings as bytes, numbers as by {@link #toArray}. */
  public static TensorValue toValue(Tensor tensor, String name) {
    if (tensor instanceof TString strings) {
      long[] shape = tensor.shape().asArray();
      List<byte[]> values = new ArrayList<>();
      strings.asBytes().scalars().forEach(s -> values.add(s.getObject()));
      return new TensorValue.Strings(shape == null ? new long[0] : shape, values);
    }
    long[] shape = tensor.shape().asArray() == null ? new long[0] : tensor.shape().asArray();
    if (tensor instanceof TFloat16 || tensor instanceof TBfloat16) {
      float[] v = new float[(int) tensor.shape().size()];
      ((org.tensorflow.ndarray.FloatNdArray) tensor).copyTo(DataBuffers.of(v, false, false));
      return new TensorValue.Numbers(Npy.Array.of(v, shape), tensor.dataType());
    }
    if (tensor instanceof TUint16 u) {
      short[] s = new short[(int) tensor.shape().size()];
      u.copyTo(DataBuffers.of(s, false, false));
      int[] v = new int[s.length];
      for (int i = 0; i < s.length; i++) {
        v[i] = Short.toUnsignedInt(s[i]);
      }
      return new TensorValue.Numbers(Npy.Array.of(v, shape), tensor.dataType());
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
