package org.introdl.savedmodels.checkpoint;

import com.google.protobuf.InvalidProtocolBufferException;
import io.airlift.compress.MalformedInputException;
import io.airlift.compress.snappy.SnappyDecompressor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.introdl.core.UserError;
import org.introdl.savedmodels.values.Dtypes;
import org.introdl.savedmodels.format.ProtoFiles;
import org.tensorflow.proto.BundleEntryProto;
import org.tensorflow.proto.BundleHeaderProto;
import org.tensorflow.proto.DataType;

/**
 * The {@code .index} file of a TensorFlow (V2) checkpoint, read in plain Java: a LevelDB-style table (data blocks of
 * prefix-compressed keys with restart points, an index block of block handles, a 48-byte footer with a magic
 * number; each block optionally snappy-compressed and followed by its type byte and masked CRC32C). The entry under
 * the empty key is a {@link BundleHeaderProto}; every other key is a tensor name with its {@link BundleEntryProto}.
 * Every length is checked against the file before it is used.
 */
public record TensorBundleIndex(Path file, BundleHeaderProto header, List<Entry> entries) {
  /** The table's magic number (little-endian at the end of the file). */
  static final long TABLE_MAGIC = 0xdb4775248b80fb57L;
  static final int FOOTER_LENGTH = 48;
  /** An index is a small file; this bounds any block, compressed or not. */
  static final int MAX_BLOCK = 64 * 1024 * 1024;
  /** Indexes of real checkpoints are kilobytes (about 40 bytes per tensor); this is generous. */
  static final long MAX_INDEX = 256L * 1024 * 1024;
  private static final int NO_COMPRESSION = 0;
  private static final int SNAPPY = 1;

  /** One saved tensor. */
  public record Entry(String name, DataType dtype, long[] shape, int shardId, long offset, long size, int crc32c,
      int slices) {
    public String dtypeName() {
      return Dtypes.name(dtype);
    }

    /** The number of values the shape holds; {@code -1} when it overflows a long (a hostile header). */
    public long values() {
      long n = 1;
      try {
        for (long d : shape) {
          n = Math.multiplyExact(n, Math.max(d, 0));
        }
      } catch (ArithmeticException e) {
        return -1;
      }
      return n;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Entry e && name.equals(e.name) && dtype == e.dtype && Arrays.equals(shape, e.shape)
          && offset == e.offset && size == e.size;
    }

    @Override
    public int hashCode() {
      return name.hashCode();
    }
  }

  /** Reads {@code file} (the {@code .index} itself). */
  /**
   * What restoring from the index {@code file} allocates: every tensor at the shape its entry declares (0 when there
   * is no such file; the index is read, never the data).
   */
  public static long declaredBytes(Path file) {
    if (!Files.isRegularFile(file)) {
      return 0;
    }
    double total = 0;
    for (Entry e : read(file).entries()) {
      long values = e.values();
      total += values < 0 ? Double.MAX_VALUE
          : Math.max((double) values * org.introdl.savedmodels.safety.DeclaredMemory.elementSize(e.dtype()), e.size());
    }
    return total >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) total;
  }

  public static TensorBundleIndex read(Path file) {
    try {
      if (Files.isRegularFile(file) && Files.size(file) > MAX_INDEX) {
        throw UserError.inFile(file, "too large for a checkpoint index (" + Files.size(file) + " bytes)");
      }
    } catch (java.io.IOException e) {
      throw UserError.inFile(file, "cannot read (" + e.getMessage() + ")");
    }
    byte[] bytes = ProtoFiles.readAll(file);
    return parse(bytes, file);
  }

  /** Parses the bytes of an index file; {@code file} names it in errors. */
  public static TensorBundleIndex parse(byte[] bytes, Path file) {
    if (bytes.length < FOOTER_LENGTH) {
      throw UserError.inFile(file, "too short to be a checkpoint index (" + bytes.length + " bytes)");
    }
    ByteBuffer footer = ByteBuffer.wrap(bytes, bytes.length - 8, 8).order(ByteOrder.LITTLE_ENDIAN);
    if (footer.getLong() != TABLE_MAGIC) {
      throw UserError.inFile(file, "not a checkpoint index (bad table magic number; truncated or not a .index file)");
    }
    Reader r = new Reader(bytes, bytes.length - FOOTER_LENGTH, bytes.length - 8, file);
    r.varint64(); // metaindex handle: unused by TensorFlow's bundles
    r.varint64();
    long indexOffset = r.varint64();
    long indexSize = r.varint64();
    byte[] indexBlock = block(bytes, indexOffset, indexSize, file);

    BundleHeaderProto header = null;
    List<Entry> entries = new ArrayList<>();
    for (KeyValue handle : entries(indexBlock, file)) {
      Reader h = new Reader(handle.value(), 0, handle.value().length, file);
      byte[] data = block(bytes, h.varint64(), h.varint64(), file);
      for (KeyValue kv : entries(data, file)) {
        if (kv.key().length == 0) {
          header = parseHeader(kv.value(), file);
        } else {
          entries.add(parseEntry(kv, file));
        }
      }
    }
    if (header == null) {
      throw UserError.inFile(file, "checkpoint index has no header entry (corrupt or not a TensorBundle)");
    }
    return new TensorBundleIndex(file, header, List.copyOf(entries));
  }

  /** The data shard {@code id} of the checkpoint whose index is {@code indexFile}: PREFIX.data-0000i-of-0000n. */
  public Path dataFile(int id) {
    String name = file.getFileName().toString();
    String prefix = name.endsWith(".index") ? name.substring(0, name.length() - ".index".length()) : name;
    return file.resolveSibling(String.format(java.util.Locale.ROOT, "%s.data-%05d-of-%05d", prefix, id,
        Math.max(1, header.getNumShards())));
  }

  /** The bytes shard {@code id} must hold: the end of its last tensor. */
  public long requiredDataBytes(int id) {
    return entries.stream().filter(e -> e.shardId() == id).mapToLong(e -> e.offset() + e.size()).max().orElse(0);
  }

  private static BundleHeaderProto parseHeader(byte[] value, Path file) {
    try {
      return BundleHeaderProto.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw UserError.inFile(file, "checkpoint index header is corrupt (" + e.getMessage() + ")");
    }
  }

  private static Entry parseEntry(KeyValue kv, Path file) {
    String name = new String(kv.key(), StandardCharsets.UTF_8);
    try {
      BundleEntryProto p = BundleEntryProto.parseFrom(kv.value());
      long[] shape = p.getShape().getDimList().stream().mapToLong(d -> d.getSize()).toArray();
      if (p.getOffset() < 0 || p.getSize() < 0) {
        throw UserError.inFile(file, "entry '" + name + "' has a negative offset or size");
      }
      return new Entry(name, p.getDtype(), shape, p.getShardId(), p.getOffset(), p.getSize(), p.getCrc32C(),
          p.getSlicesCount());
    } catch (InvalidProtocolBufferException e) {
      throw UserError.inFile(file, "entry '" + name + "' is corrupt (" + e.getMessage() + ")");
    }
  }

  /** A block's contents: bounds-checked, checksum verified, decompressed. */
  private static byte[] block(byte[] file, long offset, long size, Path name) {
    if (offset < 0 || size < 0 || size > MAX_BLOCK || offset + size + 5 > file.length) {
      throw UserError.inFile(name, "block handle (offset " + offset + ", size " + size
          + ") points outside the file (truncated or corrupt)");
    }
    int off = (int) offset;
    int len = (int) size;
    int type = file[off + len] & 0xff;
    int storedCrc = ByteBuffer.wrap(file, off + len + 1, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    CRC32C crc = new CRC32C();
    crc.update(file, off, len + 1);
    if (mask((int) crc.getValue()) != storedCrc) {
      throw UserError.inFile(name, "block at offset " + offset + " fails its CRC32C checksum (corrupt file)");
    }
    if (type == NO_COMPRESSION) {
      return Arrays.copyOfRange(file, off, off + len);
    }
    if (type != SNAPPY) {
      throw UserError.inFile(name, "block at offset " + offset + " has unknown compression type " + type);
    }
    try {
      int uncompressed = SnappyDecompressor.getUncompressedLength(file, off);
      if (uncompressed < 0 || uncompressed > MAX_BLOCK) {
        throw UserError.inFile(name, "snappy block at offset " + offset + " claims " + uncompressed + " bytes");
      }
      byte[] out = new byte[uncompressed];
      int n = new SnappyDecompressor().decompress(file, off, len, out, 0, uncompressed);
      if (n != uncompressed) {
        throw UserError.inFile(name, "snappy block at offset " + offset + " is truncated");
      }
      return out;
    } catch (MalformedInputException | IndexOutOfBoundsException e) {
      throw UserError.inFile(name, "snappy block at offset " + offset + " is corrupt (" + e.getMessage() + ")");
    }
  }

  /** LevelDB's CRC mask: rotate right by 15 bits and add a constant. */
  static int mask(int crc) {
    return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
  }

  record KeyValue(byte[] key, byte[] value) {}

  /** The key/value pairs of one block, keys rebuilt from their shared prefixes. */
  static List<KeyValue> entries(byte[] block, Path file) {
    if (block.length < 4) {
      throw UserError.inFile(file, "block too short (" + block.length + " bytes)");
    }
    long restarts = ByteBuffer.wrap(block, block.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
    long restartBytes = 4 * (restarts + 1);
    if (restarts == 0 || restartBytes > block.length) {
      throw UserError.inFile(file, "block has a bad restart count " + restarts);
    }
    int end = (int) (block.length - restartBytes);
    Reader r = new Reader(block, 0, end, file);
    List<KeyValue> out = new ArrayList<>();
    byte[] previous = new byte[0];
    while (r.position() < end) {
      int shared = r.varint32();
      int unshared = r.varint32();
      int valueLength = r.varint32();
      if (shared > previous.length) {
        throw UserError.inFile(file, "block entry shares " + shared + " bytes of a " + previous.length
            + "-byte key (corrupt)");
      }
      byte[] key = new byte[shared + unshared];
      System.arraycopy(previous, 0, key, 0, shared);
      r.bytes(key, shared, unshared);
      byte[] value = new byte[valueLength];
      r.bytes(value, 0, valueLength);
      out.add(new KeyValue(key, value));
      previous = key;
    }
    return out;
  }

  /** Reads varints and byte runs inside {@code [position, limit)}, failing with a UserError past the end. */
  static final class Reader {
    private final byte[] bytes;
    private final int limit;
    private final Path file;
    private int position;

    Reader(byte[] bytes, int position, int limit, Path file) {
      this.bytes = bytes;
      this.position = position;
      this.limit = limit;
      this.file = file;
    }

    int position() {
      return position;
    }

    long varint64() {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (position >= limit) {
          throw UserError.inFile(file, "truncated varint (corrupt checkpoint index)");
        }
        int b = bytes[position++] & 0xff;
        result |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return result;
        }
      }
      throw UserError.inFile(file, "overlong varint (corrupt checkpoint index)");
    }

    int varint32() {
      long v = varint64();
      if (v < 0 || v > MAX_BLOCK) {
        throw UserError.inFile(file, "length " + v + " is out of range (corrupt checkpoint index)");
      }
      return (int) v;
    }

    void bytes(byte[] into, int at, int n) {
      if (n > limit - position) {
        throw UserError.inFile(file, "entry runs past the end of its block (corrupt checkpoint index)");
      }
      System.arraycopy(bytes, position, into, at, n);
      position += n;
    }
  }
}
