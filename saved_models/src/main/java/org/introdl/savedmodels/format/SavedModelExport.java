package org.introdl.savedmodels.format;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.introdl.core.UserError;
import org.introdl.core.io.AtomicFiles;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * Writes a session's graph and variables as a SavedModel (tag {@code serve}), atomically: into a private folder
 * beside {@code out}, then renamed into place, so a failed export leaves nothing behind.
 */
public final class SavedModelExport {
  private SavedModelExport() {}

  public static void export(Session session, Signature signature, Path out) {
    Path parent = out.toAbsolutePath().getParent();
    AtomicFiles.requireWritableDir(parent);
    Path tmp = null;
    try {
      tmp = Files.createTempDirectory(parent, "." + out.getFileName() + ".tmp");
      SavedModelBundle.exporter(tmp.toString()).withTags(SavedModelDir.DEFAULT_TAG).withSession(session)
          .withSignature(signature).export();
      readableByOthers(tmp);
      AtomicFiles.moveIntoPlace(tmp, out);
      tmp = null;
    } catch (IOException | TensorFlowException | IllegalArgumentException e) {
      throw UserError.inFile(out, "cannot export the SavedModel (" + ProtoFiles.firstLine(e.getMessage()) + ")");
    } finally {
      AtomicFiles.deleteTreeQuietly(tmp);
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
