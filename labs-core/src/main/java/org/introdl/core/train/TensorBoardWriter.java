package org.introdl.core.train;

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
