package org.introdl.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;

class TensorBoardWriterTest {
  @TempDir Path dir;

  @Test
  void crcIsTheTfRecordMaskedCrc32c() {
    // CRC-32C("123456789") = 0xE3069283 (the standard check value); TFRecord masks it as below.
    int crc = 0xE3069283;
    int masked = ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    byte[] data = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertEquals(masked, TensorBoardWriter.maskedCrc(data, 0, data.length));
  }

  @Test
  void scalarsReadBackAsEvents() throws IOException {
    Path file;
    try (TensorBoardWriter tb = new TensorBoardWriter(dir)) {
      tb.scalar("loss", 1, 2.5);
      tb.scalar("loss", 2, 1.25);
      file = tb.file();
    }
    List<Event> events = readRecords(Files.readAllBytes(file));
    assertEquals("brain.Event:2", events.get(0).getFileVersion());
    assertEquals(2, events.get(2).getStep());
    assertEquals("loss", events.get(2).getSummary().getValue(0).getTag());
    assertEquals(1.25f, events.get(2).getSummary().getValue(0).getSimpleValue());
  }

  @Test
  void aResumeDropsTheEventsPastItsCheckpointAndATornLastRecord() throws IOException {
    Path file;
    try (TensorBoardWriter tb = new TensorBoardWriter(dir)) {
      for (int step = 1; step <= 5; step++) {
        tb.scalar("loss", step, step);
      }
      file = tb.file();
    }
    Files.write(file, new byte[] {7, 0, 0}, java.nio.file.StandardOpenOption.APPEND); // killed mid-record
    TensorBoardWriter.truncateAfter(dir, 3);
    List<Event> kept = readRecords(Files.readAllBytes(file));
    assertEquals(List.of(0L, 1L, 2L, 3L), kept.stream().map(Event::getStep).toList(), "file version and steps 1-3");
    TensorBoardWriter.truncateAfter(dir, 0);
    try (var left = Files.list(dir)) {
      assertEquals(0, left.count(), "a run restarted from step 0 keeps none of the killed run's events");
    }
  }

  private static List<Event> readRecords(byte[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    List<Event> events = new ArrayList<>();
    while (b.remaining() > 0) {
      int length = (int) b.getLong();
      int lengthCrc = b.getInt();
      assertEquals(TensorBoardWriter.maskedCrc(bytes, b.position() - 12, 8), lengthCrc);
      byte[] payload = new byte[length];
      b.get(payload);
      assertEquals(TensorBoardWriter.maskedCrc(payload, 0, length), b.getInt());
      events.add(Event.parseFrom(payload));
    }
    return events;
  }
}
