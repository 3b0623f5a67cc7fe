package org.introdl.xray.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.introdl.core.tf.ConvolutionPlan;
import org.introdl.xray.data.ChestPhantom;
import org.introdl.xray.data.XrayDataset;
import org.introdl.xray.model.ImageTensors;
import org.introdl.xray.train.XraySettings;
import org.introdl.xray.train.XrayTrainingGraph;
import org.tensorflow.Result;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.proto.StepStats;
import org.tensorflow.types.TFloat32;

/**
 * Where the x-ray forward pass spends its time: TensorFlow's own step statistics ({@code RunOptions} FULL_TRACE) of
 * a few runs, each op's time summed by op type as the runtime ran it (after oneDNN's rewrite, so a fused
 * {@code Conv2D}+{@code BiasAdd}+{@code Relu} shows as one op) and by layer (the op's name scope).
 */
public final class XrayProfile {
  /** Ops outside the layers' name scopes: the standardisation, the skip additions, the pools, the average pool. */
  public static final String OUTSIDE_LAYERS = "(between layers)";
  /** Untraced runs first: the first run of a graph includes TensorFlow's one-time optimisation. */
  private static final int WARM_UP_RUNS = 2;

  private XrayProfile() {}

  /** Time of a group of ops: milliseconds per run and how many ops ran per run. */
  public record Row(String name, double ms, int ops) {}

  /** Wall time per traced run, the ops' summed time per run, and that time by op type and by layer. */
  public record Profile(double wallMs, double opsMs, List<Row> byType, List<Row> byLayer) {}

  /** Traces {@code runs} forward passes of {@code batch} phantoms at {@code size} px, after untraced warm-up runs. */
  public static Profile forward(int size, int batch, ConvolutionPlan plan, int runs) {
    XraySettings settings = XraySettings.cpu().withImageSize(size);
    int cores = Runtime.getRuntime().availableProcessors();
    XrayDataset data = ChestPhantom.generate(batch, size, 5);
    RunOptions trace = RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build();
    Map<String, double[]> byType = new LinkedHashMap<>();
    Map<String, double[]> byLayer = new LinkedHashMap<>();
    double wall = 0;
    try (XrayTrainingGraph net = new XrayTrainingGraph(new XrayTrainingGraph.Config(settings, cores, 1, plan));
        TFloat32 x = ImageTensors.images(data.pixels(), 0, batch, size)) {
      for (int i = 0; i < WARM_UP_RUNS; i++) {
        net.session().runner().feed(net.model().images(), x).fetch(net.model().probabilities()).run().close();
      }
      for (int i = 0; i < runs; i++) {
        long start = System.nanoTime();
        try (Result r = net.session().runner().feed(net.model().images(), x).fetch(net.model().probabilities())
            .setOptions(trace).runAndFetchMetadata()) {
          wall += (System.nanoTime() - start) / 1e6;
          add(r.getMetadata().orElseThrow(), byType, byLayer);
        }
      }
    }
    double opsMs = byType.values().stream().mapToDouble(v -> v[0]).sum() / runs;
    return new Profile(wall / runs, opsMs, rows(byType, runs), rows(byLayer, runs));
  }

  private static void add(RunMetadata metadata, Map<String, double[]> byType, Map<String, double[]> byLayer) {
    StepStats stats = metadata.getStepStats();
    for (var device : stats.getDevStatsList()) {
      for (NodeExecStats node : device.getNodeStatsList()) {
        double ms = node.getAllEndRelMicros() / 1000.0;
        String type = opType(node.getTimelineLabel());
        String name = node.getNodeName();
        String layer = name.contains("/") ? name.substring(0, name.indexOf('/')) : OUTSIDE_LAYERS;
        accumulate(byType, type, ms);
        accumulate(byLayer, layer, ms);
      }
    }
  }

  /** "conv2d_1/Relu = _MklNativeFusedConv2D(...)" -> "_MklNativeFusedConv2D"; the node name where there is none. */
  static String opType(String timelineLabel) {
    int eq = timelineLabel.indexOf(" = ");
    int paren = timelineLabel.indexOf('(', Math.max(eq, 0));
    return eq >= 0 && paren > eq ? timelineLabel.substring(eq + 3, paren) : timelineLabel;
  }

  private static void accumulate(Map<String, double[]> map, String key, double ms) {
    double[] v = map.computeIfAbsent(key, k -> new double[2]);
    v[0] += ms;
    v[1]++;
  }

  private static List<Row> rows(Map<String, double[]> map, int runs) {
    List<Row> rows = new ArrayList<>();
    map.forEach((k, v) -> rows.add(new Row(k, v[0] / runs, (int) Math.round(v[1] / runs))));
    rows.sort(Comparator.comparingDouble(Row::ms).reversed());
    return rows;
  }
}
