package org.introdl.core.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.introdl.core.UserError;
import org.junit.jupiter.api.Test;

class NpyHostileHeaderTest {
  @Test
  void aShapeWhoseByteCountOverflowsIsRefusedNotAcceptedAsEmpty() {
    // 2^61 float64 values are 2^64 bytes: the product wraps to 0, which an empty body would "match".
    String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2305843009213693952,), }";
    String header = dict + " ".repeat(63 - (10 + dict.length()) % 64) + "\n";
    byte[] bytes = new byte[10 + header.length()];
    byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length(), 0};
    System.arraycopy(magic, 0, bytes, 0, 10);
    System.arraycopy(header.getBytes(StandardCharsets.ISO_8859_1), 0, bytes, 10, header.length());
    UserError e = assertThrows(UserError.class,
        () -> Npy.read(new ByteArrayInputStream(bytes), bytes.length, "hostile.npy"));
    assertTrue(e.getMessage().startsWith("hostile.npy: "), e.getMessage());
  }
}
