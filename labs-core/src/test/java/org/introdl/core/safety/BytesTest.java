package org.introdl.core.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BytesTest {
  @Test
  void parsesSizesAsPeopleWriteThem() {
    assertEquals(123, Bytes.parse("123"));
    assertEquals(64L << 10, Bytes.parse("64k"));
    assertEquals(512L << 20, Bytes.parse("512m"));
    assertEquals(4L << 30, Bytes.parse("4g"));
    assertEquals(3L << 29, Bytes.parse("1.5GiB"));
    assertEquals(2L << 40, Bytes.parse("2T"));
    assertThrows(IllegalArgumentException.class, () -> Bytes.parse("lots"));
    assertThrows(IllegalArgumentException.class, () -> Bytes.parse("-1g"));
    assertThrows(IllegalArgumentException.class, () -> Bytes.parse("0"));
  }

  @Test
  void formatsInBinaryUnits() {
    assertEquals("812 B", Bytes.format(812));
    assertEquals("1.5 KiB", Bytes.format(1536));
    assertEquals("10.0 GiB", Bytes.format(10L << 30));
  }
}
