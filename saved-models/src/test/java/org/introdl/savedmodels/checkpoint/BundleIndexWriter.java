package org.introdl.savedmodels.checkpoint;

import io.airlift.compress.snappy.SnappyCompressor;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.tensorflow.proto.BundleEntryProto;
import org.tensorflow.proto.BundleHeaderProto;

/**
 * Writes a TensorBundle {@code .index} the way LevelDB's table builder lays it out, written from the format's
 * description (not from the reader under test): data blocks of prefix-compressed keys with a restart point every
 * {@code restartInterval} entries, optional snappy compression, an empty metaindex block, an index block, the footer.
 */
final class BundleIndexWriter {
  private final int entriesPerBlock;
  private final int restartInterval;
  private final boolean snappy;

  BundleIndexWriter(int entriesPerBlock, int restartInterval, boolean snappy) {
    this.entriesPerBlock = entriesPerBlock;
    this.restartInterval = restartInterval;
    this.snappy = snappy;
  }

  /** Keys must be sorted; the header goes under the empty key, first. */
  byte[] write(BundleHeaderProto header, List<String> names, List<BundleEntryProto> entries) {
    List<byte[]> keys = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    keys.add(new byte[0]);
    values.add(header.toByteArray());
    for (int i = 0; i < names.size(); i++) {
      keys.add(names.get(i).getBytes(StandardCharsets.UTF_8));
      values.add(entries.get(i).toByteArray());
    }
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    List<byte[]> indexKeys = new ArrayList<>();
    List<byte[]> indexValues = new ArrayList<>();
    for (int start = 0; start < keys.size(); start += entriesPerBlock) {
      int end = Math.min(keys.size(), start + entriesPerBlock);
      byte[] handle = writeBlock(file, block(keys.subList(start, end), values.subList(start, end), restartInterval),
          snappy);
      indexKeys.add(keys.get(end - 1));
      indexValues.add(handle);
    }
    byte[] metaHandle = writeBlock(file, block(List.of(), List.of(), 1), false);
    byte[] indexHandle = writeBlock(file, block(indexKeys, indexValues, 1), false);
    ByteBuffer footer = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
    footer.put(metaHandle).put(indexHandle);
    footer.position(40);
    footer.putInt(0x8b80fb57).putInt(0xdb477524);
    file.writeBytes(footer.array());
    return file.toByteArray();
  }

  static byte[] block(List<byte[]> keys, List<byte[]> values, int restartInterval) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Integer> restarts = new ArrayList<>();
    byte[] previous = new byte[0];
    for (int i = 0; i < keys.size(); i++) {
      byte[] key = keys.get(i);
      int shared = 0;
      if (i % restartInterval == 0) {
        restarts.add(out.size());
      } else {
        while (shared < Math.min(key.length, previous.length) && key[shared] == previous[shared]) {
          shared++;
        }
      }
      varint(out, shared);
      varint(out, key.length - shared);
      varint(out, values.get(i).length);
      out.write(key, shared, key.length - shared);
      out.writeBytes(values.get(i));
      previous = key;
    }
    if (restarts.isEmpty()) {
      restarts.add(0);
    }
    ByteBuffer tail = ByteBuffer.allocate(4 * (restarts.size() + 1)).order(ByteOrder.LITTLE_ENDIAN);
    restarts.forEach(tail::putInt);
    tail.putInt(restarts.size());
    out.writeBytes(tail.array());
    return out.toByteArray();
  }

  /** Appends contents + type byte + masked CRC32C; returns the encoded block handle. */
  static byte[] writeBlock(ByteArrayOutputStream file, byte[] raw, boolean compress) {
    byte[] contents = raw;
    byte type = 0;
    if (compress) {
      SnappyCompressor c = new SnappyCompressor();
      byte[] buf = new byte[c.maxCompressedLength(raw.length)];
      int n = c.compress(raw, 0, raw.length, buf, 0, buf.length);
      contents = Arrays.copyOf(buf, n);
      type = 1;
    }
    long offset = file.size();
    file.writeBytes(contents);
    file.write(type);
    CRC32C crc = new CRC32C();
    crc.update(contents);
    crc.update(type);
    int c = (int) crc.getValue();
    int masked = ((c >>> 15) | (c << 17)) + 0xa282ead8;
    file.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(masked).array());
    ByteArrayOutputStream handle = new ByteArrayOutputStream();
    varint(handle, offset);
    varint(handle, contents.length);
    return handle.toByteArray();
  }

  static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
