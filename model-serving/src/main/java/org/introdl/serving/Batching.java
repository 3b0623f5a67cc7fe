package org.introdl.serving;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.introdl.core.UserError;

/**
 * Server-side batching, as TensorFlow Serving's batching parameters name it: concurrent requests to one signature
 * are merged along their first (batch) dimension into one run of at most {@code maxBatchSize} rows, waiting at most
 * {@code batchTimeout} for a batch to fill.
 */
public record Batching(int maxBatchSize, Duration batchTimeout) {
  /** {@code max_batch_size=32,batch_timeout_micros=2000} (either may be left out: 32 and 1000 by default). */
  public static Batching parse(String text) {
    Map<String, Long> values = new LinkedHashMap<>(Map.of("max_batch_size", 32L, "batch_timeout_micros", 1000L));
    for (String part : text.split(",")) {
      String[] kv = part.strip().split("=", 2);
      if (kv.length != 2 || !values.containsKey(kv[0].strip())) {
        throw new UserError("--batching '" + text + "': expected max_batch_size=N,batch_timeout_micros=N");
      }
      try {
        values.put(kv[0].strip(), Long.parseLong(kv[1].strip()));
      } catch (NumberFormatException e) {
        throw new UserError("--batching '" + text + "': " + kv[0].strip() + " must be a whole number");
      }
    }
    long size = values.get("max_batch_size");
    long micros = values.get("batch_timeout_micros");
    if (size < 1 || size > 1_000_000 || micros < 0 || micros > 60_000_000) {
      throw new UserError("--batching '" + text + "': max_batch_size must be 1..1000000 and batch_timeout_micros "
          + "0..60000000");
    }
    return new Batching((int) size, Duration.ofNanos(micros * 1000));
  }
}
