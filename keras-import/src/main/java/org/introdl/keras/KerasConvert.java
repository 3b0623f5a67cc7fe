package org.introdl.keras;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.introdl.core.UserError;
import org.introdl.core.safety.RunLimits;
import org.introdl.core.safety.Watchdog;
import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.format.SavedModelExport;
import org.introdl.savedmodels.values.TensorSpec;
import org.tensorflow.Session;
import org.tensorflow.Signature;

/**
 * {@code keras convert}: the imported graph and its weights as a SavedModel with a {@code serving_default}
 * signature (inputs keyed by the input layers' names, outputs by the output layers'), loadable by stock TensorFlow
 * and by {@code ./labs savedmodel run}. Variables keep the Keras layer names ({@code dense_1/kernel}).
 */
public final class KerasConvert {
  private KerasConvert() {}

  /** {@code limits} bound what the model may declare and how long building and writing may take. */
  public record Request(KerasSource source, Path out, RunLimits limits) {
    /** With the default memory budget and timeout. */
    public Request(KerasSource source, Path out) {
      this(source, out, RunLimits.of(false));
    }
  }

  public record Outcome(Path out, Map<String, TensorSpec> inputs, Map<String, TensorSpec> outputs,
      List<String> variables, long parameters) {}

  public static Outcome convert(Request request) {
    if (Files.exists(request.out())) {
      throw UserError.inFile(request.out(), "already exists; choose a new folder for the SavedModel");
    }
    KerasFile file = request.source().open();
    return Watchdog.call(request.limits().timeout(), request.source().shown().toString(), () -> write(file,
        request));
  }

  private static Outcome write(KerasFile file, Request request) {
    try (KerasGraph graph = KerasGraph.build(file, request.limits()); Session session = graph.openSession()) {
      SavedModelDir.Signature sig = KerasRun.signature(graph);
      Signature.Builder builder = Signature.builder().key(Signature.DEFAULT_KEY)
          .methodName("tensorflow/serving/predict");
      graph.inputs().forEach(in -> builder.input(in.name(), in.placeholder()));
      graph.outputs().forEach(builder::output);
      SavedModelExport.export(session, builder.build(), request.out());
      return new Outcome(request.out(), sig.inputs(), sig.outputs(), new ArrayList<>(graph.variables().keySet()),
          graph.parameterCount());
    }
  }
}
