package org.introdl.savedmodels.values;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;
import org.introdl.core.io.Npy;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * What a signature (or a placeholder) expects: the tensor's name in the graph, its dtype and shape. Unknown
 * dimensions are -1; an unknown rank is a null shape.
 */
public record TensorSpec(String key, String tensorName, DataType dtype, long[] shape) {

  public static TensorSpec of(String key, TensorInfo info) {
    String name = info.hasCooSparse() ? info.getCooSparse().getValuesTensorName() + " (sparse)"
        : info.hasCompositeTensor() ? "(composite tensor)" : info.getName();
    return new TensorSpec(key, name, info.getDtype(), shape(info.getTensorShape()));
  }

  /** Dimensions of a shape proto, -1 for unknown ones; null for an unknown rank. */
  public static long[] shape(TensorShapeProto proto) {
    if (proto.getUnknownRank()) {
      return null;
    }
    return proto.getDimList().stream().mapToLong(d -> d.getSize() < 0 ? -1 : d.getSize()).toArray();
  }

  public boolean isDense() {
    return !tensorName.contains("(");
  }

  /** Whether this is a {@code string} tensor (text, or serialized protos such as {@code tf.Example}). */
  public boolean isString() {
    return Dtypes.base(dtype) == DataType.DT_STRING;
  }

  /** Whether a value of this spec can be fed or fetched: a dense tensor of one of the six dtypes, or strings. */
  public boolean isExchangeable() {
    return isDense() && (isString() || npyType().isPresent());
  }

  /** Whether an output of this spec can be fetched: exchangeable, or castable after loading (int8, uint32, ...). */
  public boolean isFetchable() {
    return isExchangeable() || isDense() && Dtypes.fetchCast(dtype).isPresent();
  }

  /**
   * The {@code .npy} dtype for feeding or fetching this tensor: one of the six, or the one that carries float16,
   * bfloat16 (float32) and uint16 (int32) values.
   */
  public Optional<Npy.DType> npyType() {
    return Dtypes.carrier(dtype);
  }

  public String dtypeName() {
    return Dtypes.name(dtype);
  }

  /** {@code [-1, 1]}, or {@code unknown rank}. */
  public String shapeText() {
    return shapeText(shape);
  }

  public static String shapeText(long[] shape) {
    return shape == null ? "unknown rank"
        : Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", ", "[", "]"));
  }

  /** "x (float32 [-1, 1])": what a user needs to know to feed it. */
  public String describe() {
    return key + " (" + dtypeName() + " " + shapeText() + ")";
  }

  /** Whether an array of {@code actual} shape can be fed here. */
  public boolean accepts(long[] actual) {
    if (shape == null) {
      return true;
    }
    if (shape.length != actual.length) {
      return false;
    }
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] >= 0 && shape[i] != actual[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code array} in this shape when it does not fit as it is, has fewer dimensions, and its element count fits (at
   * most one unknown dimension, which takes the rest): a batch of scalars {@code [3]} for a {@code [-1, 1]}
   * placeholder, as TF Serving feeds it. Else {@code array} itself (and the shape check says what is wrong).
   */
  public Npy.Array fittedByCount(Npy.Array array) {
    if (shape == null || accepts(array.shape()) || array.shape().length >= shape.length
        || Arrays.stream(shape).filter(d -> d < 0).count() > 1) {
      return array;
    }
    long known = Arrays.stream(shape).filter(d -> d >= 0).reduce(1, (a, b) -> a * b);
    long count = array.size();
    boolean open = Arrays.stream(shape).anyMatch(d -> d < 0);
    if (known == 0 || (open ? count % known != 0 : count != known)) {
      return array;
    }
    long[] fitted = Arrays.stream(shape).map(d -> d < 0 ? count / known : d).toArray();
    return new Npy.Array(array.dtype(), fitted, array.data());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec t && key.equals(t.key) && tensorName.equals(t.tensorName) && dtype == t.dtype
        && Arrays.equals(shape, t.shape);
  }

  @Override
  public int hashCode() {
    return key.hashCode() * 31 + tensorName.hashCode();
  }

  @Override
  public String toString() {
    return key + " -> " + tensorName + " " + dtypeName() + " " + shapeText();
  }
}
