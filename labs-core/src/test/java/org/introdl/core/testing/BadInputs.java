package org.introdl.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Damaged variants of a valid file, for bad-input tests: truncations, random bytes, flipped bytes. */
public final class BadInputs {
  private BadInputs() {}

  /** {@code count} prefixes of {@code valid}, from empty to one byte short, spread over its length. */
  public static List<byte[]> truncations(byte[] valid, int count) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int length = (int) ((long) (valid.length - 1) * i / Math.max(1, count - 1));
      out.add(java.util.Arrays.copyOf(valid, length));
    }
    return out;
  }

  /** {@code count} arrays of random bytes with random lengths up to {@code maxLength}. */
  public static List<byte[]> randomBytes(long seed, int count, int maxLength) {
    Random random = new Random(seed);
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] b = new byte[1 + random.nextInt(maxLength)];
      random.nextBytes(b);
      out.add(b);
    }
    return out;
  }

  /** {@code count} copies of {@code valid} with a few random bytes overwritten in each. */
  public static List<byte[]> corruptions(byte[] valid, long seed, int count) {
    Random random = new Random(seed);
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] b = valid.clone();
      for (int k = 0; k < 1 + random.nextInt(8); k++) {
        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      }
      out.add(b);
    }
    return out;
  }
}
