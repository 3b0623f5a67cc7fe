package org.introdl.xray.data;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The text of a labels CSV in the encodings spreadsheets save: UTF-8 (with or without a byte-order mark), UTF-16
 * (with a mark, or without one when every other byte is zero, as ASCII text in UTF-16 is) and, where the bytes are
 * not valid UTF-8, Latin-1 (Windows' "CSV" of a name with an accent).
 */
final class LabelsText {
  private LabelsText() {}

  static String decode(byte[] bytes) {
    if (startsWith(bytes, 0xEF, 0xBB, 0xBF)) {
      return strictUtf8(bytes, 3);
    }
    if (startsWith(bytes, 0xFF, 0xFE)) {
      return new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_16LE);
    }
    if (startsWith(bytes, 0xFE, 0xFF)) {
      return new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_16BE);
    }
    Charset unmarked = unmarkedUtf16(bytes);
    if (unmarked != null) {
      return new String(bytes, unmarked);
    }
    try {
      return strictUtf8(bytes, 0);
    } catch (IllegalArgumentException notUtf8) {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
  }

  /** UTF-16 without a mark: zero bytes in every even (big-endian) or every odd (little-endian) place of the first line. */
  private static Charset unmarkedUtf16(byte[] bytes) {
    int pairs = Math.min(bytes.length / 2, 64);
    int zeroFirst = 0;
    int zeroSecond = 0;
    for (int i = 0; i < pairs; i++) {
      zeroFirst += bytes[2 * i] == 0 ? 1 : 0;
      zeroSecond += bytes[2 * i + 1] == 0 ? 1 : 0;
    }
    if (pairs >= 4 && zeroSecond == pairs && zeroFirst == 0) {
      return StandardCharsets.UTF_16LE;
    }
    if (pairs >= 4 && zeroFirst == pairs && zeroSecond == 0) {
      return StandardCharsets.UTF_16BE;
    }
    return null;
  }

  private static String strictUtf8(byte[] bytes, int from) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, from, bytes.length - from)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("not UTF-8", e);
    }
  }

  private static boolean startsWith(byte[] bytes, int... prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((bytes[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
