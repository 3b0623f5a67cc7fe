package org.introdl.savedmodels.format;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.introdl.core.UserError;
import org.introdl.core.io.AtomicFiles;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * Writes a session's graph and variables as a SavedModel (tag {@code serve}) with the signatures given, atomically:
 * into a private folder beside {@code out}, then renamed into place, so a failed export leaves nothing behind. The
 * one SavedModel writer of the project: {@code checkpoint convert}, {@code keras convert} and each lab's
 * {@code export} (which knows its own model's signatures) call it.
 */
public final class SavedModelExport {
  /** The method name TensorFlow Serving's predict API expects of a signature. */
  public static final String PREDICT_METHOD = "tensorflow/serving/predict";

  private SavedModelExport() {}

  public static void export(Session session, Signature signature, Path out) {
    export(session, List.of(signature), out);
  }

  /** Exports the graph of {@code session} with its variables' current values and {@code signatures}. */
  public static void export(Session session, List<Signature> signatures, Path out) {
    requireNewFolder(out);
    Path parent = out.toAbsolutePath().getParent();
    AtomicFiles.requireWritableDir(parent);
    Path tmp = null;
    try {
      tmp = Files.createTempDirectory(parent, "." + out.getFileName() + ".tmp");
      SavedModelBundle.exporter(tmp.toString()).withTags(SavedModelDir.DEFAULT_TAG).withSession(session)
          .withSignatures(signatures.toArray(Signature[]::new)).export();
      readableByOthers(tmp);
      AtomicFiles.moveIntoPlace(tmp, out);
      tmp = null;
    } catch (IOException | TensorFlowException | IllegalArgumentException e) {
      throw UserError.inFile(out, "cannot export the SavedModel (" + ProtoFiles.firstLine(e.getMessage()) + ")");
    } finally {
      AtomicFiles.deleteTreeQuietly(tmp);
    }
  }

  /** Refuses an existing {@code out}: an export never replaces a model (call it before the slow work too). */
  public static void requireNewFolder(Path out) {
    if (Files.exists(out)) {
      throw UserError.inFile(out, "already exists; choose a new folder for the SavedModel");
    }
  }

  /** A temporary folder is private (rwx------); the finished SavedModel is an ordinary folder. */
  private static void readableByOthers(Path dir) throws IOException {
    try {
      Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: its defaults apply.
    }
  }
}
