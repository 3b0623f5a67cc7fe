package org.introdl.savedmodels.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.introdl.savedmodels.TensorSpec;

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
      sb.append(String.format(Locale.ROOT, "  %-" + width + "s  %-8s %-20s %,d%s%n", e.name(), e.dtypeName(),
          TensorSpec.shapeText(e.shape()), e.size(), e.slices() > 0 ? "  (" + e.slices() + " slices)" : ""));
    }
    return sb.toString();
  }
}
