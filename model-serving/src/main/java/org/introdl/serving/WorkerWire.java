package org.introdl.serving;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.introdl.core.io.Npy;
import org.introdl.savedmodels.values.TensorValue;
import org.tensorflow.proto.DataType;

/**
 * What the server and a model's worker process say to each other over the worker's stdin and stdout. Tensors
 * cross as their raw bytes (no JSON, no {@code .npy} header); the JSON of a request is read and written by the
 * server, so the worker only ever sees tensors and a signature name.
 *
 * <ul>
 *   <li>worker to server, once, after loading: {@link #LOADED} and the MetaGraphDef served, or {@link #FAILED}, an
 *       error code and a message (the scan's refusal, a load error);</li>
 *   <li>server to worker, per run: a request id, the signature key, the deadline in milliseconds (0: none) and the
 *       inputs by key;</li>
 *   <li>worker to server, per run: {@link #ANSWER_MARK}, the request id, then {@link #OK} and the outputs by key,
 *       or {@link #FAILED}, the error code and message.</li>
 * </ul>
 * Runs are answered in the order they finish; the id pairs each answer with its request.
 */
final class WorkerWire {
  /**
   * The first bytes of every answer: what else reaches the worker's stdout (native code that prints, a model's
   * {@code PrintV2} to stdout) is caught at the next answer instead of being read as one.
   */
  static final int ANSWER_MARK = 0x54465356;
  static final byte LOADED = 1;
  static final byte OK = 2;
  static final byte FAILED = 3;
  private static final byte NUMBERS = 'N';
  private static final byte STRINGS = 'S';
  /** The largest single field accepted from the other side: a tensor of 2 GiB does not fit a Java array anyway. */
  private static final int MAX_FIELD = Integer.MAX_VALUE - 8;

  private WorkerWire() {}

  /** What the worker wrote is not an answer: something else wrote to its stdout. */
  static final class OutOfTurn extends IOException {
    private static final long serialVersionUID = 1L;

    OutOfTurn(String message) {
      super(message);
    }
  }

  /** A run asked of the worker. */
  record RunRequest(long id, String signature, long deadlineMillis, Map<String, TensorValue> inputs) {}

  /** A run's answer: outputs, or the error (code and message) when {@code error} is not null. */
  record RunReply(long id, Map<String, TensorValue> outputs, ServingError error) {}

  static void writeRequest(DataOutputStream out, RunRequest request) throws IOException {
    out.writeLong(request.id());
    writeString(out, request.signature());
    out.writeLong(request.deadlineMillis());
    writeValues(out, request.inputs());
  }

  static RunRequest readRequest(DataInputStream in) throws IOException {
    long id = in.readLong();
    String signature = readString(in);
    long deadline = in.readLong();
    return new RunRequest(id, signature, deadline, readValues(in));
  }

  static void writeReply(DataOutputStream out, RunReply reply) throws IOException {
    out.writeInt(ANSWER_MARK);
    out.writeLong(reply.id());
    if (reply.error() != null) {
      writeError(out, reply.error());
    } else {
      out.writeByte(OK);
      writeValues(out, reply.outputs());
    }
  }

  static RunReply readReply(DataInputStream in) throws IOException {
    int mark = in.readInt();
    if (mark != ANSWER_MARK) {
      throw new OutOfTurn("its answers were interleaved with other output");
    }
    long id = in.readLong();
    byte kind = in.readByte();
    return switch (kind) {
      case OK -> new RunReply(id, readValues(in), null);
      case FAILED -> new RunReply(id, null, readError(in));
      default -> throw new IOException("worker: unknown answer kind " + kind);
    };
  }

  /** {@link #FAILED}, the code's name and the message. */
  static void writeError(DataOutputStream out, ServingError error) throws IOException {
    out.writeByte(FAILED);
    writeString(out, error.code().name());
    writeString(out, String.valueOf(error.getMessage()));
  }

  /** The code and message after a {@link #FAILED} byte. */
  static ServingError readError(DataInputStream in) throws IOException {
    ServingError.Code code;
    try {
      code = ServingError.Code.valueOf(readString(in));
    } catch (IllegalArgumentException e) {
      code = ServingError.Code.UNKNOWN;
    }
    return new ServingError(code, readString(in));
  }

  static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > MAX_FIELD) {
      throw new IOException("worker: a field of " + n + " bytes");
    }
    byte[] bytes = new byte[n];
    in.readFully(bytes);
    return bytes;
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
  }

  private static String readString(DataInputStream in) throws IOException {
    return new String(readBytes(in), StandardCharsets.UTF_8);
  }

  private static void writeValues(DataOutputStream out, Map<String, TensorValue> values) throws IOException {
    out.writeInt(values.size());
    for (Map.Entry<String, TensorValue> e : values.entrySet()) {
      writeString(out, e.getKey());
      writeValue(out, e.getValue());
    }
  }

  private static Map<String, TensorValue> readValues(DataInputStream in) throws IOException {
    int n = in.readInt();
    Map<String, TensorValue> values = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      values.put(readString(in), readValue(in));
    }
    return values;
  }

  /** Numbers: the array's dtype, the tensor's dtype, the shape and the little-endian bytes; strings: each one. */
  private static void writeValue(DataOutputStream out, TensorValue value) throws IOException {
    if (value instanceof TensorValue.Numbers n) {
      out.writeByte(NUMBERS);
      out.writeByte(n.array().dtype().ordinal());
      out.writeInt(n.dtype().getNumber());
      writeShape(out, n.shape());
      ByteBuffer data = n.array().data().duplicate();
      data.rewind();
      out.writeInt(data.remaining());
      if (data.hasArray()) {
        out.write(data.array(), data.arrayOffset() + data.position(), data.remaining());
      } else {
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        out.write(copy);
      }
    } else {
      TensorValue.Strings s = (TensorValue.Strings) value;
      out.writeByte(STRINGS);
      writeShape(out, s.shape());
      for (byte[] b : s.values()) {
        writeBytes(out, b);
      }
    }
  }

  private static TensorValue readValue(DataInputStream in) throws IOException {
    byte kind = in.readByte();
    if (kind == NUMBERS) {
      Npy.DType dtype = Npy.DType.values()[in.readByte()];
      DataType tfType = DataType.forNumber(in.readInt());
      long[] shape = readShape(in);
      return new TensorValue.Numbers(new Npy.Array(dtype, shape, ByteBuffer.wrap(readBytes(in))), tfType);
    }
    if (kind != STRINGS) {
      throw new IOException("worker: unknown value kind " + kind);
    }
    long[] shape = readShape(in);
    long count = 1;
    for (long d : shape) {
      count *= d;
    }
    if (count < 0 || count > MAX_FIELD) {
      throw new IOException("worker: " + count + " strings");
    }
    List<byte[]> values = new ArrayList<>((int) count);
    for (long i = 0; i < count; i++) {
      values.add(readBytes(in));
    }
    return new TensorValue.Strings(shape, values);
  }

  private static void writeShape(DataOutputStream out, long[] shape) throws IOException {
    out.writeInt(shape.length);
    for (long d : shape) {
      out.writeLong(d);
    }
  }

  private static long[] readShape(DataInputStream in) throws IOException {
    int rank = in.readInt();
    if (rank < 0 || rank > 64) {
      throw new IOException("worker: a shape of rank " + rank);
    }
    long[] shape = new long[rank];
    for (int i = 0; i < rank; i++) {
      shape[i] = in.readLong();
    }
    return shape;
  }
}
