package org.introdl.savedmodels.repair;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.introdl.core.UserError;
import org.introdl.savedmodels.values.Dtypes;
import org.introdl.savedmodels.format.SavedModelDir;
import org.introdl.savedmodels.values.TensorSpec;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Signatures checked against their own graph the way TensorFlow Java checks them when it loads a SavedModel (every
 * tensor exists, with the declared dtype and a compatible shape), so that one stale signature does not stop the
 * model from loading:
 * <ul>
 *   <li>a signature whose dtypes or tensors disagree with the graph and that is not being called is dropped from
 *       the copy that is loaded (old TF1 exports declare {@code regress} inputs float32 on a string
 *       {@code tf_example} placeholder);</li>
 *   <li>a declaration that differs from the graph only by reference-ness ({@code float} declared, {@code float_ref}
 *       in the graph: a variable returned directly) is corrected, which changes nothing it computes;</li>
 *   <li>a declared unknown rank on a tensor of known shape is declared as the graph's shape (TensorFlow Java 1.1.0
 *       reads an unknown rank as a scalar and would refuse the model);</li>
 *   <li>a signature whose declared shapes contradict the graph's (TF Serving's
 *       {@code saved_model_half_plus_three} declares {@code x} a scalar on a {@code [-1, 1]} placeholder) is
 *       declared as the graph's shapes, with one line: the graph is what runs, and what Python and TF Serving feed
 *       it ({@code [[2.0]]}, a batch of scalars) only fits the graph;</li>
 *   <li>a called signature whose dtypes or tensors disagree is an error: running it would not mean what it
 *       says.</li>
 * </ul>
 * The graph is only imported to read its tensors' dtypes and shapes; nothing in it runs.
 */
public final class SignatureRepair {
  private SignatureRepair() {}

  /** The MetaGraph to load and one line per change. */
  public record Result(MetaGraphDef metaGraph, List<String> notes) {}

  /** Repairs {@code metaGraph} for a run that calls the signatures {@code called}. */
  public static Result repair(MetaGraphDef metaGraph, Collection<String> called, String source) {
    MetaGraphDef.Builder out = metaGraph.toBuilder();
    List<String> notes = new ArrayList<>();
    try (Graph graph = new Graph()) {
      try {
        graph.importGraphDef(metaGraph.getGraphDef());
      } catch (IllegalArgumentException | org.tensorflow.exceptions.TensorFlowException e) {
        return new Result(metaGraph, List.of()); // the loader will say what is wrong with the graph itself
      }
      for (Map.Entry<String, SignatureDef> e : new TreeMap<>(metaGraph.getSignatureDefMap()).entrySet()) {
        String key = e.getKey();
        if (key.startsWith("__")) {
          continue; // TensorFlow's own entries (the init op); TensorFlow Java does not check them either
        }
        SignatureDef.Builder sig = e.getValue().toBuilder();
        List<String> contradicted = new ArrayList<>();
        Optional<String> problem = check(graph, "input", sig.getInputsMap(), sig::putInputs, contradicted)
            .or(() -> check(graph, "output", sig.getOutputsMap(), sig::putOutputs, contradicted));
        if (problem.isEmpty() && !contradicted.isEmpty()) {
          out.putSignatureDef(key, sig.build());
          notes.add("signature '" + key + "' declares " + String.join(", ", contradicted) + " in the graph; the "
              + "graph is what runs, so its shapes are followed (inputs are checked against them, and a batch whose "
              + "element count fits is fed in the graph's shape)");
          continue;
        }
        if (problem.isPresent()) {
          if (called.contains(key)) {
            throw new UserError(source + ": signature '" + key + "' disagrees with the graph: " + problem.get());
          }
          out.removeSignatureDef(key);
          notes.add("ignored signature '" + key + "' (not called): " + problem.get());
        } else if (!sig.build().equals(e.getValue())) {
          out.putSignatureDef(key, sig.build());
          notes.add("signature '" + key + "': declarations corrected to the graph's own dtypes and shapes "
              + "(a reference dtype, or an unknown rank that TensorFlow Java would read as a scalar)");
        }
      }
    }
    return new Result(notes.isEmpty() ? metaGraph : out.build(), notes);
  }

  /**
   * {@code sig} with each input whose tensor is a placeholder of a shape that contradicts the declaration declared
   * as the placeholder's shape, so that inputs are checked against what the graph takes. Read from the nodes alone
   * (nothing is imported: this runs before the scan); {@link #repair} later corrects and reports the same.
   */
  public static SavedModelDir.Signature followPlaceholders(MetaGraphDef metaGraph, SavedModelDir.Signature sig) {
    Map<String, TensorSpec> inputs = new LinkedHashMap<>();
    sig.inputs().forEach((k, spec) -> inputs.put(k, placeholderShape(metaGraph, spec)
        .filter(shape -> spec.shape() != null && !compatible(shape, spec.shape()))
        .map(shape -> new TensorSpec(k, spec.tensorName(), spec.dtype(), shape)).orElse(spec)));
    return new SavedModelDir.Signature(sig.key(), sig.methodName(), inputs, sig.outputs());
  }

  /** The inputs of {@code declared} that {@link #followPlaceholders} gave the graph's shape in {@code followed}. */
  public static Set<String> contradicted(SavedModelDir.Signature declared, SavedModelDir.Signature followed) {
    return followed.inputs().keySet().stream()
        .filter(k -> !followed.inputs().get(k).equals(declared.inputs().get(k)))
        .collect(Collectors.toSet());
  }

  private static Optional<long[]> placeholderShape(MetaGraphDef metaGraph, TensorSpec spec) {
    if (!spec.tensorName().endsWith(":0")) {
      return Optional.empty();
    }
    String node = spec.tensorName().substring(0, spec.tensorName().length() - 2);
    return metaGraph.getGraphDef().getNodeList().stream()
        .filter(n -> n.getName().equals(node) && n.getOp().equals("Placeholder") && n.containsAttr("shape"))
        .findFirst().map(n -> TensorSpec.shape(n.getAttrOrThrow("shape").getShape()));
  }

  private static boolean compatible(long[] a, long[] b) {
    return a == null || Shape.of(a).isCompatibleWith(Shape.of(b));
  }

  private static TensorShapeProto proto(Shape shape) {
    TensorShapeProto.Builder b = TensorShapeProto.newBuilder();
    for (long d : shape.asArray()) {
      b.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    return b.build();
  }

  private interface Put {
    void put(String key, TensorInfo info);
  }

  /**
   * The first disagreement among {@code infos}, after correcting reference-only differences and contradicted shapes
   * (each described in {@code contradicted}) through {@code put}.
   */
  private static Optional<String> check(Graph graph, String kind, Map<String, TensorInfo> infos, Put put,
      List<String> contradicted) {
    for (Map.Entry<String, TensorInfo> e : new TreeMap<>(infos).entrySet()) {
      TensorInfo info = e.getValue();
      if (info.getEncodingCase() != TensorInfo.EncodingCase.NAME) {
        continue; // sparse and composite tensors: TensorFlow Java does not check them
      }
      Output<?> tensor = graph.output(info.getName());
      if (tensor == null) {
        return Optional.of(kind + " " + e.getKey() + " names " + info.getName() + ", which is not in the graph");
      }
      DataType inGraph = tensor.dataType();
      if (inGraph != info.getDtype()) {
        if (Dtypes.base(inGraph) != Dtypes.base(info.getDtype())) {
          return Optional.of(kind + " " + e.getKey() + " is declared " + Dtypes.name(info.getDtype()) + " but "
              + info.getName() + " is " + Dtypes.name(inGraph) + " in the graph");
        }
        put.put(e.getKey(), info.toBuilder().setDtype(inGraph).build());
      }
      long[] declared = TensorSpec.shape(info.getTensorShape());
      if (declared == null) {
        // TensorFlow Java reads a declared unknown rank as a scalar and then refuses any tensor of known rank;
        // declaring the graph's own shape instead changes nothing the signature computes.
        if (!tensor.shape().isUnknown() && tensor.shape().numDimensions() > 0) {
          put.put(e.getKey(), info.toBuilder().setDtype(inGraph).setTensorShape(proto(tensor.shape())).build());
        }
        continue;
      }
      if (!tensor.shape().isCompatibleWith(Shape.of(declared))) {
        put.put(e.getKey(), info.toBuilder().setDtype(inGraph).setTensorShape(proto(tensor.shape())).build());
        contradicted.add(kind + " " + e.getKey() + " " + TensorSpec.shapeText(declared) + " but "
            + info.getName() + " is " + TensorSpec.shapeText(tensor.shape().asArray()));
      }
    }
    return Optional.empty();
  }
}
