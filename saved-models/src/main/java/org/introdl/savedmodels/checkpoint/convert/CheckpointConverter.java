package org.introdl.savedmodels.checkpoint.convert;

import org.introdl.savedmodels.checkpoint.CheckpointPrefix;
import org.introdl.savedmodels.checkpoint.TensorBundleIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.introdl.core.UserError;
import org.introdl.core.safety.RunLimits;
import org.introdl.savedmodels.safety.UnsafeOps;
import org.introdl.core.safety.Watchdog;
import org.introdl.savedmodels.format.ProtoFiles;
import org.introdl.savedmodels.format.SavedModelExport;
import org.introdl.savedmodels.values.TensorSpec;
import org.introdl.savedmodels.graph.GraphFile;
import org.introdl.savedmodels.graph.GraphRunner;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Scope;
import org.tensorflow.proto.DataType;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.op.Ops;

/**
 * {@code checkpoint convert}: a TF1 checkpoint plus its graph ({@code PREFIX.meta}) becomes a SavedModel with a
 * {@code serving_default} signature. The graph is imported from the MetaGraphDef, the checkpoint restored through
 * the graph's own saver, and the session exported by {@link SavedModelExport}. The signature holds the tensors named
 * by {@code --input key=tensor} / {@code --output key=tensor}; nothing here knows a lab's model (each lab's
 * {@code export} command writes its own signatures).
 */
public final class CheckpointConverter {
  private CheckpointConverter() {}

  public record Request(Path checkpoint, Path meta, Path out, Map<String, String> inputs,
      Map<String, String> outputs, RunLimits limits) {
    /** With the default memory budget and timeout. */
    public Request(Path checkpoint, Path meta, Path out, Map<String, String> inputs, Map<String, String> outputs,
        boolean allowUnsafeOps) {
      this(checkpoint, meta, out, inputs, outputs, RunLimits.of(allowUnsafeOps));
    }
  }

  public record Outcome(Path out, Map<String, TensorSpec> inputs, Map<String, TensorSpec> outputs,
      int variablesRestored) {}

  public static Outcome convert(Request r) {
    CheckpointPrefix prefix = CheckpointPrefix.resolve(r.checkpoint());
    Path metaFile = r.meta() != null ? r.meta() : prefix.meta();
    if (!Files.exists(metaFile)) {
      throw UserError.inFile(metaFile, "not found: converting needs the graph (pass --meta FILE.meta)");
    }
    SavedModelExport.requireNewFolder(r.out());
    GraphFile g = GraphFile.read(metaFile);
    if (g.saver().isEmpty()) {
      throw UserError.inFile(metaFile, "has no saver (SaverDef); cannot restore a checkpoint into it");
    }
    // The whole graph but the old saver's save path, before it is imported: the exported model holds all of it,
    // restoring runs the restore path, and TensorFlow's shape inference may evaluate constant subgraphs on import.
    UnsafeOps.requireRunnable(UnsafeOps.scan(g.graph(), g.saver().get()).withCheckpoint(prefix.index().toString(),
        TensorBundleIndex.declaredBytes(prefix.index())), metaFile.toString(), r.limits());
    if (r.inputs().isEmpty() || r.outputs().isEmpty()) {
      throw UserError.inFile(metaFile, "say what the signature holds with --input key=tensor and --output"
          + " key=tensor (placeholders: " + String.join(", ", g.placeholders().stream()
              .map(p -> p.key() + " " + p.dtypeName() + " " + p.shapeText()).toList()) + ")");
    }
    Map<String, Tensor> values = Watchdog.call(r.limits().timeout(), metaFile.toString(),
        () -> restoredValues(g, prefix));
    try (Graph graph = GraphRunner.importGraph(g.withoutSaver()); Session session = new Session(graph)) {
      assign(graph, session, values);
      Signature.Builder sig = Signature.builder().key(Signature.DEFAULT_KEY)
          .methodName(SavedModelExport.PREDICT_METHOD);
      Map<String, TensorSpec> ins = new LinkedHashMap<>();
      Map<String, TensorSpec> outs = new LinkedHashMap<>();
      r.inputs().forEach((k, name) -> {
        Output<?> o = tensor(graph, name, metaFile);
        sig.input(k, o);
        ins.put(k, spec(k, o));
      });
      r.outputs().forEach((k, name) -> {
        Output<?> o = tensor(graph, name, metaFile);
        sig.output(k, o);
        outs.put(k, spec(k, o));
      });
      SavedModelExport.export(session, sig.build(), r.out());
      return new Outcome(r.out(), ins, outs, values.size());
    } finally {
      values.values().forEach(Tensor::close);
    }
  }

  /**
   * Restores the checkpoint through the graph's own saver, in a graph of its own, and reads every variable back.
   * The export then happens in a second graph without the old saver: TensorFlow Java adds its own {@code save/}
   * ops when it exports, and a leftover restore op would (rightly) be flagged by the scanner.
   */
  private static Map<String, Tensor> restoredValues(GraphFile g, CheckpointPrefix prefix) {
    Map<String, Tensor> values = new LinkedHashMap<>();
    try (Graph graph = GraphRunner.importGraph(g); Session session = new Session(graph)) {
      GraphRunner.restoreIfNeeded(g, session, prefix.prefix(), org.tensorflow.proto.RunOptions.getDefaultInstance());
      for (TensorSpec v : g.variables()) {
        try (Result result = session.runner().fetch(v.key()).run()) {
          values.put(v.key(), copy(result.get(0)));
        }
      }
      return values;
    } catch (RuntimeException e) {
      values.values().forEach(Tensor::close);
      if (e instanceof TensorFlowException) {
        throw UserError.inFile(prefix.prefix(), "cannot read the restored variables (" + ProtoFiles.firstLine(
            e.getMessage()) + ")");
      }
      throw e;
    }
  }

  /** A tensor that outlives its Result (which closes what it holds). */
  private static Tensor copy(Tensor t) {
    org.tensorflow.RawTensor raw = t.asRawTensor();
    byte[] bytes = new byte[Math.toIntExact(raw.numBytes())];
    raw.data().read(bytes);
    return Tensor.of(tensorType(t.dataType()), t.shape(), DataBuffers.of(bytes, true, false));
  }

  private static Class<? extends org.tensorflow.types.family.TType> tensorType(DataType dtype) {
    return org.introdl.savedmodels.values.Dtypes.toNpy(dtype).map(org.introdl.savedmodels.values.Dtypes::tensorClass)
        .orElseThrow(() -> new UserError("variables of dtype " + dtype + " cannot be converted"));
  }

  /** Sets every variable of {@code graph} to its restored value: Placeholder -> Assign, run once. */
  private static void assign(Graph graph, Session session, Map<String, Tensor> values) {
    Session.Runner runner = session.runner();
    Scope scope = Ops.create(graph).withSubScope("checkpoint_import").scope();
    int i = 0;
    for (Map.Entry<String, Tensor> e : values.entrySet()) {
      Output<?> variable = graph.operation(e.getKey()).output(0);
      Output<?> value = graph.opBuilder("Placeholder", scope.makeOpName("value_" + i), scope)
          .setAttr("dtype", e.getValue().dataType()).build().output(0);
      GraphOperation assign = graph.opBuilder("Assign", scope.makeOpName("assign_" + i), scope).addInput(variable)
          .addInput(value).build();
      runner.feed(value, e.getValue()).addTarget(assign);
      i++;
    }
    runner.run().close();
  }

  private static Output<?> tensor(Graph graph, String name, Path file) {
    Output<?> o;
    try {
      o = graph.output(name.contains(":") ? name : name + ":0");
    } catch (IllegalArgumentException e) {
      o = null;
    }
    if (o == null) {
      throw UserError.inFile(file, "no tensor '" + name + "' in the graph");
    }
    return o;
  }

  private static TensorSpec spec(String key, Output<?> o) {
    long[] shape = o.shape().isUnknown() ? null : o.shape().asArray();
    return new TensorSpec(key, o.op().name() + ":" + o.index(), o.dataType(), shape);
  }
}
