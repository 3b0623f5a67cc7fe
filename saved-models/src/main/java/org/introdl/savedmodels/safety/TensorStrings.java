package org.introdl.savedmodels.safety;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;

/**
 * The strings a string {@link TensorProto} holds, wherever it holds them: in {@code string_val}, or in
 * {@code tensor_content} (TensorFlow decodes that as the varint lengths of every element, then their bytes). A
 * check that read only {@code string_val} would miss a path or a graph hidden in the other field.
 */
final class TensorStrings {
  /** More elements than this are not decoded (a real string constant holds a few names). */
  private static final int MAX_DECODED = 1 << 16;

  private TensorStrings() {}

  /** The stored strings of a string tensor (empty for other types); undecodable content yields what it can. */
  static List<ByteString> values(TensorProto t) {
    if (t.getDtype() != DataType.DT_STRING) {
      return List.of();
    }
    if (t.getTensorContent().isEmpty()) {
      return t.getStringValList();
    }
    return decodeContent(t.getTensorContent(), (long) DeclaredMemory.elements(t.getTensorShape()));
  }

  private static List<ByteString> decodeContent(ByteString content, long count) {
    List<ByteString> out = new ArrayList<>();
    try {
      CodedInputStream in = content.newCodedInput();
      int n = (int) Math.min(count, MAX_DECODED);
      long[] lengths = new long[n];
      for (int i = 0; i < n; i++) {
        lengths[i] = in.readUInt32() & 0xffffffffL;
      }
      for (int i = 0; i < n; i++) {
        out.add(ByteString.copyFrom(in.readRawBytes((int) Math.min(lengths[i], content.size() + 1L))));
      }
    } catch (IOException | RuntimeException e) {
      // A truncated list: TensorFlow refuses it too; what was decoded is still checked.
    }
    return out;
  }

  /**
   * The bytes the strings take once TensorFlow has built the tensor: every element holds a string, and when
   * {@code string_val} has fewer values than the shape, TensorFlow repeats the last one to fill it.
   */
  static long expandedBytes(TensorProto t) {
    List<ByteString> stored = values(t);
    double elements = DeclaredMemory.elements(t.getTensorShape());
    double bytes = 0;
    for (ByteString s : stored) {
      bytes += s.size();
    }
    if (!stored.isEmpty() && elements > stored.size()) {
      bytes += (elements - stored.size()) * stored.get(stored.size() - 1).size();
    }
    return bytes >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) bytes;
  }
}
