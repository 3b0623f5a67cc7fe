package org.introdl.savedmodels;

import org.introdl.savedmodels.format.SavedModelDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.introdl.core.UserError;
import org.introdl.core.io.AtomicFiles;
import org.introdl.savedmodels.repair.RepairedModel;
import org.tensorflow.proto.MetaGraphDef;

/**
 * {@code savedmodel convert}: the repairs {@code run} makes before loading (cuDNN RNNs rewritten for the CPU,
 * signatures that disagree with the graph dropped or corrected), written once as a new SavedModel that stock
 * TensorFlow loads anywhere. Variables and assets are copied unchanged; nothing of the model runs. The folder
 * appears only when it is complete.
 */
public final class SavedModelConvert {
  private SavedModelConvert() {}

  /** The folder written and one line per repair, by MetaGraph tags. */
  public record Outcome(Path out, List<String> notes) {}

  public static Outcome convert(Path dir, Path out) {
    SavedModelDir model = SavedModelDir.open(dir);
    if (Files.exists(out)) {
      throw UserError.inFile(out, "already exists; choose a new folder for the converted SavedModel");
    }
    List<String> notes = new ArrayList<>();
    List<MetaGraphDef> originals = model.proto().getMetaGraphsList();
    List<MetaGraphDef> repaired = new ArrayList<>();
    for (MetaGraphDef mg : originals) {
      // The repairs import the graph into TensorFlow, which evaluates its stateless ops: only for a model that scans
      // safe (a converted model is one others will run, so this refuses rather than asks).
      org.introdl.savedmodels.safety.UnsafeOps.requireSafeWithin(org.introdl.savedmodels.safety.UnsafeOps.scan(mg), dir.toString(),
          org.introdl.core.safety.RunLimits.of(false));
      List<String> mgNotes = new ArrayList<>();
      repaired.add(RepairedModel.repairMetaGraph(model, mg, List.of(), mgNotes));
      String tags = String.join(",", mg.getMetaInfoDef().getTagsList());
      mgNotes.forEach(n -> notes.add(originals.size() == 1 ? n : "[tags " + tags + "] " + n));
    }
    Path parent = out.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(parent);
      tmp = Files.createTempDirectory(parent, "." + out.getFileName() + ".tmp");
      RepairedModel.writeCopy(model, originals, repaired, tmp);
      AtomicFiles.moveIntoPlace(tmp, out);
      tmp = null;
    } catch (IOException e) {
      throw UserError.inFile(out, "cannot write the converted SavedModel (" + e.getMessage() + ")");
    } finally {
      AtomicFiles.deleteTreeQuietly(tmp);
    }
    return new Outcome(out, notes);
  }
}
