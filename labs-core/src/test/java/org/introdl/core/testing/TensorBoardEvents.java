package org.introdl.core.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.tensorflow.proto.Event;

/** Reads a run's TensorBoard event files back, for tests that compare two runs' events. */
public final class TensorBoardEvents {
  private TensorBoardEvents() {}

  /** Every scalar's "tag@step" in the event files of {@code dir}, files in name (time) order, records in file order. */
  public static List<String> tagSteps(Path dir) throws IOException {
    List<String> seen = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents")).sorted().toList()) {
        // TFRecord framing: length (8 bytes), its CRC (4), payload, the payload's CRC (4).
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        while (in.remaining() >= 16) {
          byte[] payload = new byte[(int) in.getLong()];
          in.getInt();
          in.get(payload);
          in.getInt();
          Event e = Event.parseFrom(payload);
          e.getSummary().getValueList().forEach(v -> seen.add(v.getTag() + "@" + e.getStep()));
        }
      }
    }
    return seen;
  }
}
