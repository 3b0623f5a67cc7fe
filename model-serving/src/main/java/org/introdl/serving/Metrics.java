package org.introdl.serving;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The request metrics of TensorFlow Serving's Prometheus endpoint, under its names: {@code request_count} by model
 * and status, and the {@code request_latency} histogram (microseconds, buckets 10 * 1.8^i for i < 33, as TF
 * Serving's) by model, API and entry point, here also by model version.
 */
public final class Metrics {
  private static final String COUNT = ":tensorflow:serving:request_count";
  private static final String LATENCY = ":tensorflow:serving:request_latency";
  static final double[] BUCKETS = buckets();

  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
  private final Map<String, Histogram> latencies = new ConcurrentHashMap<>();

  private static double[] buckets() {
    double[] b = new double[33];
    double bound = 10;
    for (int i = 0; i < b.length; i++) {
      b[i] = bound;
      bound *= 1.8;
    }
    return b;
  }

  /** Counts one answered request to a model. */
  public void record(String model, String api, Long version, ServingError.Code status, long micros) {
    counts.computeIfAbsent(labels("model_name", model, "status", status.name()), k -> new AtomicLong())
        .incrementAndGet();
    latencies.computeIfAbsent(labels("model_name", model, "API", api, "entrypoint", "REST", "version",
        version == null ? "" : version.toString()), k -> new Histogram()).add(micros);
  }

  /** The Prometheus text format. */
  public String scrape() {
    StringBuilder out = new StringBuilder();
    out.append("# TYPE ").append(COUNT).append(" counter\n");
    new TreeMap<>(counts).forEach((labels, n) -> out.append(COUNT).append('{').append(labels).append("} ")
        .append(n.get()).append('\n'));
    out.append("# TYPE ").append(LATENCY).append(" histogram\n");
    new TreeMap<>(latencies).forEach((labels, h) -> h.append(out, LATENCY, labels));
    return out.toString();
  }

  private static String labels(String... keyValues) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < keyValues.length; i += 2) {
      b.append(i > 0 ? "," : "").append(keyValues[i]).append("=\"")
          .append(keyValues[i + 1].replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
    }
    return b.toString();
  }

  private static final class Histogram {
    private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS.length);
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong sum = new AtomicLong();

    void add(long micros) {
      for (int i = 0; i < BUCKETS.length; i++) {
        if (micros <= BUCKETS[i]) {
          buckets.incrementAndGet(i);
          break;
        }
      }
      count.incrementAndGet();
      sum.addAndGet(micros);
    }

    void append(StringBuilder out, String name, String labels) {
      long cumulative = 0;
      for (int i = 0; i < BUCKETS.length; i++) {
        cumulative += buckets.get(i);
        out.append(name).append("_bucket{").append(labels).append(",le=\"").append(bound(BUCKETS[i]))
            .append("\"} ").append(cumulative).append('\n');
      }
      out.append(name).append("_bucket{").append(labels).append(",le=\"+Inf\"} ").append(count.get()).append('\n');
      out.append(name).append("_sum{").append(labels).append("} ").append(sum.get()).append('\n');
      out.append(name).append("_count{").append(labels).append("} ").append(count.get()).append('\n');
    }

    private static String bound(double b) {
      return b == Math.rint(b) && b < 1e15 ? Long.toString((long) b) : Double.toString(b);
    }
  }
}
