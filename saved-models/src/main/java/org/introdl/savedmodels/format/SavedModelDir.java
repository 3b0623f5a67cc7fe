package org.introdl.savedmodels.format;

import org.introdl.savedmodels.values.TensorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.introdl.core.UserError;
import org.introdl.savedmodels.safety.ModelFolder;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;

/**
 * A SavedModel folder read in Java, before any of it reaches the TensorFlow runtime: {@code saved_model.pb} parsed
 * and checked, so that a missing file, a wrong tag or an unknown signature is a clear message, and so that the
 * graph can be scanned for unsafe ops before the loader runs any part of it.
 */
public final class SavedModelDir {
  public static final String DEFAULT_TAG = "serve";
  public static final String DEFAULT_SIGNATURE = "serving_default";

  private final Path dir;
  private final SavedModel proto;

  private SavedModelDir(Path dir, SavedModel proto) {
    this.dir = dir;
    this.proto = proto;
  }

  /** Opens {@code dir}; any problem (missing, no {@code saved_model.pb}, not a SavedModel) is a UserError. */
  public static SavedModelDir open(Path dir) {
    if (!Files.exists(dir)) {
      throw UserError.inFile(dir, "no such directory");
    }
    if (!Files.isDirectory(dir)) {
      String name = dir.getFileName().toString();
      boolean keras = name.endsWith(".keras") || name.endsWith(".h5") || name.endsWith(".hdf5");
      throw UserError.inFile(dir, "not a directory (a SavedModel is a folder holding saved_model.pb)"
          + (keras ? "; for a Keras file use ./labs keras show|run|convert" : ""));
    }
    Path pb = dir.resolve("saved_model.pb");
    if (!Files.exists(pb)) {
      if (Files.exists(dir.resolve("saved_model.pbtxt"))) {
        throw UserError.inFile(dir, "holds saved_model.pbtxt; only the binary saved_model.pb is supported");
      }
      throw UserError.inFile(dir, "no saved_model.pb in this folder (is it a SavedModel?)");
    }
    ModelFolder.requireScannable(dir);
    SavedModel model = ProtoFiles.parse(pb, SavedModel.parser(), "SavedModel");
    if (model.getMetaGraphsCount() == 0) {
      throw UserError.inFile(pb, "not a valid SavedModel (it holds no MetaGraph)");
    }
    for (MetaGraphDef mg : model.getMetaGraphsList()) {
      if (mg.getGraphDef().getNodeCount() == 0 && mg.getGraphDef().getLibrary().getFunctionCount() == 0) {
        throw UserError.inFile(pb, "not a valid SavedModel (a MetaGraph holds an empty graph)");
      }
    }
    return new SavedModelDir(dir, model);
  }

  public Path dir() {
    return dir;
  }

  public SavedModel proto() {
    return proto;
  }

  /** Each MetaGraph's tag set. */
  public List<Set<String>> tagSets() {
    List<Set<String>> sets = new ArrayList<>();
    for (MetaGraphDef mg : proto.getMetaGraphsList()) {
      sets.add(new TreeSet<>(mg.getMetaInfoDef().getTagsList()));
    }
    return sets;
  }

  /** The tag sets as a user types them: "serve", "serve,gpu". */
  public String tagSetsText() {
    return tagSets().stream().map(s -> s.isEmpty() ? "(no tags)" : String.join(",", s))
        .collect(Collectors.joining("; "));
  }

  /** The MetaGraph whose tag set is exactly {@code tags} (comma-separated), else a UserError listing those present. */
  public MetaGraphDef metaGraph(String tags) {
    Set<String> wanted = parseTags(tags);
    for (MetaGraphDef mg : proto.getMetaGraphsList()) {
      if (new TreeSet<>(mg.getMetaInfoDef().getTagsList()).equals(wanted)) {
        return mg;
      }
    }
    throw UserError.inFile(dir, "no MetaGraph with tags '" + String.join(",", wanted) + "'; tag sets present: "
        + tagSetsText());
  }

  /** "serve,gpu" as a set. */
  public static Set<String> parseTags(String tags) {
    Set<String> set = new TreeSet<>();
    for (String t : tags.split(",")) {
      if (!t.isBlank()) {
        set.add(t.strip());
      }
    }
    return set;
  }

  /** The signature {@code key} of {@code metaGraph}, else a UserError listing the keys present. */
  public Signature signature(MetaGraphDef metaGraph, String key) {
    SignatureDef def = metaGraph.getSignatureDefMap().get(key);
    if (def == null) {
      String present = metaGraph.getSignatureDefMap().isEmpty() ? "(none)"
          : String.join(", ", new TreeSet<>(metaGraph.getSignatureDefMap().keySet()));
      throw UserError.inFile(dir, "no signature '" + key + "'; signatures present: " + present);
    }
    return Signature.of(key, def);
  }

  /** A signature: key, method name, inputs and outputs in key order. */
  public record Signature(String key, String methodName, Map<String, TensorSpec> inputs,
      Map<String, TensorSpec> outputs) {
    public static Signature of(String key, SignatureDef def) {
      return new Signature(key, def.getMethodName(), specs(def.getInputsMap()), specs(def.getOutputsMap()));
    }

    private static Map<String, TensorSpec> specs(Map<String, org.tensorflow.proto.TensorInfo> infos) {
      Map<String, TensorSpec> out = new LinkedHashMap<>();
      new TreeSet<>(infos.keySet()).forEach(k -> out.put(k, TensorSpec.of(k, infos.get(k))));
      return out;
    }

    /** "x (float32 [-1, 1]), ...": what the signature expects. */
    public String expectedInputs() {
      return inputs.isEmpty() ? "no inputs"
          : inputs.values().stream().map(TensorSpec::describe).collect(Collectors.joining(", "));
    }
  }
}
