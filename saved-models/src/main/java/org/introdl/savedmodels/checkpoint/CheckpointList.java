package org.introdl.savedmodels.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.introdl.savedmodels.values.TensorSpec;

/** {@code checkpoint list}: what a checkpoint holds, from its {@code .index} alone, and whether its data is there. */
public final class CheckpointList {
  private CheckpointList() {}

  /** One data shard: its file, the bytes the index says it needs, the bytes present (-1 when missing). */
  public record Shard(Path file, long requiredBytes, long presentBytes) {
    public boolean complete() {
      return presentBytes >= requiredBytes;
    }
  }

  public record Listing(CheckpointPrefix prefix, TensorBundleIndex index, List<Shard> shards) {
    public boolean dataComplete() {
      return shards.stream().allMatch(Shard::complete);
    }
  }

  private static final int SHOWN_VALUES = 6;

  private static String valuesText(Listing l, TensorBundleIndex.Entry e) {
    if (e.values() < 0 || e.values() > SHOWN_VALUES || e.slices() > 0 || org.introdl.savedmodels.values.Dtypes.toNpy(e.dtype()).isEmpty()
        || !l.shards().get(Math.min(e.shardId(), l.shards().size() - 1)).complete()) {
      return "";
    }
    org.introdl.core.io.Npy.Array a = TensorValues.read(l.index(), e);
    double[] v = a.toDoubles();
    StringBuilder sb = new StringBuilder("  = ");
    if (e.shape().length > 0) {
      sb.append('[');
    }
    for (int i = 0; i < v.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(org.introdl.savedmodels.values.ArrayText.value(a.dtype(), v[i]));
    }
    return sb.append(e.shape().length > 0 ? "]" : "").toString();
  }

  public static Listing list(Path given) {
    CheckpointPrefix prefix = CheckpointPrefix.resolve(given);
    TensorBundleIndex index = TensorBundleIndex.read(prefix.index());
    List<Shard> shards = new ArrayList<>();
    for (int i = 0; i < Math.max(1, index.header().getNumShards()); i++) {
      Path data = index.dataFile(i);
      long present;
      try {
        present = Files.isRegularFile(data) ? Files.size(data) : -1;
      } catch (IOException e) {
        present = -1;
      }
      shards.add(new Shard(data, index.requiredDataBytes(i), present));
    }
    return new Listing(prefix, index, shards);
  }

  public static String format(Listing l) {
    return format(l, false);
  }

  /** With {@code values}, small tensors (up to 6 values) are read from the data file, checksum-verified, and shown. */
  public static String format(Listing l, boolean withValues) {
    StringBuilder sb = new StringBuilder();
    TensorBundleIndex ix = l.index();
    sb.append(String.format(Locale.ROOT, "checkpoint %s (TensorBundle version %d, %d shard%s, %s)%n",
        l.prefix().prefix(), ix.header().getVersion().getProducer(), ix.header().getNumShards(),
        ix.header().getNumShards() == 1 ? "" : "s", ix.header().getEndianness().name().toLowerCase(Locale.ROOT)
            .replace('_', '-') + "-endian"));
    for (Shard s : l.shards()) {
      sb.append(String.format(Locale.ROOT, "  data %s: %s%n", s.file().getFileName(),
          s.presentBytes() < 0 ? String.format(Locale.ROOT, "missing (needs %,d bytes)", s.requiredBytes())
              : s.complete() ? String.format(Locale.ROOT, "present (%,d bytes)", s.presentBytes())
                  : String.format(Locale.ROOT, "truncated (%,d of %,d bytes)", s.presentBytes(), s.requiredBytes())));
    }
    int width = Math.max(4, ix.entries().stream().mapToInt(e -> e.name().length()).max().orElse(4));
    long values = ix.entries().stream().mapToLong(TensorBundleIndex.Entry::values).sum();
    sb.append(String.format(Locale.ROOT, "%d tensors, %,d values%n", ix.entries().size(), values));
    sb.append(String.format(Locale.ROOT, "  %-" + width + "s  %-8s %-20s %s%n", "name", "dtype", "shape", "bytes"));
    for (TensorBundleIndex.Entry e : ix.entries()) {
      sb.append(String.format(Locale.ROOT, "  %-" + width + "s  %-8s %-20s %,d%s%s%n", e.name(), e.dtypeName(),
          TensorSpec.shapeText(e.shape()), e.size(), e.slices() > 0 ? "  (" + e.slices() + " slices)" : "",
          withValues ? valuesText(l, e) : ""));
    }
    return sb.toString();
  }
}
