package org.introdl.savedmodels.format;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.introdl.core.UserError;

/** Reads protobuf files written by TensorFlow, turning every way they can be broken into a one-line error. */
public final class ProtoFiles {
  /** Protobuf's own limit for one message. */
  public static final long MAX_BYTES = Integer.MAX_VALUE - 8;
  /** Deep enough for any real graph, shallow enough that a hostile file cannot overflow the stack. */
  private static final int RECURSION_LIMIT = 200;

  private ProtoFiles() {}

  /** Parses {@code file} as {@code what} (used in the message: "not a valid SavedModel"). */
  public static <T> T parse(Path file, Parser<T> parser, String what) {
    byte[] bytes = readAll(file);
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      in.setRecursionLimit(RECURSION_LIMIT);
      in.setSizeLimit(Integer.MAX_VALUE);
      T message = parser.parseFrom(in);
      in.checkLastTagWas(0);
      return message;
    } catch (InvalidProtocolBufferException e) {
      throw UserError.inFile(file, "not a valid " + what + " (" + firstLine(e.getMessage()) + ")");
    } catch (RuntimeException | StackOverflowError e) {
      throw UserError.inFile(file, "not a valid " + what + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** The whole file, after checking that it exists, is a regular file and fits in one protobuf message. */
  public static byte[] readAll(Path file) {
    if (!Files.exists(file)) {
      throw UserError.inFile(file, "not found");
    }
    if (!Files.isRegularFile(file)) {
      throw UserError.inFile(file, "not a regular file");
    }
    try {
      long size = Files.size(file);
      if (size == 0) {
        throw UserError.inFile(file, "is empty");
      }
      if (size > MAX_BYTES) {
        throw UserError.inFile(file, "too large for a protobuf message (" + size + " bytes)");
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw UserError.inFile(file, "cannot read (" + e.getMessage() + ")");
    }
  }

  public static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
