package org.introdl.core.train;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.introdl.core.UserError;
import org.introdl.core.io.AtomicFiles;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;

/**
 * TensorBoard event files ({@code events.out.tfevents.*}) written in plain Java: TFRecord framing (length, masked
 * CRC-32C, payload, masked CRC-32C) around {@link Event} protos. No graph ops are needed, so logging never changes
 * the training graph. {@code tensorboard --logdir DIR} reads them.
 */
public final class TensorBoardWriter implements AutoCloseable {
  private static final int MASK_DELTA = 0xa282ead8;
  private final Path file;
  private final OutputStream out;

  public TensorBoardWriter(Path dir) {
    try {
      Files.createDirectories(dir);
      String host = hostName();
      this.file = dir.resolve(String.format("events.out.tfevents.%d.%s", System.currentTimeMillis() / 1000, host));
      this.out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      write(Event.newBuilder().setWallTime(now()).setFileVersion("brain.Event:2").build());
    } catch (IOException e) {
      throw new UserError(dir + ": cannot write TensorBoard events (" + e.getMessage() + ")");
    }
  }

  /**
   * Drops the events logged after {@code step} from every event file in {@code dir} (all of them when {@code step} is
   * 0), so that a resumed run's events continue its checkpoint instead of repeating the steps a killed run had
   * logged past it. A torn last record (a kill mid-write) is dropped too.
   */
  public static void truncateAfter(Path dir, long step) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents")).toList()) {
        if (step == 0) {
          Files.delete(f);
          continue;
        }
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        while (in.remaining() >= 12) {
          int start = in.position();
          long length = in.getLong();
          in.getInt();
          if (length < 0 || length > in.remaining() - 4) {
            break;
          }
          byte[] payload = new byte[(int) length];
          in.get(payload);
          in.getInt();
          if (Event.parseFrom(payload).getStep() <= step) {
            kept.write(in.array(), start, in.position() - start);
          }
        }
        AtomicFiles.writeBytes(f, kept.toByteArray());
      }
    } catch (IOException e) {
      throw new UserError(dir + ": cannot rewrite TensorBoard events (" + e.getMessage() + ")");
    }
  }

  public Path file() {
    return file;
  }

  /** Logs one scalar ({@code tag} at {@code step}). */
  public void scalar(String tag, long step, double value) {
    Summary summary = Summary.newBuilder()
        .addValue(Summary.Value.newBuilder().setTag(tag).setSimpleValue((float) value))
        .build();
    write(Event.newBuilder().setWallTime(now()).setStep(step).setSummary(summary).build());
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UserError(file + ": cannot close TensorBoard events (" + e.getMessage() + ")");
    }
  }

  private void write(Event event) {
    byte[] payload = event.toByteArray();
    ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    header.putLong(payload.length);
    header.putInt(maskedCrc(header.array(), 0, 8));
    ByteBuffer footer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(maskedCrc(payload, 0, payload.length));
    try {
      out.write(header.array());
      out.write(payload);
      out.write(footer.array());
      out.flush();
    } catch (IOException e) {
      throw new UserError(file + ": cannot write TensorBoard events (" + e.getMessage() + ")");
    }
  }

  /** TFRecord's checksum: CRC-32C, rotated right by 15 bits, plus a constant. */
  static int maskedCrc(byte[] data, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data, offset, length);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + MASK_DELTA;
  }

  private static double now() {
    return System.currentTimeMillis() / 1000.0;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "_");
    } catch (IOException e) {
      return "localhost";
    }
  }
}
