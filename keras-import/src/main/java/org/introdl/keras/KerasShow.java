package org.introdl.keras;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.introdl.core.UserError;
import org.introdl.core.safety.RunLimits;
import org.introdl.core.safety.Watchdog;

/**
 * {@code keras show}: where the model came from (format, Keras version, backend), its layers in order with output
 * shapes and parameter counts as {@code model.summary()} prints them, its inputs and outputs, and every layer that
 * cannot be imported, with the reason.
 */
public final class KerasShow {
  private KerasShow() {}

  /** An input or output: name, dtype, shape in Keras's notation. */
  public record Port(String name, String dtype, String shape) {}

  public record Summary(String file, String format, String kerasVersion, String backend, String modelClass,
      String modelName, List<KerasGraph.LayerRow> layers, long totalParams, List<Port> inputs, List<Port> outputs,
      List<String> problems) {
    public boolean importable() {
      return problems.isEmpty();
    }
  }

  /** {@link #describe(KerasSource, RunLimits)} with the default memory budget and timeout. */
  public static Summary describe(KerasSource source) {
    return describe(source, RunLimits.of(false));
  }

  /** The summary; a model over the memory budget of {@code limits} is listed from its config, not built. */
  public static Summary describe(KerasSource source, RunLimits limits) {
    KerasFile file = source.open();
    return Watchdog.call(limits.timeout(), source.shown().toString(), () -> describe(file, source, limits));
  }

  private static Summary describe(KerasFile file, KerasSource source, RunLimits limits) {
    String shown = source.shown().toString();
    KerasModel model;
    try {
      model = KerasModel.parse(file.model(), shown);
    } catch (UserError e) {
      String cls = KerasModel.text(file.model(), "class_name");
      return new Summary(shown, file.format().description, file.kerasVersion(), file.backend(), cls,
          file.model().path("config").path("name").asText(""), List.of(), 0, List.of(), List.of(),
          List.of(e.getMessage().startsWith(shown + ": ") ? e.getMessage().substring(shown.length() + 2)
              : e.getMessage()));
    }
    List<String> problems = KerasGraph.problems(model);
    if (!problems.isEmpty()) {
      return new Summary(shown, file.format().description, file.kerasVersion(), file.backend(), model.className(),
          model.name(), configRows(model, file), 0, List.of(), List.of(), problems);
    }
    KerasGraph built;
    try {
      built = KerasGraph.build(file, limits);
    } catch (UserError e) {
      // A layer that only fails while it is built (an unknown number of time steps, say), or a model over the
      // memory budget (refused before building): listed, not thrown.
      String problem = e.getMessage().startsWith(shown + ": ") ? e.getMessage().substring(shown.length() + 2)
          : e.getMessage();
      return new Summary(shown, file.format().description, file.kerasVersion(), file.backend(), model.className(),
          model.name(), configRows(model, file), 0, List.of(), List.of(), List.of(problem));
    }
    try (KerasGraph graph = built) {
      List<Port> ins = graph.inputs().stream().map(i -> new Port(i.name(),
          org.introdl.savedmodels.values.Dtypes.name(i.dtype()), KerasGraph.shapeText(i.placeholder().shape()))).toList();
      List<Port> outs = new ArrayList<>();
      graph.outputs().forEach((k, v) -> outs.add(new Port(k, "float32", KerasGraph.shapeText(v.shape()))));
      return new Summary(shown, file.format().description, file.kerasVersion(), file.backend(), model.className(),
          model.name(), graph.layers(), graph.parameterCount(), ins, outs, List.of());
    }
  }

  /** Layers listed from the config alone (the graph cannot be built): no shapes, parameters from the file. */
  private static List<KerasGraph.LayerRow> configRows(KerasModel model, KerasFile file) {
    WeightSource weights = WeightSource.root(file);
    List<KerasGraph.LayerRow> rows = new ArrayList<>();
    for (KerasModel.Layer l : model.layers()) {
      long params = l.nested() == null ? weights.of(l).stream().mapToLong(w -> w.values().length).sum() : 0;
      rows.add(new KerasGraph.LayerRow(l.name(), l.className(), "?", params, List.of()));
    }
    return rows;
  }

  public static String format(Summary s) {
    StringBuilder b = new StringBuilder();
    b.append("file:     ").append(s.file()).append('\n');
    b.append("format:   ").append(s.format()).append('\n');
    b.append("keras:    ").append(s.kerasVersion() == null ? "not recorded" : s.kerasVersion())
        .append("   backend: ").append(s.backend() == null ? "not recorded" : s.backend()).append('\n');
    b.append("model:    ").append(s.modelClass()).append(s.modelName().isEmpty() ? "" : " '" + s.modelName() + "'")
        .append('\n');
    if (!s.layers().isEmpty()) {
      boolean functional = s.layers().stream().anyMatch(r -> r.inputs().size() > 1)
          || !"Sequential".equals(s.modelClass());
      int nameWidth = Math.max(28, s.layers().stream().mapToInt(r -> r.name().length() + r.className().length() + 4)
          .max().orElse(0));
      int shapeWidth = Math.max(20, s.layers().stream().mapToInt(r -> r.outputShape().length() + 2).max().orElse(0));
      b.append('\n').append(pad("Layer (type)", nameWidth)).append(pad("Output Shape", shapeWidth))
          .append(pad("Param #", 12)).append(functional ? "Connected to" : "").append('\n');
      for (KerasGraph.LayerRow r : s.layers()) {
        b.append(pad(r.name() + " (" + r.className() + ")", nameWidth)).append(pad(r.outputShape(), shapeWidth))
            .append(pad(String.format(Locale.ROOT, "%,d", r.params()), 12))
            .append(functional ? String.join(", ", r.inputs()) : "").append('\n');
      }
      b.setLength(b.length() - 1);
      b.append('\n');
      if (s.importable()) {
        b.append(String.format(Locale.ROOT, "Total params: %,d%n", s.totalParams()));
      }
    }
    for (Port p : s.inputs()) {
      b.append("input:    ").append(p.name()).append(' ').append(p.dtype()).append(' ').append(p.shape()).append('\n');
    }
    for (Port p : s.outputs()) {
      b.append("output:   ").append(p.name()).append(' ').append(p.dtype()).append(' ').append(p.shape())
          .append('\n');
    }
    for (String p : s.problems()) {
      b.append("cannot import: ").append(p).append('\n');
    }
    return b.toString().replaceAll(" +\n", "\n");
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
  }
}
