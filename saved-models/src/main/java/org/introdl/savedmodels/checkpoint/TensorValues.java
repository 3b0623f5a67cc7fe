package org.introdl.savedmodels.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.introdl.core.UserError;
import org.introdl.core.io.Npy;
import org.introdl.savedmodels.values.Dtypes;

/**
 * Reads one tensor's bytes from a checkpoint's data file, where its index entry says they are, and checks them
 * against the entry's masked CRC32C before they are trusted.
 */
public final class TensorValues {
  /** Larger tensors are not read by {@code checkpoint list --values}. */
  public static final long MAX_BYTES = 64L * 1024 * 1024;

  private TensorValues() {}

  /** The tensor {@code entry} of {@code index} as an array; numeric and bool dtypes only. */
  public static Npy.Array read(TensorBundleIndex index, TensorBundleIndex.Entry entry) {
    Npy.DType dtype = Dtypes.toNpy(entry.dtype()).orElseThrow(() -> new UserError(entry.name() + ": dtype "
        + entry.dtypeName() + " cannot be read as numbers"));
    if (entry.slices() > 0) {
      throw new UserError(entry.name() + ": partitioned (sliced) tensors are not supported");
    }
    if (entry.size() > MAX_BYTES || entry.size() != entry.values() * dtype.itemSize) {
      throw new UserError(entry.name() + ": " + entry.size() + " bytes cannot hold " + entry.values() + " "
          + entry.dtypeName() + " values, or are too many to read");
    }
    Path data = index.dataFile(entry.shardId());
    byte[] bytes = new byte[(int) entry.size()];
    try (FileChannel ch = FileChannel.open(data, StandardOpenOption.READ)) {
      if (entry.offset() + entry.size() > ch.size()) {
        throw UserError.inFile(data, "truncated: '" + entry.name() + "' ends at byte " + (entry.offset()
            + entry.size()) + " of " + ch.size());
      }
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      long at = entry.offset();
      while (buf.hasRemaining()) {
        int n = ch.read(buf, at);
        if (n < 0) {
          throw UserError.inFile(data, "truncated while reading '" + entry.name() + "'");
        }
        at += n;
      }
    } catch (IOException e) {
      throw UserError.inFile(data, "cannot read (" + e.getMessage() + ")");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    if (TensorBundleIndex.mask((int) crc.getValue()) != entry.crc32c()) {
      throw UserError.inFile(data, "'" + entry.name() + "' fails its CRC32C checksum (corrupt data file)");
    }
    return new Npy.Array(dtype, entry.shape(), ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
  }
}
