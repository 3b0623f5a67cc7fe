package org.introdl.savedmodels.values;

import java.util.Optional;
import org.introdl.core.io.Npy;
import org.introdl.core.tf.PythonStyle;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;

/** The six dtypes that travel between Python and Java as {@code .npy} or JSON, and their TensorFlow names. */
public final class Dtypes {
  /** TensorFlow numbers each reference dtype as its value dtype plus 100 (DT_FLOAT 1, DT_FLOAT_REF 101). */
  private static final int REF_OFFSET = 100;

  private Dtypes() {}

  /** The {@code .npy} dtype for a TensorFlow dtype, if it is one of the six. */
  public static Optional<Npy.DType> toNpy(DataType type) {
    return Optional.ofNullable(switch (base(type)) {
      case DT_FLOAT -> Npy.DType.FLOAT32;
      case DT_DOUBLE -> Npy.DType.FLOAT64;
      case DT_INT32 -> Npy.DType.INT32;
      case DT_INT64 -> Npy.DType.INT64;
      case DT_BOOL -> Npy.DType.BOOL;
      case DT_UINT8 -> Npy.DType.UINT8;
      default -> null;
    });
  }

  /**
   * The {@code .npy} dtype that carries values of a TensorFlow dtype to and from JSON and files: the dtype itself
   * for the six, the wider one for float16 and bfloat16 (float32) and uint16 (int32).
   */
  public static Optional<Npy.DType> carrier(DataType type) {
    return toNpy(type).or(() -> Optional.ofNullable(switch (base(type)) {
      case DT_HALF, DT_BFLOAT16 -> Npy.DType.FLOAT32;
      case DT_UINT16 -> Npy.DType.INT32;
      default -> null;
    }));
  }

  /**
   * For an output dtype that TensorFlow Java has no tensor class for, the dtype a {@code Cast} added after loading
   * turns it into before it is fetched: int8 and int16 to int32, uint32 and uint64 to int64 (uint64 values above
   * 2^63 - 1 would wrap, and are not expected from real models).
   */
  public static Optional<DataType> fetchCast(DataType type) {
    return Optional.ofNullable(switch (base(type)) {
      case DT_INT8, DT_INT16 -> DataType.DT_INT32;
      case DT_UINT32, DT_UINT64 -> DataType.DT_INT64;
      default -> null;
    });
  }

  /** The TensorFlow dtype of a {@code .npy} dtype. */
  public static DataType toTf(Npy.DType type) {
    return switch (type) {
      case FLOAT32 -> DataType.DT_FLOAT;
      case FLOAT64 -> DataType.DT_DOUBLE;
      case INT32 -> DataType.DT_INT32;
      case INT64 -> DataType.DT_INT64;
      case BOOL -> DataType.DT_BOOL;
      case UINT8 -> DataType.DT_UINT8;
    };
  }

  /** The TensorFlow tensor class for a {@code .npy} dtype. */
  public static Class<? extends TType> tensorClass(Npy.DType type) {
    return switch (type) {
      case FLOAT32 -> TFloat32.class;
      case FLOAT64 -> TFloat64.class;
      case INT32 -> TInt32.class;
      case INT64 -> TInt64.class;
      case BOOL -> TBool.class;
      case UINT8 -> TUint8.class;
    };
  }

  /** NumPy's name: float32, float64, int32, int64, bool, uint8. */
  public static String name(Npy.DType type) {
    return switch (type) {
      case FLOAT32 -> "float32";
      case FLOAT64 -> "float64";
      case INT32 -> "int32";
      case INT64 -> "int64";
      case BOOL -> "bool";
      case UINT8 -> "uint8";
    };
  }

  /** The dtype NumPy calls {@code name}, if it is one of the six. */
  public static Optional<Npy.DType> byName(String name) {
    for (Npy.DType t : Npy.DType.values()) {
      if (name(t).equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** A TensorFlow dtype as Python names it ({@code float32}, {@code string}, ...). */
  public static String name(DataType type) {
    if (isRef(type)) {
      return name(base(type)) + "_ref";
    }
    return type == DataType.DT_FLOAT ? "float32" : type == DataType.DT_DOUBLE ? "float64" : PythonStyle.dtype(type);
  }

  /** Whether {@code type} is a reference dtype ({@code float_ref}: a TF1 variable itself, not its value). */
  public static boolean isRef(DataType type) {
    return type.getNumber() > REF_OFFSET && DataType.forNumber(type.getNumber() - REF_OFFSET) != null;
  }

  /** The value dtype of a reference dtype ({@code float_ref} is read as {@code float32}); others unchanged. */
  public static DataType base(DataType type) {
    return isRef(type) ? DataType.forNumber(type.getNumber() - REF_OFFSET) : type;
  }
}
